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

	"github.com/spf13/cobra"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/atomicfile"
	"github.com/dsp-lab/dsp/internal/engine"
)

// The commands that attack and observe a running lab: toolboxes, one-shot
// tools, packet captures, link impairment.

func newToolboxCommand(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{Use: "toolbox", Short: "Attach attacker toolboxes to a running lab's networks"})
	cmd.AddCommand(newToolboxAttachCommand(c), newToolboxListCommand(c), newToolboxDetachCommand(c), newToolboxBuildCommand(c), newToolboxImagesCommand(c), newToolboxRegisterCommand(c))
	return cmd
}

func newToolboxImagesCommand(c *cli) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "images",
		Short: "List the images that may be attached as toolboxes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			list, err := a.ToolboxImages(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), list)
			}
			tw := newTable(cmd.OutOrStdout())
			fmt.Fprintln(tw, "IMAGE\tPRESENT\tWHY")
			for _, img := range list {
				why := "labelled " + app.ToolboxLabel + "=true"
				switch {
				case img.Builtin:
					why = "dsp's own (dsp toolbox build)"
				case img.Registered:
					why = "registered"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", img.Image, yesNo(img.Present), why)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newToolboxRegisterCommand(c *cli) *cobra.Command {
	var forget bool
	cmd := &cobra.Command{
		Use:   "register IMAGE [--forget]",
		Short: "Offer a local image as a toolbox (in the browser's list too)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.RegisterToolboxImage(args[0], !forget); err != nil {
				return err
			}
			if forget {
				fmt.Fprintf(cmd.OutOrStdout(), "%s is no longer offered as a toolbox\n", args[0])
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "%s is offered as a toolbox\n", args[0])
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&forget, "forget", false, "stop offering it")
	return cmd
}

func newToolboxBuildCommand(c *cli) *cobra.Command {
	var plain bool
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build dsp's toolbox image (" + app.DefaultToolboxImage + ") from " + app.ToolboxBaseImage,
		Long: `Build dsp's toolbox image from the build context inside dsp, with
progress; attach builds it by itself on first use. Its base image,
` + app.ToolboxBaseImage + `, is made by make images (debootstrap).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			return buildToolbox(cmd.Context(), a, cmd.OutOrStdout(), plain)
		},
	}
	cmd.Flags().BoolVar(&plain, "plain", false, "print progress as plain lines, even on a terminal")
	return cmd
}

func buildToolbox(ctx context.Context, a *app.App, out io.Writer, plain bool) error {
	r := newRenderer(out, plain)
	err := a.BuildToolbox(ctx, r.Event)
	r.Close()
	if err == nil {
		fmt.Fprintf(out, "built %s\n", app.DefaultToolboxImage)
	}
	return err
}

func newToolboxAttachCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	var networks, ips []string
	var req app.ToolboxRequest
	var plain bool
	cmd := &cobra.Command{
		Use:   "attach REPO/LAB --network N [--network M] [--image IMG] [--name NAME] [--ip IP] [--gateway SERVICE]",
		Short: "Attach an interactive toolbox container to networks of a running lab",
		Long: `Attach a toolbox: a container on one or more networks of the running lab,
on the highest free address of each (Docker hands out addresses from the
bottom) or the one --ip gives (one --ip per --network, in order; NET=IP
names the network). Its name is its DNS name on those networks; its
default route goes through --gateway's address when given. Open its shell
with dsp shell REPO/LAB NAME. dsp's toolbox (dsp/toolbox:latest: nmap,
tcpdump, tshark, hydra, curl, netcat, dig, arping, dsniff) is built by
make images; any image labelled io.dsp.toolbox=true, or any other image
with --image, may be attached; dsp's is built on first use when missing
(dsp toolbox build). Stopping the lab removes its toolboxes.`,
		Example: `  dsp toolbox attach examples/routed-network --network outside --gateway router
  dsp toolbox attach mine/web --network lan --ip 10.0.0.99 --name kali --image kalilinux/kali-rolling`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nets, err := toolboxNetworks(networks, ips)
			if err != nil {
				return err
			}
			req.Networks = nets
			a, t, ref, err := c.instance(cmd.Context(), args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			tb, err := a.AttachToolbox(cmd.Context(), t, ref, req)
			var missing *app.ToolImageMissingError
			if errors.As(err, &missing) && missing.Image == app.DefaultToolboxImage {
				// first use: build dsp's toolbox, then attach it
				fmt.Fprintf(cmd.OutOrStdout(), "%s is not built yet: building it (once)\n", app.DefaultToolboxImage)
				if err := buildToolbox(cmd.Context(), a, cmd.OutOrStdout(), plain); err != nil {
					return err
				}
				tb, err = a.AttachToolbox(cmd.Context(), t, ref, req)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "toolbox %s attached (%s) on %s\n", tb.Name, tb.Image, addresses(tb.Networks))
			fmt.Fprintf(cmd.OutOrStdout(), "open its shell: dsp shell %s %s%s\n", quoteArg(ref.LabID()), tb.Name, instanceArg(ref))
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&networks, "network", nil, "a network of the lab to attach to (repeat for more)")
	cmd.Flags().StringArrayVar(&ips, "ip", nil, "the address on the network of the same position, or NET=IP (default: the highest free one)")
	cmd.Flags().StringVar(&req.Image, "image", "", "the image (default "+app.DefaultToolboxImage+")")
	cmd.Flags().StringVar(&req.Name, "name", "", "its name (default toolbox, toolbox-2, …)")
	cmd.Flags().StringVar(&req.Gateway, "gateway", "", "a service of the lab to route through (its default route)")
	cmd.Flags().BoolVar(&plain, "plain", false, "print the progress of a first-use build as plain lines")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

// toolboxNetworks pairs the --network and --ip flags.
func toolboxNetworks(networks, ips []string) ([]engine.ToolboxNetwork, error) {
	if len(networks) == 0 {
		return nil, &usageError{msg: "name a network of the lab with --network"}
	}
	out := make([]engine.ToolboxNetwork, len(networks))
	for i, n := range networks {
		out[i].Name = n
	}
	for i, ip := range ips {
		if name, addr, ok := strings.Cut(ip, "="); ok {
			found := false
			for j := range out {
				if out[j].Name == name {
					out[j].IP, found = addr, true
				}
			}
			if !found {
				return nil, &usageError{msg: fmt.Sprintf("--ip %s names network %s, which no --network gives", ip, name)}
			}
			continue
		}
		if i >= len(out) {
			return nil, &usageError{msg: fmt.Sprintf("--ip %s has no --network to go with (give NET=IP, or one --ip per --network)", ip)}
		}
		out[i].IP = ip
	}
	return out, nil
}

func addresses(list []engine.NetworkAddr) string {
	parts := make([]string, len(list))
	for i, a := range list {
		parts[i] = a.Name + " " + a.IP
	}
	return strings.Join(parts, ", ")
}

func newToolboxListCommand(c *cli) *cobra.Command {
	return instanceListCommand(c, "List the toolboxes attached to a lab", (*app.App).Toolboxes, func(out io.Writer, list []engine.ToolboxStatus) error {
		if len(list) == 0 {
			_, err := fmt.Fprintln(out, "no toolbox attached")
			return err
		}
		tw := newTable(out)
		fmt.Fprintln(tw, "NAME\tIMAGE\tSTATE\tNETWORKS\tGATEWAY")
		for _, tb := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", tb.Name, tb.Image, tb.State, addresses(tb.Networks), tb.Gateway)
		}
		return tw.Flush()
	})
}

// instanceListCommand is an "ls REPO/LAB [--json]" command: what list
// reads of the instance, as JSON or as print renders it.
func instanceListCommand[T any](c *cli, short string, list func(*app.App, context.Context, engine.Ref) ([]T, error), print func(io.Writer, []T) error) *cobra.Command {
	var instance instanceFlag
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "ls REPO/LAB",
		Aliases: []string{"list"},
		Short:   short,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, _, ref, err := c.instance(cmd.Context(), args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			items, err := list(a, cmd.Context(), ref)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), items)
			}
			return print(cmd.OutOrStdout(), items)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newToolboxDetachCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	cmd := &cobra.Command{
		Use:   "detach REPO/LAB NAME",
		Short: "Detach (remove) a toolbox",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, _, ref, err := c.instance(cmd.Context(), args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := a.DetachToolbox(cmd.Context(), ref, args[1]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "toolbox %s detached\n", args[1])
			return nil
		},
	}
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newToolCommand(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{Use: "tool", Short: "Run one-shot tools (nmap, curl, hydra, …) on a running lab's networks"})
	cmd.AddCommand(newToolRunCommand(c), newToolListCommand(c))
	return cmd
}

func newToolListCommand(c *cli) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List the tools of the catalogue (dsp's and the main directory's .dsp.d/tools.json)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, err := c.open(cmd.Context())
			if err != nil {
				return err
			}
			defer a.Close()
			cat, err := a.Tools()
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), cat.Tools())
			}
			tw := newTable(cmd.OutOrStdout())
			fmt.Fprintln(tw, "TOOL\tRUNS\tIMAGE\tWHAT")
			for _, t := range cat.Tools() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.Name, strings.Join(append(append([]string{}, t.Command...), t.DefaultArgs...), " "), t.Image, t.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newToolRunCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	var req app.ToolRequest
	cmd := &cobra.Command{
		Use:   "run REPO/LAB TOOL [--network N] [--target T] [-- ARGS…]",
		Short: "Run a tool of the catalogue on a network of a running lab, its output live",
		Long: `Run a one-shot tool in a container on a network of the running lab (the
lab's first network by default) and print its output as it comes; Ctrl-C
stops and removes it. ARGS replace the tool's default arguments; --target
fills {target} in the defaults (a service's name or an address; a scan
takes the network's subnet without one). Nothing runs through a shell.
dsp exits with the tool's exit status. dsp tool ls lists the tools.`,
		Example: `  dsp tool run examples/routed-network nmap --network outside
  dsp tool run mine/web curl --target web
  dsp tool run mine/web nmap -- -sV -p 80,443 web`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dash := cmd.ArgsLenAtDash(); len(args) > 2 && dash != 2 {
				return &usageError{msg: fmt.Sprintf("put -- before the tool's arguments: dsp tool run %s %s -- %s", args[0], args[1], strings.Join(args[2:], " "))}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			req.Tool, req.Args = args[1], args[2:]
			out := cmd.OutOrStdout()
			code, err := a.RunTool(ctx, t, ref, req, func(line string) { fmt.Fprintln(out, line) })
			if err != nil {
				return err
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&req.Network, "network", "", "the lab network to run on (default: the lab's first)")
	cmd.Flags().StringVar(&req.Target, "target", "", "what the tool's default arguments aim at: a service or an address")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newCaptureCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	var req app.CaptureRequest
	var file string
	var plain bool
	cmd := &cobra.Command{
		Use:   "capture REPO/LAB (--network N | --service S) -w FILE [--duration D] [--count N] [--filter EXPR]",
		Short: "Capture a lab network's or a service's packets into a pcapng file",
		Long: `Capture packets from the host side, with no image needed: a whole lab
network on its bridge, or a service's lab interfaces in its own network
namespace (--network with --service: that interface only). The file is
pcapng, each interface named with the lab's names, and opens in Wireshark
and tshark. It ends with Ctrl-C, at --count packets, after --duration, or
when the lab stops; the file is written whole first (-w - writes to
standard output). --filter takes tcpdump's syntax in part (host, net,
port, portrange, src/dst, arp, icmp, tcp, udp, dns, http, vlan; and, or,
not, parentheses). Needs dsp to run as root on the Docker host.`,
		Example: `  dsp capture examples/routed-network --network inside -w inside.pcapng
  dsp capture mine/web --service web --filter 'tcp port 80' --count 100 -w web.pcapng`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return &usageError{msg: "name the file to write with -w FILE (- for standard output)"}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			a, t, ref, err := c.instance(ctx, args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			status := newCaptureStatus(cmd.ErrOrStderr(), plain || file == "-")
			if file == "-" {
				return runCapture(ctx, a, t, ref, req, cmd.OutOrStdout(), status)
			}
			return atomicfile.WriteFunc(file, 0o644, func(w io.Writer) error {
				return runCapture(ctx, a, t, ref, req, w, status)
			})
		},
	}
	cmd.Flags().StringVar(&req.Network, "network", "", "the lab network to capture (all of it, on its bridge)")
	cmd.Flags().StringVar(&req.Service, "service", "", "the service (or toolbox) whose interfaces to capture")
	cmd.Flags().StringVarP(&file, "write", "w", "", "the pcapng file to write (- for standard output)")
	cmd.Flags().StringVar(&req.Filter, "filter", "", "keep only the packets this expression matches")
	cmd.Flags().IntVar(&req.Count, "count", 0, "stop after this many packets")
	cmd.Flags().StringVar(&req.Duration, "duration", "", "stop after this long (30s, 5m)")
	cmd.Flags().BoolVar(&plain, "plain", false, "report progress as plain lines, not a live status line")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

// runCapture captures into w until the capture ends or ctx does, showing
// its counters.
func runCapture(ctx context.Context, a *app.App, t *app.Target, ref engine.Ref, req app.CaptureRequest, w io.Writer, status *captureStatus) error {
	// the capture keeps running when ctx ends: it is stopped, and its
	// file completed, below
	c, err := a.Capture(context.WithoutCancel(ctx), t, ref, req, w)
	if err != nil {
		return err
	}
	status.start(c.Interfaces())
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			c.Stop()
			<-c.Done()
			status.end(c.Stats())
			return c.Err()
		case <-c.Done():
			status.end(c.Stats())
			return c.Err()
		case <-tick.C:
			status.show(c.Stats())
		}
	}
}

func newLinkCommand(c *cli) *cobra.Command {
	cmd := group(&cobra.Command{Use: "link", Short: "Impair a running lab's links: rate, delay, jitter, loss"})
	cmd.AddCommand(newLinkSetCommand(c), newLinkClearCommand(c), newLinkListCommand(c))
	return cmd
}

func newLinkSetCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	var req app.LinkRequest
	cmd := &cobra.Command{
		Use:   "set REPO/LAB SERVICE [--network N] [--rate R] [--delay D] [--jitter J] [--loss P]",
		Short: "Set a rate, delay, jitter or loss on a service's lab interfaces",
		Long: `Impair what a service sends on its lab interface on --network (on all of
them by default), as a slow or bad link would. A rate alone uses the
kernel's token bucket filter (tbf); a delay, jitter or loss needs its
network emulator (sch_netem): on a kernel without it, dsp says so and
changes nothing. Rates as tc writes them: 1mbit, 500kbit, 2mbps (bytes/s).`,
		Example: `  dsp link set examples/routed-network router --network inside --rate 1mbit
  dsp link set mine/web web --delay 80ms --jitter 20ms --loss 1`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, t, ref, err := c.instance(cmd.Context(), args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			req.Service = args[1]
			links, err := a.SetLink(cmd.Context(), t, ref, req)
			if err != nil {
				return err
			}
			return printLinks(cmd.OutOrStdout(), links)
		},
	}
	cmd.Flags().StringVar(&req.Network, "network", "", "the lab network of the interface (default: every one of the service)")
	cmd.Flags().StringVar(&req.Rate, "rate", "", "the rate limit: 1mbit, 500kbit, …")
	cmd.Flags().StringVar(&req.Delay, "delay", "", "a delay: 50ms (needs sch_netem)")
	cmd.Flags().StringVar(&req.Jitter, "jitter", "", "jitter around the delay: 10ms (needs sch_netem)")
	cmd.Flags().StringVar(&req.Loss, "loss", "", "the share of packets lost, in percent: 1, 0.5 (needs sch_netem)")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newLinkClearCommand(c *cli) *cobra.Command {
	var instance instanceFlag
	var network string
	cmd := &cobra.Command{
		Use:   "clear REPO/LAB SERVICE [--network N]",
		Short: "Remove the impairment of a service's lab interfaces",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, t, ref, err := c.instance(cmd.Context(), args[0], instance)
			if err != nil {
				return err
			}
			defer a.Close()
			links, err := a.ClearLink(cmd.Context(), t, ref, args[1], network)
			if err != nil {
				return err
			}
			return printLinks(cmd.OutOrStdout(), links)
		},
	}
	cmd.Flags().StringVar(&network, "network", "", "the lab network of the interface (default: every one of the service)")
	instance.register(cmd, engine.DefaultInstance, "")
	return cmd
}

func newLinkListCommand(c *cli) *cobra.Command {
	return instanceListCommand(c, "List a running lab's links and their impairment", (*app.App).Links, printLinks)
}

func printLinks(out io.Writer, links []engine.LinkStatus) error {
	tw := newTable(out)
	fmt.Fprintln(tw, "SERVICE\tNETWORK\tINTERFACE\tIP\tIMPAIRMENT")
	for _, l := range links {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.Service, l.Network, l.Interface, l.IP, l.Shape.Text)
	}
	return tw.Flush()
}
