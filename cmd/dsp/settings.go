package main

import (
	"fmt"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/policy"
)

func newLimitsCommand(c *cli) *cobra.Command {
	var memory string
	var cpus float64
	var pids int64
	cmd := &cobra.Command{
		Use:   "limits [--memory SIZE] [--cpus N] [--pids N]",
		Short: "Show or set what bounds every container of every lab (a lab's x-dsp.limits may ask for less)",
		Long: `Show or set the limits of every container of every lab that sets none of its
own: memory (512m, 2g), CPUs (0.5, 2) and processes. 0 removes a limit; a
container always has a process limit (` + fmt.Sprint(engine.DefaultPidsLimit) + ` unless set), so that a fork bomb
stays in its container. The limits apply from a lab's next start on.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			lim := a.UserLimits()
			flags := cmd.Flags()
			if flags.Changed("memory") {
				if memory == "0" {
					lim.Memory = 0
				} else if lim.Memory, err = units.RAMInBytes(memory); err != nil || lim.Memory <= 0 {
					return &usageError{msg: fmt.Sprintf("--memory %q is not a size such as 512m or 2g", memory)}
				}
			}
			if flags.Changed("cpus") {
				lim.CPUs = cpus
			}
			if flags.Changed("pids") {
				lim.Pids = pids
			}
			if flags.Changed("memory") || flags.Changed("cpus") || flags.Changed("pids") {
				if err := a.SetUserLimits(lim); err != nil {
					return err
				}
			}
			out := cmd.OutOrStdout()
			show := func(name string, set bool, value string) {
				if !set {
					value = "no limit"
				}
				fmt.Fprintf(out, "%-10s %s\n", name, value)
			}
			show("memory", lim.Memory > 0, units.BytesSize(float64(lim.Memory)))
			show("cpus", lim.CPUs > 0, fmt.Sprint(lim.CPUs))
			if lim.Pids == 0 {
				lim.Pids = engine.DefaultPidsLimit
			}
			show("processes", true, fmt.Sprint(lim.Pids))
			return nil
		},
	}
	cmd.Flags().StringVar(&memory, "memory", "", "memory of each container (512m, 2g; 0 for no limit)")
	cmd.Flags().Float64Var(&cpus, "cpus", 0, "CPUs of each container (0.5, 2; 0 for no limit)")
	cmd.Flags().Int64Var(&pids, "pids", 0, fmt.Sprintf("processes of each container (0 for dsp's default of %d)", engine.DefaultPidsLimit))
	return cmd
}

func newPolicyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "policy",
		Short: "Print what a lab may ask of the host: every compose key dsp passes on, and whether it needs a trusted repository",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(cmd.OutOrStdout(), policy.Markdown())
			return err
		},
	}
}
