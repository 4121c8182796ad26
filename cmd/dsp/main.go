// Command dsp is Docker Security Playground in one binary: a CLI (and, with
// `dsp serve`, a web app) to browse, start, stop and inspect vulnerable
// network labs made of Docker containers and networks.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/sirupsen/logrus"
)

func main() {
	// compose-go logs warnings (such as the obsolete version key) through
	// logrus; dsp reports them itself as validation problems.
	logrus.SetOutput(io.Discard)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newRootCommand().ExecuteContext(ctx)
	if err != nil {
		var exit *exitError
		if errors.As(err, &exit) {
			os.Exit(exit.code)
		}
		fmt.Fprintln(os.Stderr, "dsp:", hint(err))
		os.Exit(1)
	}
}

// exitError ends the command with a code after it printed its own message.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }
