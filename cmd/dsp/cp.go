package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/archive"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

func newCpCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "cp REPO/LAB SERVICE:/PATH LOCALPATH | cp REPO/LAB LOCALPATH SERVICE:/PATH",
		Short: "Copy files and folders between this machine and a service's container",
		Long: `Copy a file or a folder out of a service's container of a running lab, or
into it, with docker cp's rules: into the destination when it is an existing
folder, else as the destination (whose folder must exist). A symbolic link
given as the source in the container is followed. Folders copied out are
extracted only inside the destination: archive entries with absolute names,
".." or links leading outside it are refused. The copy uses the Docker
Engine's archive API (no docker CLI, no shell). A lab that forbids the shell
for a service (shell: false) forbids copies too.`,
		Example: `  dsp cp examples/hello-flag target:/etc/motd ./motd
  dsp cp examples/hello-flag target:/var/www ./www-copy
  dsp cp examples/hello-flag ./exploit.sh target:/tmp/`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			srcService, srcPath, srcIn := containerSpec(t.Lab, args[1])
			dstService, dstPath, dstIn := containerSpec(t.Lab, args[2])
			if srcIn == dstIn {
				return fmt.Errorf("exactly one of %q and %q must be SERVICE:/PATH, a service of lab %s (%s) and an absolute path", args[1], args[2], t.ID(), strings.Join(t.ServiceNames(), ", "))
			}
			service, cpath := srcService, srcPath
			if dstIn {
				service, cpath = dstService, dstPath
			}
			svc, err := a.Service(ctx, t, ref, service)
			if err != nil {
				return err
			}
			if srcIn {
				err = svc.CopyOut(ctx, cpath, args[2])
			} else {
				err = svc.CopyIn(ctx, args[1], cpath)
			}
			var notFound *archive.NotFoundError
			if errors.As(err, &notFound) {
				return fmt.Errorf("%s does not exist in service %s of lab %s", notFound.Path, service, ref)
			}
			var kind *archive.KindError
			if errors.As(err, &kind) && (dstIn || kind.Path != args[2]) {
				return fmt.Errorf("service %s of lab %s: %w", service, ref, err)
			}
			return err
		},
	}
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

// containerSpec splits SERVICE:/PATH when SERVICE is a service of the lab
// and PATH is absolute; anything else is a local path.
func containerSpec(l *lab.Lab, arg string) (service, p string, ok bool) {
	service, p, found := strings.Cut(arg, ":")
	if !found || !strings.HasPrefix(p, "/") {
		return "", "", false
	}
	if _, ok := l.Service(service); !ok {
		return "", "", false
	}
	return service, p, true
}
