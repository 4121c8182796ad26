package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/server"
	"github.com/dsp-lab/dsp/web"
)

// DefaultListen is upstream DSP's port, on loopback only.
const DefaultListen = "127.0.0.1:18181"

func newServeCommand(c *cli) *cobra.Command {
	var listen string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Start the web app (on " + DefaultListen + " by default) and print a one-time login URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			a, err := c.open(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			// The web app needs the engine from the start.
			if _, err := a.Engine(ctx); err != nil {
				return err
			}
			assets, err := web.Assets()
			if err != nil {
				return fmt.Errorf("web UI: %w", err)
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", listen, err)
			}
			addr := ln.Addr().(*net.TCPAddr)
			loopback := addr.IP.IsLoopback()
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			srv, created, err := server.New(ctx, server.Options{App: a, Assets: assets, Logger: logger, Loopback: loopback})
			if err != nil {
				ln.Close()
				return err
			}
			handler := srv.Handler()
			host := addr.String()
			if addr.IP.IsUnspecified() {
				host = net.JoinHostPort("127.0.0.1", fmt.Sprint(addr.Port))
			}
			base := "http://" + host
			fmt.Fprintf(out, "dsp is serving on %s (main directory %s)\n", base, a.Home())
			if !loopback {
				fmt.Fprintf(out, "WARNING: listening on %s, which other machines can reach; every page and API still requires a login\n", addr)
			}
			passwordFile := filepath.Join(a.StateDir(), server.PasswordFile)
			if created {
				fmt.Fprintf(out, "created the admin password in %s\n", passwordFile)
			} else {
				fmt.Fprintf(out, "the admin password is in %s\n", passwordFile)
			}
			fmt.Fprintf(out, "login: %s\n", srv.LoginURL(base))
			fmt.Fprintln(out, "(the login URL works once, for 15 minutes; press Ctrl-C to stop)")

			httpServer := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
			errc := make(chan error, 1)
			go func() { errc <- httpServer.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
			}
			shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := httpServer.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			// Open terminals end with ctx; wait until their processes are gone.
			srv.WaitTerminals(shutdown)
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", DefaultListen, "address to listen on (host:port); a non-loopback address prints a warning and still requires login")
	return cmd
}
