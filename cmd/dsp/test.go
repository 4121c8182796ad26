package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/atomicfile"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/labtest"
)

// reportFiles are the --junit and --json outputs of a test run.
type reportFiles struct {
	junit string
	json  string
}

func (f *reportFiles) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.junit, "junit", "", "write a JUnit XML report to this file")
	cmd.Flags().StringVar(&f.json, "json", "", "write a JSON report to this file")
}

// write saves the reports; a file is replaced only once it is complete.
func (f *reportFiles) write(reports []*labtest.Report) error {
	if f.junit != "" {
		if err := writeAtomically(f.junit, func(w io.Writer) error { return labtest.WriteJUnit(w, reports) }); err != nil {
			return err
		}
	}
	if f.json != "" {
		if err := writeAtomically(f.json, func(w io.Writer) error { return labtest.WriteJSON(w, reports) }); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomically replaces a regular file only once it is complete; a
// device or a pipe (/dev/stdout) is written directly.
func writeAtomically(file string, write func(io.Writer) error) error {
	if st, err := os.Stat(file); err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(file, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("report %s: %w", file, err)
		}
		if err := write(f); err != nil {
			f.Close()
			return fmt.Errorf("report %s: %w", file, err)
		}
		return f.Close()
	}
	if resolved, err := filepath.EvalSymlinks(file); err == nil {
		file = resolved
	}
	if err := atomicfile.WriteFunc(file, 0o644, write); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// errTestsFailed makes the command exit with status 1 after it printed
// what failed.
var errTestsFailed = &exitError{code: 1}

func newLabTestCommand(c *cli) *cobra.Command {
	var (
		trust    bool
		plain    bool
		files    reportFiles
		instance instanceFlag
	)
	cmd := &cobra.Command{
		Use:   "test REPO/LAB|PATH",
		Short: "Test a lab: validate, start a fresh instance, wait until healthy, run its checks, its solution and the flag check, then tear it down",
		Long: `Test a lab: validate it, start a fresh instance of its own (named test, so
that an instance a person uses is never touched), wait until every service
runs and every healthcheck passes, run its checks, its solution script and
the flag check, then tear the instance down, also on Ctrl-C. The report is
kept as the lab's last one (dsp lab show).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, err := c.target(ctx, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			r := newRenderer(cmd.OutOrStdout(), plain)
			rep, err := a.Test(ctx, t, app.TestOptions{TrustOnce: trust, Instance: instance.name, Progress: r.Event})
			r.Close()
			return finishReport(cmd, rep, err, &files)
		},
	}
	cmd.Flags().BoolVar(&trust, "trust", false, "accept this once what the lab asks for even if its repository is not trusted")
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	files.register(cmd)
	instance.register(cmd, labtest.TestInstance, "the fresh instance the test starts (and removes first if a killed run left it)")
	return cmd
}

func newLabCheckCommand(c *cli) *cobra.Command {
	var plain bool
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "check REPO/LAB|PATH",
		Short: "Run a running lab's checks",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			r := newRenderer(cmd.OutOrStdout(), plain)
			rep, err := a.Check(ctx, t, ref, r.Event)
			r.Close()
			return finishReport(cmd, rep, err, &reportFiles{})
		},
	}
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newLabSubmitCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "submit REPO/LAB|PATH FLAG",
		Short: "Submit a flag found in a running lab: says whether it is right (exit status 0) or wrong (1); FLAG - reads it from standard input",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			flag := args[1]
			if flag == "-" {
				data, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), 4096))
				if err != nil {
					return fmt.Errorf("read the flag: %w", err)
				}
				flag = string(data)
			}
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			ok, err := a.SubmitFlag(ctx, t, ref, flag)
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(cmd.OutOrStdout(), "✗ wrong flag")
				return errTestsFailed
			}
			fmt.Fprintln(cmd.OutOrStdout(), "✓ correct: that is the flag of", t.ID())
			return nil
		},
	}
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newTestCommand(c *cli) *cobra.Command {
	var (
		trust    bool
		all      bool
		verbose  bool
		plain    bool
		parallel int
		files    reportFiles
	)
	cmd := &cobra.Command{
		Use:   "test [REPO|PATH...]",
		Short: "Test every lab that has checks, in parallel, and write JUnit and JSON reports",
		Long: `Test every lab that declares checks or a solution script (with --all, every
lab) of the given repositories: names of repositories in the main directory,
or paths to a repository folder (such as . in a lab repository's CI) or to a
lab folder. Without arguments, every repository of the main directory.
Labs whose subnets or host ports clash never run at the same time.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			targets, err := a.TestTargets(ctx, args, all)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(targets) == 0 {
				fmt.Fprintln(out, "no lab declares checks (x-dsp.checks or x-dsp.solve); use --all to test every lab")
				return files.write(nil)
			}
			fmt.Fprintf(out, "testing %d lab(s), %d at a time\n", len(targets), parallel)
			started := time.Now()
			show := newSuiteView(out, plain, verbose)
			opts := app.SuiteOptions{TrustOnce: trust, SuiteOptions: labtest.SuiteOptions{
				Parallel: parallel,
				Started:  show.started,
				Progress: show.progress,
				Done:     show.done,
			}}
			reports, err := a.Suite(ctx, targets, opts)
			if reports == nil {
				return err
			}
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", err)
			}
			show.close(reports)
			sum := labtest.Summarize(reports)
			fmt.Fprintf(out, "\n%d lab(s): %d passed, %d failed in %s\n", sum.Labs, sum.Passed, sum.Failed, time.Since(started).Round(100*time.Millisecond))
			if err := files.write(reports); err != nil {
				return err
			}
			if sum.Failed > 0 {
				return errTestsFailed
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&trust, "trust", false, "accept what the labs ask for even if their repositories are not trusted")
	cmd.Flags().BoolVar(&all, "all", false, "also test labs without checks (validate, start, healthy, stop)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every step of every lab as it happens")
	cmd.Flags().BoolVar(&plain, "plain", false, "print one line per lab as it starts and ends, even on a terminal")
	cmd.Flags().IntVarP(&parallel, "parallel", "p", max(1, min(4, runtime.NumCPU()/2)), "how many labs run at once")
	files.register(cmd)
	return cmd
}

// finishReport prints a lab's report (which the application kept as the
// lab's last one; keepErr says why it could not), writes the report files
// and makes a failure exit with status 1.
func finishReport(cmd *cobra.Command, rep *labtest.Report, keepErr error, files *reportFiles) error {
	if rep == nil {
		return keepErr
	}
	printReport(cmd.OutOrStdout(), rep)
	if keepErr != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning:", keepErr)
	}
	if err := files.write([]*labtest.Report{rep}); err != nil {
		return err
	}
	if rep.Status == labtest.Failed {
		return errTestsFailed
	}
	return nil
}

// printReport prints every step of one lab's report.
func printReport(out io.Writer, r *labtest.Report) {
	fmt.Fprintf(out, "\n%s %s (%s, %s)\n", strings.ToUpper(string(r.Status)), r.ID(), r.Mode, time.Duration(r.Duration)*time.Millisecond)
	for _, s := range r.Steps {
		printStep(out, s)
	}
}

func printStep(out io.Writer, s labtest.Step) {
	icon := map[labtest.Status]string{labtest.Passed: "✓", labtest.Failed: "✗", labtest.Skipped: "-"}[s.Status]
	name := s.Kind
	if s.Kind == labtest.StepCheck {
		name = fmt.Sprintf("check %q", s.Name)
	}
	fmt.Fprintf(out, "  %s %s: %s\n", icon, name, s.Message)
	if s.Status == labtest.Failed && s.Output != "" {
		for _, line := range strings.Split(s.Output, "\n") {
			fmt.Fprintf(out, "      │ %s\n", line)
		}
	}
}

// suiteView shows a suite's progress: on a terminal, one live line per lab
// with its current step; elsewhere (or with --plain) a line when a lab
// starts and one when it ends, with its failures; with --verbose every
// event.
type suiteView struct {
	mu      sync.Mutex
	out     io.Writer
	live    *renderer // nil unless live
	verbose bool
}

func newSuiteView(out io.Writer, plain, verbose bool) *suiteView {
	v := &suiteView{out: out, verbose: verbose}
	if r := newRenderer(out, plain || verbose); r.live {
		v.live = r
	}
	return v
}

func (v *suiteView) started(id string) {
	if v.live != nil {
		v.live.Event(engine.Event{Time: time.Now(), Step: labtest.ProgressStep, Target: id, Status: engine.StatusWorking, Message: "starting"})
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	fmt.Fprintf(v.out, "▶ %s\n", id)
}

func (v *suiteView) progress(id string, ev engine.Event) {
	switch {
	case v.verbose:
		v.mu.Lock()
		defer v.mu.Unlock()
		fmt.Fprintf(v.out, "  %s: %s\n", id, plainLine(ev))
	case v.live != nil && ev.Step == labtest.ProgressStep && ev.Status == engine.StatusWorking:
		v.live.Event(engine.Event{Time: ev.Time, Step: labtest.ProgressStep, Target: id, Status: engine.StatusWorking, Message: ev.Target + ": " + ev.Message})
	}
}

func (v *suiteView) done(r *labtest.Report) {
	if v.live != nil {
		status, word := engine.StatusDone, "PASS"
		if r.Status == labtest.Failed {
			status, word = engine.StatusError, "FAIL"
			if f := r.Failures(); len(f) > 0 {
				word += " at " + f[0].Kind
			}
		}
		v.live.Event(engine.Event{Time: time.Now(), Step: labtest.ProgressStep, Target: r.ID(), Status: status, Message: fmt.Sprintf("%s (%s)", word, millis(r.Duration))})
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	printSuiteLine(v.out, r)
}

// close ends the live view and lists the failures under it.
func (v *suiteView) close(reports []*labtest.Report) {
	if v.live == nil {
		return
	}
	v.live.Close()
	for _, r := range reports {
		if r != nil && r.Status == labtest.Failed {
			printSuiteLine(v.out, r)
		}
	}
}

func millis(ms int64) time.Duration {
	return (time.Duration(ms) * time.Millisecond).Round(100 * time.Millisecond)
}

// printSuiteLine prints one finished lab of a suite, with its failures.
func printSuiteLine(out io.Writer, r *labtest.Report) {
	status := "PASS"
	if r.Status == labtest.Failed {
		status = "FAIL"
	}
	fmt.Fprintf(out, "%s %s (%s)\n", status, r.ID(), millis(r.Duration))
	for _, s := range r.Failures() {
		printStep(out, s)
	}
}
