package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/moby/term"
	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/atomicfile"
)

// labManageCommands are the lab commands that write labs: new, import,
// export, cp, mv, rm. Only the personal repository's labs are changed.
func labManageCommands(c *cli) []*cobra.Command {
	return []*cobra.Command{newLabNewCommand(c), newLabImportCommand(c), newLabExportCommand(c), newLabCopyCommand(c), newLabMoveCommand(c), newLabRemoveCommand(c)}
}

// manageHint adds what to type next to the refusals of these commands.
func manageHint(err error) error {
	var notEditable *app.NotEditableError
	var inUse *app.LabInUseError
	switch {
	case errors.As(err, &notEditable):
		return fmt.Errorf("%w\nto change it, copy it into your personal repository: dsp lab cp %s NAME", err, quoteArg(notEditable.Lab))
	case errors.As(err, &inUse):
		return fmt.Errorf("%w\nstop it with dsp lab down %s (--instance NAME for the others)", err, quoteArg(inUse.Lab))
	}
	return err
}

// printAdded says where a lab written into the personal repository is,
// and what its loading found.
func printAdded(cmd *cobra.Command, what string, t *app.Target) {
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "%s %s (%s)\n", what, t.ID(), t.Dir)
	if t.LoadErr != nil {
		fmt.Fprintf(out, "it has errors to fix before it starts: dsp lab validate %s\n", quoteArg(t.ID()))
		return
	}
	for _, p := range t.Problems.Warnings() {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", p)
	}
	fmt.Fprintf(out, "start it with: dsp lab up %s\n", quoteArg(t.ID()))
}

func newLabNewCommand(c *cli) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "new NAME [--from REPO/LAB]",
		Short: "Create a lab in your personal repository: a minimal native lab, or a copy of another lab",
		Long: `Create the lab NAME in your personal repository: a folder with a .dsp marker and
a compose.yaml with one busybox service (x-dsp title NAME), or with --from a copy
of the lab REPO/LAB of any repository, upstream or native (its whole folder;
symbolic links that lead out of it are not copied). NAME is one folder name:
no /, no leading dot; spaces and dots are fine.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			t, err := a.NewLab(ctx, args[0], from)
			if err != nil {
				return err
			}
			what := "created lab"
			if from != "" {
				what = "copied " + from + " to"
			}
			printAdded(cmd, what, t)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "copy this lab (REPO/LAB, of any repository)")
	return cmd
}

func newLabImportCommand(c *cli) *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "import FILE [--name NAME]",
		Short: "Import a lab into your personal repository from a compose file, a .zip, a .tar.gz or a .tar",
		Long: `Import a lab into your personal repository. FILE is a compose file (.yml or
.yaml: it becomes the lab's compose file), or a .zip, .tar.gz (.tgz) or .tar
archive of a lab folder, upstream or native, holding the folder or its
contents. The name is the archive's folder, else FILE's name without its
extension, unless --name gives one. Archives are checked before anything is
kept: no absolute names, no "..", no links leading out, no devices, at most
256 MiB and 10000 files; the lab must load without errors.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			t, err := a.ImportLabFile(ctx, args[0], name)
			if err != nil {
				return err
			}
			printAdded(cmd, "imported "+args[0]+" as", t)
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the new lab's name")
	return cmd
}

func newLabExportCommand(c *cli) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export REPO/LAB|PATH [-o FILE]",
		Short: "Write a lab folder as a .tar.gz archive (that dsp lab import reads back)",
		Long: `Write the lab's folder as a .tar.gz archive with the folder at the top, to FILE
(default NAME.tar.gz in the current folder; - for standard output). Symbolic
links that lead out of the lab are left out.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, err := c.target(ctx, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			if output == "-" {
				out := cmd.OutOrStdout()
				if f, ok := out.(*os.File); ok && term.IsTerminal(f.Fd()) {
					return &usageError{msg: "standard output is a terminal: give a file with -o FILE, or redirect it"}
				}
				return a.ExportLab(ctx, t, out)
			}
			if output == "" {
				output = t.Name + ".tar.gz"
			}
			abs, err := filepath.Abs(output)
			if err != nil {
				return err
			}
			if err := atomicfile.WriteFunc(abs, 0o644, func(w io.Writer) error { return a.ExportLab(ctx, t, w) }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "exported %s to %s\n", t.ID(), abs)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "the archive to write (- for standard output)")
	return cmd
}

func newLabCopyCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "cp REPO/LAB|PATH NAME",
		Short: "Copy a lab of any repository into your personal repository as NAME",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, err := c.target(ctx, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			cp, err := a.CopyLab(ctx, t, args[1])
			if err != nil {
				return err
			}
			printAdded(cmd, "copied "+t.ID()+" to", cp)
			return nil
		},
	}
}

func newLabMoveCommand(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:     "mv REPO/LAB NAME",
		Aliases: []string{"rename"},
		Short:   "Rename a lab of your personal repository (refused while it runs)",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, err := c.target(ctx, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			renamed, err := a.RenameLab(ctx, t, args[1])
			if err != nil {
				return manageHint(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "renamed %s to %s\n", t.ID(), renamed.ID())
			return nil
		},
	}
}

func newLabRemoveCommand(c *cli) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:     "rm REPO/LAB [--yes]",
		Aliases: []string{"remove"},
		Short:   "Delete a lab of your personal repository and its folder (refused while it runs)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, err := c.target(ctx, args[0])
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.CanDeleteLab(ctx, t); err != nil {
				return manageHint(err)
			}
			if !yes {
				ok, asked := confirm(cmd, fmt.Sprintf("Delete lab %s and its folder %s?", t.ID(), t.Dir))
				if !asked {
					return &usageError{msg: fmt.Sprintf("this deletes lab %s and its folder %s: confirm with --yes", t.ID(), t.Dir)}
				}
				if !ok {
					return errors.New("nothing was deleted")
				}
			}
			if err := a.DeleteLab(ctx, t); err != nil {
				return manageHint(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "deleted lab %s\n", t.ID())
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}
