package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	mterm "github.com/moby/term"
	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
)

func newShellCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "shell REPO/LAB SERVICE [-- CMD [ARG...]]",
		Short: "Open a shell (or run CMD) in a service's container of a running lab",
		Long: `Open a shell in a service's container of a running lab: bash when the image
has it, else sh; or run CMD. On a terminal, the shell gets a terminal of
the same size (raw keys, resized with the window); without one (input from
a pipe or a file) CMD runs without a terminal, with standard input, output
and error passed through. dsp exits with CMD's exit status. Closing dsp ends
the process in the container. A lab may forbid the shell for a service
(shell: false).`,
		Example: `  dsp shell examples/hello-flag target
  dsp shell examples/hello-flag target -- cat /etc/motd
  echo 'id; hostname' | dsp shell examples/hello-flag target`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dash := cmd.ArgsLenAtDash(); len(args) > 2 && dash != 2 {
				return fmt.Errorf("put -- before the command to run: dsp shell %s %s -- %s", args[0], args[1], strings.Join(args[2:], " "))
			}
			// The terminal closing (SIGHUP) must end the exec too.
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGHUP)
			defer stop()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			svc, err := a.Service(ctx, t, ref, args[1])
			if err != nil {
				return err
			}
			code, err := runShell(ctx, svc, args[2:], os.Stdin, cmd.OutOrStdout(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

// runShell runs argv (the default shell when empty) in the container. With
// a terminal on stdin it is interactive: raw mode, the window's size,
// resized on SIGWINCH. Otherwise it runs without a TTY, stdin piped (its
// end closes the process's input) and stderr apart. It returns the exit
// status.
func runShell(ctx context.Context, svc *app.Service, argv []string, stdin *os.File, stdout, stderr io.Writer) (int, error) {
	fd := stdin.Fd()
	tty := mterm.IsTerminal(fd)
	opts := engine.AttachOptions{Cmd: argv, TTY: tty}
	if tty {
		if ws, err := mterm.GetWinsize(fd); err == nil {
			opts.Cols, opts.Rows = uint(ws.Width), uint(ws.Height)
		}
		if v := os.Getenv("TERM"); v != "" {
			opts.Env = []string{"TERM=" + v}
		}
	} else {
		opts.Stderr = stderr
	}
	sess, err := svc.Attach(ctx, opts)
	if err != nil {
		return 0, err
	}
	defer sess.Close()

	if tty {
		state, err := mterm.SetRawTerminal(fd)
		if err != nil {
			return 0, fmt.Errorf("raw terminal: %w", err)
		}
		// Nothing more to do if the terminal cannot be restored: the
		// session's own result is what dsp reports.
		defer func() { _ = mterm.RestoreTerminal(fd, state) }()
		winch := make(chan os.Signal, 1)
		signal.Notify(winch, syscall.SIGWINCH)
		defer signal.Stop(winch)
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-winch:
					if ws, err := mterm.GetWinsize(fd); err == nil {
						_ = sess.Resize(ctx, uint(ws.Width), uint(ws.Height))
					}
				}
			}
		}()
	}
	go func() {
		_, _ = io.Copy(sess, stdin)
		if !tty {
			_ = sess.CloseWrite()
		}
	}()
	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		_, _ = io.Copy(stdout, sess)
	}()
	code, err := sess.Wait(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return 130, nil // interrupted: the deferred Close ends the process
		}
		if errors.Is(err, engine.ErrGone) {
			return 0, errors.New("the container stopped")
		}
		return 0, err
	}
	select {
	case <-outDone:
	case <-time.After(2 * time.Second):
	}
	return code, nil
}
