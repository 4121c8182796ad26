package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/app"
)

func newVMCommand(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{Use: "vm", Short: "Virtual machines in labs (x-dsp.vm): import VirtualBox and VMware images"})
	cmd.AddCommand(newVMImportCommand(c))
	return cmd
}

func newVMImportCommand(c *cli) *cobra.Command {
	var opts app.VMImportOptions
	var plain bool
	cmd := &cobra.Command{
		Use:   "import FILE [--name NAME] [--memory 2G] [--console serial|vnc]",
		Short: "Make a lab of your personal repository from a VM image (.ova, .vmdk, .vdi, .qcow2, .raw)",
		Long: `Convert a VirtualBox or VMware image into a lab: the disk becomes the lab's
vm/disk.qcow2 (converted by qemu-img inside dsp's VM helper image, with
progress; an .ova is unpacked first, its largest disk taken), and the lab
has one VM service booting it on one network. Complete the lab in the
editor: the VM's address (its own system must be configured with the
static IP the service has), the lab's other services, its story. Windows
images want --console vnc (a screen in the browser) and memory.`,
		Example: `  dsp vm import ~/Downloads/Metasploitable2.vmdk --name metasploitable --memory 512M
  dsp vm import win10.ova --console vnc --memory 4G`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			r := newRenderer(cmd.OutOrStdout(), plain)
			opts.Progress = r.Event
			t, err := a.ImportVM(cmd.Context(), args[0], opts)
			r.Close()
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %s as %s (%s)\n", args[0], t.ID(), t.VM("vm"))
			fmt.Fprintf(cmd.OutOrStdout(), "start it: dsp lab up %s\n", quoteArg(t.ID()))
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Name, "name", "", "the lab's name (default: the file's)")
	cmd.Flags().StringVar(&opts.Memory, "memory", "", "the VM's memory (default 1G)")
	cmd.Flags().StringVar(&opts.Console, "console", "", "serial, or vnc for a screen (default serial)")
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	return cmd
}
