package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/engine"
)

func newLabApplyCommand(c *cli) *cobra.Command {
	var dryRun, plain bool
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "apply REPO/LAB|PATH",
		Short: "Apply the lab as saved to its running instance: only the services whose definition changed are recreated",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			out := cmd.OutOrStdout()
			if dryRun {
				plan, err := a.Plan(ctx, t, ref)
				if err != nil {
					return err
				}
				printPlan(out, plan)
				return nil
			}
			r := newRenderer(out, plain)
			plan, err := a.Apply(ctx, t, ref, r.Event)
			r.Close()
			if err != nil {
				return err
			}
			printPlan(out, plan)
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only say what would be recreated, created and removed")
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func printPlan(out io.Writer, p *engine.Plan) {
	list := func(what string, names []string) {
		if len(names) > 0 {
			fmt.Fprintf(out, "%-10s %s\n", what, strings.Join(names, ", "))
		}
	}
	list("recreate", p.Recreate)
	list("create", p.Create)
	list("remove", p.Remove)
	list("unchanged", p.Unchanged)
}
