package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/local"
)

// cli holds the global flags; every command opens the application with
// them.
type cli struct {
	home string
}

func newRootCommand() *cobra.Command {
	c := &cli{}
	root := &cobra.Command{
		Use:           "dsp",
		Short:         "Docker Security Playground: build, share and run vulnerable network labs",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&c.home, "home", "", "main directory holding the lab repositories (default $"+app.HomeEnv+", else ~/dsp)")
	root.AddCommand(newLabCommand(c), newShellCommand(c), newCpCommand(c), newRepoCommand(c), newExamplesCommand(c), newServeCommand(c), newTestCommand(c), newLimitsCommand(c), newPolicyCommand(),
		newToolboxCommand(c), newToolCommand(c), newCaptureCommand(c), newLinkCommand(c), newVMCommand(c))
	return root
}

// group makes a command that only holds subcommands refuse an unknown
// subcommand (cobra prints the help and succeeds otherwise).
func group(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				msg += fmt.Sprintf("; did you mean %q?", s[0])
			}
			return &usageError{msg: msg + "\nRun '" + cmd.CommandPath() + " --help' for its commands."}
		}
		return cmd.Help()
	}
	return cmd
}

// usageError is a command line that dsp cannot take.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// homeDir applies --home, then DSP_HOME, then the default.
func (c *cli) homeDir() string {
	if c.home != "" {
		return c.home
	}
	if env := os.Getenv(app.HomeEnv); env != "" {
		return env
	}
	return catalog.DefaultHome()
}

// open opens the application on the main directory; it connects to the
// Docker Engine when a command first needs it.
func (c *cli) open(ctx context.Context) (*app.App, error) {
	return app.Open(ctx, app.Options{Home: c.homeDir(), Seed: examples.FS(), Connect: local.Connect})
}

// target opens the application and resolves a lab argument (REPO/LAB or a
// path); the caller closes the application.
func (c *cli) target(ctx context.Context, arg string) (*app.App, *app.Target, error) {
	a, err := c.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	t, err := a.Lab(ctx, arg)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, t, nil
}

// instance opens the application and resolves a lab argument and the
// instance its --instance flag names; the caller closes the application.
func (c *cli) instance(ctx context.Context, arg string, f instanceFlag) (*app.App, *app.Target, engine.Ref, error) {
	a, t, err := c.target(ctx, arg)
	if err != nil {
		return nil, nil, engine.Ref{}, err
	}
	ref, err := f.ref(t)
	if err != nil {
		a.Close()
		return nil, nil, engine.Ref{}, err
	}
	return a, t, ref, nil
}

// instanceFlag is the --instance flag of the commands that work on a lab
// instance.
type instanceFlag struct{ name string }

func (f *instanceFlag) register(cmd *cobra.Command, def, usage string) {
	if usage == "" {
		usage = "the instance of the lab (several instances of one lab run side by side)"
	}
	cmd.Flags().StringVar(&f.name, "instance", def, usage)
}

// ref names the chosen instance of the lab.
func (f *instanceFlag) ref(t *app.Target) (engine.Ref, error) { return t.Ref(f.name) }

// hint adds what to type next to an error, for people at a terminal; the
// application's errors (which the web app shows too) do not carry CLI
// commands.
func hint(err error) string {
	msg := err.Error()
	var untrusted *engine.UntrustedError
	var notRunning *engine.NotRunningError
	var engineErr *app.EngineError
	var busy *engine.BusyError
	switch {
	case errors.As(err, &untrusted):
		msg += fmt.Sprintf("\ntrust the repository to start its labs (dsp repo trust %q), accept this once with --trust, or start the lab without what it asks for with --without-risks", untrusted.Repo)
	case errors.As(err, &notRunning) && notRunning.State == "":
		msg += "\nstart it first: dsp lab up " + quoteArg(notRunning.Ref.LabID()) + instanceArg(notRunning.Ref)
	case errors.As(err, &engineErr):
		msg += "\nis dockerd running? `docker info` should answer (scripts/setup.sh installs and starts it)"
	case errors.As(err, &busy):
		msg += "\ntry again when it ends"
	}
	return msg
}

func instanceArg(ref engine.Ref) string {
	if ref.Instance == engine.DefaultInstance {
		return ""
	}
	return " --instance " + ref.Instance
}

func quoteArg(s string) string {
	for _, r := range s {
		if r == ' ' || r == '\'' || r == '"' || r == '\\' || r == '$' {
			return fmt.Sprintf("%q", s)
		}
	}
	return s
}

func newExamplesCommand(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{Use: "examples", Short: "The example labs bundled with dsp"})
	install := &cobra.Command{
		Use:   "install",
		Short: "Install the example labs into the main directory as repository \"" + catalog.ExamplesRepo + "\"",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			dir, err := a.InstallExamples()
			if errors.Is(err, app.ErrExamplesInstalled) {
				fmt.Fprintf(cmd.OutOrStdout(), "the examples are already installed in %s\n", dir)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed the examples in %s\n", dir)
			return nil
		},
	}
	cmd.AddCommand(install)
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
