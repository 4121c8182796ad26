package local

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// removeTimeout bounds the clean-up of a container after its caller's
// context ended.
const removeTimeout = 30 * time.Second

// setDefaultRoute points the default route of the network namespace of
// process pid at gateway, from the host (the container needs no tool and no
// capability for it).
func setDefaultRoute(ctx context.Context, pid int, gateway string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	gw := net.ParseIP(gateway)
	if gw == nil {
		return fmt.Errorf("default route: gateway %q is not an IP address", gateway)
	}
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return fmt.Errorf("default route: network namespace of process %d: %w", pid, err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return fmt.Errorf("default route: netlink in process %d's namespace: %w", pid, err)
	}
	defer h.Close()
	route := &netlink.Route{Dst: &net.IPNet{IP: net.IPv4zero, Mask: net.CIDRMask(0, 32)}, Gw: gw}
	if err := h.RouteReplace(route); err != nil {
		return fmt.Errorf("default route via %s: %w", gateway, err)
	}
	return nil
}
