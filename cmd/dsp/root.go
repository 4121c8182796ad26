package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/catalog"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// app holds what every command needs; it is built once per invocation.
type app struct {
	home string
}

func newRootCommand() *cobra.Command {
	a := &app{}
	root := &cobra.Command{
		Use:           "dsp",
		Short:         "Docker Security Playground: build, share and run vulnerable network labs",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&a.home, "home", "", "main directory holding the lab repositories (default $"+catalog.HomeEnv+", else ~/dsp)")
	root.AddCommand(newLabCommand(a), newShellCommand(a), newCpCommand(a), newRepoCommand(a), newExamplesCommand(a), newServeCommand(a), newTestCommand(a))
	return root
}

// homeDir applies --home, then DSP_HOME, then the default.
func (a *app) homeDir() string {
	if a.home != "" {
		return a.home
	}
	if env := os.Getenv(catalog.HomeEnv); env != "" {
		return env
	}
	return catalog.DefaultHome()
}

func (a *app) catalog() (*catalog.Catalog, error) {
	return catalog.Open(a.homeDir(), examples.FS())
}

func (a *app) engine(ctx context.Context, c *catalog.Catalog) (*engine.Engine, error) {
	return engine.New(ctx, filepath.Join(c.StateDir(), "locks"), engine.WithNamespace(c.Home))
}

// labAndEngine opens the main directory, loads the lab named by arg and
// connects to Docker; the caller closes the engine.
func (a *app) labAndEngine(ctx context.Context, arg string) (*target, *engine.Engine, error) {
	c, err := a.catalog()
	if err != nil {
		return nil, nil, err
	}
	t, err := a.loadTarget(ctx, c, arg)
	if err != nil {
		return nil, nil, err
	}
	eng, err := a.engine(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	return t, eng, nil
}

// target is a lab named on the command line, with what dsp knows of it.
type target struct {
	catalog *catalog.Catalog // the main directory it was found from
	lab     *lab.Lab
	loadErr error // an *lab.InvalidError when the lab has errors
	trusted bool
}

// loadTarget loads a lab given as REPO/LAB or as a path to a lab folder
// (a path starts with ./, ../ or /, or names an existing folder that is
// not a REPO/LAB of the main directory).
func (a *app) loadTarget(ctx context.Context, c *catalog.Catalog, arg string) (*target, error) {
	isPath := strings.HasPrefix(arg, "./") || strings.HasPrefix(arg, "../") || strings.HasPrefix(arg, "/") || arg == "."
	if !isPath {
		dir, err := c.Resolve(arg)
		if err == nil {
			l, lerr := lab.Load(ctx, dir)
			if l == nil {
				return nil, lerr
			}
			return &target{catalog: c, lab: l, loadErr: lerr, trusted: c.IsTrusted(l.Repo)}, nil
		}
		if st, serr := os.Stat(arg); serr != nil || !st.IsDir() {
			return nil, err
		}
	}
	l, err := lab.Load(ctx, arg)
	if l == nil {
		return nil, err
	}
	// A lab folder outside the main directory is the user's own checkout.
	trusted := true
	if rel, rerr := filepath.Rel(c.Home, l.Dir); rerr == nil && !strings.HasPrefix(rel, "..") {
		trusted = c.IsTrusted(l.Repo)
	}
	return &target{catalog: c, lab: l, loadErr: err, trusted: trusted}, nil
}

// runnable returns the lab, or its load error when it has errors.
func (t *target) runnable() (*lab.Lab, error) {
	if t.loadErr != nil {
		return nil, t.loadErr
	}
	return t.lab, nil
}

func newRepoCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "repo", Short: "Lab repositories in the main directory"}
	list := &cobra.Command{
		Use:   "list",
		Short: "List the repositories",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.catalog()
			if err != nil {
				return err
			}
			repos, err := c.Repos()
			if err != nil {
				return err
			}
			w := newTable(cmd.OutOrStdout())
			fmt.Fprintln(w, "REPOSITORY\tPERSONAL\tTRUSTED\tFOLDER")
			for _, r := range repos {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Name, yesNo(r.Personal), yesNo(r.Trusted), r.Dir)
			}
			return w.Flush()
		},
	}
	trust := &cobra.Command{
		Use:   "trust REPO",
		Short: "Allow the labs of REPO to ask for privileges (privileged, host namespaces, devices, powerful capabilities)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.catalog()
			if err != nil {
				return err
			}
			if err := c.SetTrusted(args[0], true); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "repository %s is trusted\n", args[0])
			return nil
		},
	}
	untrust := &cobra.Command{
		Use:   "untrust REPO",
		Short: "Withdraw the trust given to REPO",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.catalog()
			if err != nil {
				return err
			}
			if err := c.SetTrusted(args[0], false); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "repository %s is no longer trusted\n", args[0])
			return nil
		},
	}
	cmd.AddCommand(list, trust, untrust)
	return cmd
}

func newExamplesCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "examples", Short: "The example labs bundled with dsp"}
	install := &cobra.Command{
		Use:   "install",
		Short: "Install the example labs into the main directory as repository \"" + catalog.ExamplesRepo + "\"",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.catalog()
			if err != nil {
				return err
			}
			dir := filepath.Join(c.Home, catalog.ExamplesRepo)
			if _, err := os.Stat(dir); err == nil {
				fmt.Fprintf(cmd.OutOrStdout(), "the examples are already installed in %s\n", dir)
				return nil
			}
			if err := catalog.InstallSeed(examples.FS(), dir); err != nil {
				return err
			}
			if err := c.SetTrusted(catalog.ExamplesRepo, true); err != nil {
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
