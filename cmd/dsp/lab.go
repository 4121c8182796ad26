package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	units "github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
	"github.com/dsp-lab/dsp/internal/labtest"
	"github.com/dsp-lab/dsp/internal/report"
)

func newLabCommand(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{Use: "lab", Short: "List, inspect, validate, start and stop labs"})
	cmd.AddCommand(
		newLabListCommand(c),
		newLabShowCommand(c),
		newLabValidateCommand(c),
		newLabUpCommand(c), newLabApplyCommand(c),
		newLabDownCommand(c),
		newLabStatusCommand(c),
		newLabLogsCommand(c),
		newLabBuildCommand(c),
		newLabTestCommand(c),
		newLabCheckCommand(c),
		newLabSubmitCommand(c),
		newLabExposeCommand(c, true),
		newLabExposeCommand(c, false),
	)
	cmd.AddCommand(labManageCommands(c)...)
	return cmd
}

func newLabListCommand(c *cli) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every lab of every repository with its state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			doc, warnings, err := a.Catalogue(ctx)
			if err != nil {
				return err
			}
			printWarnings(cmd, warnings)
			if asJSON {
				return printJSON(cmd.OutOrStdout(), doc)
			}
			printCatalogue(cmd.OutOrStdout(), doc)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document (see README)")
	return cmd
}

func printCatalogue(out io.Writer, doc *report.Catalogue) {
	w := newTable(out)
	fmt.Fprintln(w, "LAB\tSTATE\tFORMAT\tTESTED\tLABELS")
	for _, r := range doc.Repositories {
		for _, l := range r.Labs {
			state := l.State
			if !l.Valid {
				state = "invalid"
			}
			if others := otherInstances(l.Instances); others != "" {
				state += " (+" + others + ")"
			}
			names := make([]string, len(l.Labels))
			for i, lb := range l.Labels {
				names[i] = lb.Name
			}
			fmt.Fprintf(w, "%s/%s\t%s\t%s\t%s\t%s\n", r.Name, l.Name, state, l.Format, tested(l.LastTest), strings.Join(names, ", "))
		}
	}
	w.Flush()
}

// otherInstances names the instances other than the default one:
// "2 instances: a, b".
func otherInstances(list []report.InstanceSummary) string {
	var names []string
	for _, in := range list {
		if in.Instance != engine.DefaultInstance {
			names = append(names, in.Instance)
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "instance " + names[0]
	}
	return fmt.Sprintf("%d instances: %s", len(names), strings.Join(names, ", "))
}

// printWarnings prints what the application worked around.
func printWarnings(cmd *cobra.Command, warnings []error) {
	for _, w := range warnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning:", hint(w))
	}
}

// tested is the TESTED column of lab list: passed, failed (N failed
// steps), or - when the lab was never tested.
func tested(t *report.TestSummary) string {
	switch {
	case t == nil:
		return "-"
	case t.Status == string(labtest.Failed):
		return fmt.Sprintf("failed (%d)", t.Failed)
	default:
		return t.Status
	}
}

func newLabShowCommand(c *cli) *cobra.Command {
	var asJSON, solution bool
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "show REPO/LAB|PATH",
		Short: "Show a lab: description, goal, services, networks, images, actions and state",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			doc, warnings := a.Details(ctx, t, ref)
			printWarnings(cmd, warnings)
			if asJSON {
				return printJSON(cmd.OutOrStdout(), doc)
			}
			printLab(cmd.OutOrStdout(), doc, solution)
			if r := doc.LastTest; r != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "\nLast %s run, %s:", r.Mode, r.Started.Local().Format("2006-01-02 15:04"))
				printReport(cmd.OutOrStdout(), r)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document (see README)")
	cmd.Flags().BoolVar(&solution, "solution", false, "also print the solution")
	instance.register(cmd, engine.DefaultInstance, "the instance whose state to show")
	return cmd
}

func printLab(out io.Writer, d *report.Details, solution bool) {
	l := d.Lab
	fmt.Fprintf(out, "%s  (%s)\n", l.Title, d.ID)
	fmt.Fprintf(out, "state: %s   format: %s   folder: %s\n", d.State, l.Format, l.Dir)
	if others := otherInstances(d.Instances); others != "" {
		fmt.Fprintf(out, "also running: %s\n", others)
	}
	if len(l.Labels) > 0 {
		names := make([]string, len(l.Labels))
		for i, lb := range l.Labels {
			names[i] = lb.Name
		}
		fmt.Fprintf(out, "labels: %s\n", strings.Join(names, ", "))
	}
	section(out, "Description", text(l.Description, l.TextFormat))
	section(out, "Goal", text(l.Goal, l.TextFormat))
	if solution {
		section(out, "Solution", text(l.Solution, l.TextFormat))
	} else if strings.TrimSpace(l.Solution) != "" {
		fmt.Fprintln(out, "\n(solution hidden: add --solution to see it)")
	}
	printServices(out, d.Services)
	printNetworks(out, d.Networks)
	printActions(out, l.Actions)
	printFiles(out, l.Files)
	printChecks(out, l)
	printHostAccess(out, d)
	if len(d.Risks) > 0 {
		fmt.Fprintf(out, "\nAsks for (needs a trusted repository; trusted: %s):\n", yesNo(d.Trusted))
		for _, r := range d.Risks {
			fmt.Fprintf(out, "  %s\n", r)
		}
	}
	if len(d.Errors) > 0 {
		fmt.Fprintln(out, "\nErrors:")
		for _, e := range d.Errors {
			fmt.Fprintf(out, "  %s\n", e)
		}
	}
}

// printHostAccess says where the lab's ports are published and what bounds
// its containers.
func printHostAccess(out io.Writer, d *report.Details) {
	fmt.Fprintln(out, "\nOn this machine:")
	if d.Exposed {
		fmt.Fprintln(out, "  ports: exposed to the network (as the compose file publishes them; dsp lab unexpose to keep them on 127.0.0.1)")
	} else {
		fmt.Fprintf(out, "  ports: on 127.0.0.1 only (dsp lab expose %s, or up --expose, to offer them to the network)\n", quoteArg(d.ID))
	}
	lim := d.AppliedLimits
	parts := []string{fmt.Sprintf("%d processes", lim.Pids)}
	if lim.Memory > 0 {
		parts = append(parts, units.BytesSize(float64(lim.Memory))+" of memory")
	}
	if lim.CPUs > 0 {
		parts = append(parts, fmt.Sprintf("%g CPUs", lim.CPUs))
	}
	fmt.Fprintf(out, "  each container that sets no limit of its own: at most %s\n", strings.Join(parts, ", "))
}

// printServices prints a lab's services as a table, always (with its
// header alone when there are none).
func printServices(out io.Writer, services []lab.Service) {
	fmt.Fprintln(out, "\nServices:")
	w := newTable(out)
	fmt.Fprintln(w, "  NAME\tIMAGE\tNETWORKS\tPORTS\tSHELL")
	for _, s := range services {
		var nets, ports []string
		for _, n := range s.Networks {
			if n.IP != "" {
				nets = append(nets, n.Name+"="+n.IP)
			} else {
				nets = append(nets, n.Name)
			}
		}
		for _, p := range s.Ports {
			ports = append(ports, fmt.Sprintf("%s->%d/%s", p.Host, p.Container, p.Protocol))
		}
		image := s.Image
		if s.Build != "" {
			image += " (built)"
		}
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", s.Name, image, dash(strings.Join(nets, " ")), dash(strings.Join(ports, " ")), yesNo(s.Shell))
	}
	w.Flush()
}

func printNetworks(out io.Writer, networks []lab.Network) {
	if len(networks) == 0 {
		return
	}
	fmt.Fprintln(out, "\nNetworks:")
	for _, n := range networks {
		line := "  " + n.Name
		if n.Subnet != "" {
			line += "  " + n.Subnet
		}
		if n.Written != "" {
			line += fmt.Sprintf("  (written %s)", n.Written)
		}
		fmt.Fprintln(out, line)
	}
}

func printActions(out io.Writer, actions []lab.Action) {
	if len(actions) == 0 {
		return
	}
	fmt.Fprintln(out, "\nActions (run after start, by priority):")
	for _, act := range actions {
		var args []string
		for _, arg := range act.Args {
			args = append(args, arg.Name+"="+quoteIfNeeded(arg.Value))
		}
		fmt.Fprintf(out, "  [%d] %s: %s %s\n", act.Priority, act.Service, act.Name, strings.Join(args, " "))
	}
}

func printFiles(out io.Writer, files []lab.File) {
	if len(files) == 0 {
		return
	}
	fmt.Fprintln(out, "\nFiles to copy:")
	for _, f := range files {
		when := "before actions"
		if f.AfterActions {
			when = "after actions"
		}
		fmt.Fprintf(out, "  %s -> %s:%s (%s)\n", f.Source, f.Service, f.Target, when)
	}
}

// printChecks prints what dsp lab test and dsp lab check run: the checks,
// the solution and the flag.
func printChecks(out io.Writer, l *lab.Lab) {
	if len(l.Checks) == 0 && l.Solve == nil && l.Flag == nil {
		return
	}
	fmt.Fprintln(out, "\nChecks (dsp lab test, dsp lab check):")
	for _, c := range l.Checks {
		fmt.Fprintf(out, "  %s: %s\n", c.Name, c.Describe())
	}
	if l.Solve != nil {
		what := strings.Join(l.Solve.Command, " ")
		if l.Solve.Script != "" {
			what = l.Solve.Script
		}
		fmt.Fprintf(out, "  solution: %s in %s\n", what, l.Solve.Service)
	}
	if l.Flag != nil {
		fmt.Fprintf(out, "  flag: a fresh %s{…} at each start (dsp lab submit)\n", l.Flag.Prefix)
	}
}

func newLabValidateCommand(c *cli) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "validate REPO/LAB|PATH",
		Short: "Check a lab and print its problems with file, line and field",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, t, err := c.target(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			problems := t.Problems
			if problems == nil {
				problems = lab.Problems{}
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if err := printJSON(out, map[string]any{"lab": t.ID(), "dir": t.Dir, "valid": t.LoadErr == nil, "problems": problems}); err != nil {
					return err
				}
			} else {
				for _, p := range problems {
					fmt.Fprintln(out, p)
				}
				errs, warns := len(problems.Errors()), len(problems.Warnings())
				if t.LoadErr == nil {
					fmt.Fprintf(out, "%s is valid (%d warning(s))\n", t.ID(), warns)
				} else {
					fmt.Fprintf(out, "%s is invalid: %d error(s), %d warning(s)\n", t.ID(), errs, warns)
				}
			}
			if t.LoadErr != nil {
				return &exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the problems as JSON")
	return cmd
}

func newLabUpCommand(c *cli) *cobra.Command {
	var trust, withoutRisks, expose, plain bool
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "up REPO/LAB|PATH",
		Short: "Start a lab, with live progress per service and per action",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			if withoutRisks {
				if t, err = t.WithoutRisks(); err != nil {
					return err
				}
			}
			r := newRenderer(cmd.OutOrStdout(), plain)
			st, err := a.Up(ctx, t, ref, app.UpOptions{TrustOnce: trust, ExposeOnce: expose, Progress: r.Event})
			r.Close()
			if err != nil {
				return err
			}
			printStatus(cmd.OutOrStdout(), st)
			return nil
		},
	}
	cmd.Flags().BoolVar(&trust, "trust", false, "accept this once what the lab asks for (privileged, host namespaces, …) even if its repository is not trusted")
	cmd.Flags().BoolVar(&withoutRisks, "without-risks", false, "start the lab without what it asks for that needs a trusted repository (it may then not work as meant)")
	cmd.Flags().BoolVar(&expose, "expose", false, "offer the lab's published ports to the network this once (by default they bind 127.0.0.1)")
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newLabExposeCommand(c *cli, expose bool) *cobra.Command {
	use, short := "expose REPO/LAB", "Offer a lab's published ports to the network from its next start on (by default they bind 127.0.0.1)"
	if !expose {
		use, short = "unexpose REPO/LAB", "Keep a lab's published ports on 127.0.0.1 from its next start on"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, err := c.target(ctx, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.SetExposed(t.Repo, t.Name, expose); err != nil {
				return err
			}
			if expose {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: its ports are offered to the network from its next start on\n", t.ID())
			} else if a.Exposed(t) {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: still exposed, because its repository is (dsp repo unexpose %s)\n", t.ID(), quoteArg(t.Repo))
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: its ports stay on 127.0.0.1 from its next start on\n", t.ID())
			}
			return nil
		},
	}
}

func newLabDownCommand(c *cli) *cobra.Command {
	var plain bool
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "down REPO/LAB|PATH",
		Short: "Stop a lab and remove every container, network and volume it created",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			r := newRenderer(cmd.OutOrStdout(), plain)
			err = a.Down(ctx, t, ref, r.Event)
			r.Close()
			return err
		},
	}
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newLabStatusCommand(c *cli) *cobra.Command {
	var asJSON bool
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "status REPO/LAB|PATH",
		Short: "Show the lab's state read from Docker: each service, its container state, IPs and ports",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			st, err := a.Status(ctx, t, ref)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), st)
			}
			printStatus(cmd.OutOrStdout(), st)
			if list, err := a.Instances(ctx, t); err == nil {
				if others := otherInstances(list); others != "" && ref.Instance == engine.DefaultInstance {
					fmt.Fprintf(cmd.OutOrStdout(), "also running: %s (--instance NAME)\n", others)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON document (see README)")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func printStatus(out io.Writer, st *engine.Status) {
	fmt.Fprintf(out, "%s: %s", st.Ref, st.State)
	if st.Operation != "" {
		fmt.Fprintf(out, " (%s)", st.Operation)
	}
	fmt.Fprintf(out, "   project %s\n", st.Project)
	if st.State == engine.StateIncomplete {
		fmt.Fprintf(out, "a start was interrupted: run `dsp lab down %s%s` to clean up, or `dsp lab up` to start again\n", quoteArg(st.LabID()), instanceArg(st.Ref))
	}
	if len(st.Services) == 0 {
		return
	}
	w := newTable(out)
	fmt.Fprintln(w, "SERVICE\tSTATE\tADDRESSES\tPORTS\tCONTAINER")
	for _, s := range st.Services {
		var addrs, ports []string
		for _, n := range s.Networks {
			addrs = append(addrs, n.Name+"="+n.IP)
		}
		for _, p := range s.Ports {
			host := p.HostIP
			if host == "" {
				host = "0.0.0.0"
			}
			ports = append(ports, fmt.Sprintf("%s:%d->%d/%s", host, p.Host, p.Container, p.Protocol))
		}
		state := s.State
		if s.Health != "" {
			state += " (" + s.Health + ")"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", s.Name, state, dash(strings.Join(addrs, " ")), dash(strings.Join(ports, " ")), dash(s.Container))
	}
	w.Flush()
	for _, s := range st.Services {
		for _, n := range s.Notes {
			fmt.Fprintf(out, "note: service %s: %s\n", s.Name, n)
		}
	}
}

func newLabLogsCommand(c *cli) *cobra.Command {
	var follow bool
	var tail string
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "logs REPO/LAB|PATH [SERVICE]",
		Short: "Print the output of a lab's containers",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, _, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			opts := engine.LogsOptions{Follow: follow, Tail: tail}
			if len(args) == 2 {
				opts.Services = []string{args[1]}
			}
			err = a.Logs(ctx, ref, opts, cmd.OutOrStdout())
			if ctx.Err() != nil {
				return nil
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new output")
	cmd.Flags().StringVar(&tail, "tail", "all", "number of lines to show from the end")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newLabBuildCommand(c *cli) *cobra.Command {
	var all, plain bool
	cmd := &cobra.Command{
		Use:   "build REPO/LAB|PATH",
		Short: "Build the images of a lab's build: sections",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, err := c.target(ctx, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			r := newRenderer(cmd.OutOrStdout(), plain)
			err = a.Build(ctx, t, all, r.Event)
			r.Close()
			return err
		},
	}
	cmd.Flags().BoolVar(&all, "all", true, "rebuild images that already exist")
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	return cmd
}

func printJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newTable(out io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
}

func section(out io.Writer, title, body string) {
	if strings.TrimSpace(body) == "" {
		return
	}
	fmt.Fprintf(out, "\n%s:\n", title)
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		fmt.Fprintf(out, "  %s\n", line)
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"'") {
		return fmt.Sprintf("%q", s)
	}
	return s
}
