//go:build linux

package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// addrGenModeNone (IN6_ADDR_GEN_MODE_NONE) keeps the kernel from giving an
// interface an IPv6 link-local address: the bridge and its ports stay
// silent, and only the guest speaks on the lab network.
const addrGenModeNone = 1

// setupNICs wires every NIC of the configuration (see setupNIC) and returns
// the configuration resolved: each NIC's MAC, and its IP and gateway when
// the configuration left them empty, are the ones Docker gave the
// interface.
func setupNICs(cfg Config) (Config, error) {
	if len(cfg.NICs) == 0 {
		found, err := labInterfaces()
		if err != nil {
			return Config{}, err
		}
		cfg.NICs = found
	}
	nics := make([]NIC, len(cfg.NICs))
	for i, n := range cfg.NICs {
		resolved, err := setupNIC(i, n)
		if err != nil {
			return Config{}, fmt.Errorf("network card %d (%s): %w", i, n.Interface, err)
		}
		nics[i] = resolved
	}
	cfg.NICs = nics
	return cfg, nil
}

// setupNIC hands the container interface Docker attached to a lab network
// over to the guest. A bridge br<i> joins the interface to a TAP device
// tap<i>, which qemu opens as the guest's card; the interface loses its
// addresses and gets a new random MAC, and the guest's card takes the
// interface's old MAC and IP, so that the lab sees the service as Docker
// configured it. The bridge and the TAP device are made first: without
// /dev/net/tun or NET_ADMIN the container fails before it changes anything.
func setupNIC(i int, n NIC) (NIC, error) {
	link, err := netlink.LinkByName(n.Interface)
	if err != nil {
		return NIC{}, fmt.Errorf("find the interface: %w", err)
	}
	attrs := link.Attrs()
	if n.MAC == "" {
		n.MAC = attrs.HardwareAddr.String()
	}
	addrs, err := netlink.AddrList(link, netlink.FAMILY_ALL)
	if err != nil {
		return NIC{}, fmt.Errorf("list its addresses: %w", err)
	}
	if n.IP == "" {
		n.IP = firstIPv4(addrs)
	}
	if n.IP != "" && n.Gateway == "" {
		n.Gateway = defaultGateway(link, n.IP)
	}

	br, tap, err := makeBridgeAndTap(i, attrs.MTU)
	if err != nil {
		return NIC{}, err
	}
	for _, a := range addrs {
		if err := netlink.AddrDel(link, &a); err != nil {
			return NIC{}, fmt.Errorf("remove its address %s: %w", a.IPNet, hintPermission(err))
		}
	}
	if err := netlink.LinkSetDown(link); err != nil {
		return NIC{}, fmt.Errorf("set it down: %w", hintPermission(err))
	}
	mac, err := randomMAC()
	if err != nil {
		return NIC{}, err
	}
	if err := netlink.LinkSetHardwareAddr(link, mac); err != nil {
		return NIC{}, fmt.Errorf("give it the MAC %s: %w", mac, err)
	}
	for _, port := range []netlink.Link{link, tap} {
		if err := netlink.LinkSetMaster(port, br); err != nil {
			return NIC{}, fmt.Errorf("add %s to %s: %w", port.Attrs().Name, br.Name, err)
		}
	}
	for _, l := range []netlink.Link{link, tap, br} {
		// Fails harmlessly where IPv6 is off in the container.
		_ = netlink.LinkSetIP6AddrGenMode(l, addrGenModeNone)
		if err := netlink.LinkSetUp(l); err != nil {
			return NIC{}, fmt.Errorf("set %s up: %w", l.Attrs().Name, err)
		}
	}
	return n, nil
}

// makeBridgeAndTap creates the bridge br<i> and the TAP device tap<i>, both
// with the lab interface's MTU.
func makeBridgeAndTap(i, mtu int) (*netlink.Bridge, *netlink.Tuntap, error) {
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: bridgeName(i), MTU: mtu}}
	if err := netlink.LinkAdd(br); err != nil {
		return nil, nil, fmt.Errorf("create the bridge %s: %w", br.Name, hintPermission(err))
	}
	tap := &netlink.Tuntap{
		LinkAttrs: netlink.LinkAttrs{Name: tapName(i)},
		Mode:      netlink.TUNTAP_MODE_TAP,
		Flags:     netlink.TUNTAP_NO_PI | netlink.TUNTAP_ONE_QUEUE,
	}
	if err := netlink.LinkAdd(tap); err != nil {
		return nil, nil, fmt.Errorf("create the TAP device %s: %w", tap.Name, hintTun(err))
	}
	if err := netlink.LinkSetMTU(tap, mtu); err != nil {
		return nil, nil, fmt.Errorf("set the MTU of %s: %w", tap.Name, err)
	}
	return br, tap, nil
}

// firstIPv4 is the first IPv4 address of the list in CIDR form, or "".
func firstIPv4(addrs []netlink.Addr) string {
	for _, a := range addrs {
		if a.IPNet != nil && a.IP.To4() != nil {
			ones, _ := a.Mask.Size()
			return fmt.Sprintf("%s/%d", a.IP.To4(), ones)
		}
	}
	return ""
}

// defaultGateway is the gateway of the container's IPv4 default route when
// that route leaves through link and the gateway is inside ip's subnet,
// else "".
func defaultGateway(link netlink.Link, ip string) string {
	prefix, err := netip.ParsePrefix(ip)
	if err != nil {
		return ""
	}
	routes, err := netlink.RouteList(link, netlink.FAMILY_V4)
	if err != nil {
		return ""
	}
	for _, r := range routes {
		isDefault := r.Dst == nil || (r.Dst.IP.IsUnspecified() && maskOnes(r.Dst.Mask) == 0)
		if !isDefault || r.Gw == nil {
			continue
		}
		gw, ok := netip.AddrFromSlice(r.Gw.To4())
		if ok && prefix.Masked().Contains(gw) {
			return gw.String()
		}
	}
	return ""
}

func maskOnes(m net.IPMask) int {
	ones, _ := m.Size()
	return ones
}

// randomMAC is a random unicast, locally administered MAC.
func randomMAC() (net.HardwareAddr, error) {
	mac := make(net.HardwareAddr, 6)
	if _, err := rand.Read(mac); err != nil {
		return nil, fmt.Errorf("random MAC: %w", err)
	}
	mac[0] = mac[0]&^0x01 | 0x02
	return mac, nil
}

// hintPermission explains a refused network change.
func hintPermission(err error) error {
	if errors.Is(err, unix.EPERM) {
		return fmt.Errorf("%w (the container needs --cap-add NET_ADMIN)", err)
	}
	return err
}

// hintTun explains a TAP device that cannot be made.
func hintTun(err error) error {
	if _, statErr := os.Stat("/dev/net/tun"); statErr != nil {
		return fmt.Errorf("%w (the container needs --device /dev/net/tun)", err)
	}
	return hintPermission(err)
}

// labInterfaces lists the container's Ethernet interfaces Docker attached
// to lab networks (eth0, eth1… in their order), for a configuration that
// names no card: every lab network of the service becomes a card of the
// guest.
func labInterfaces() ([]NIC, error) {
	links, err := netlink.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list the interfaces: %w", err)
	}
	var names []string
	for _, l := range links {
		if a := l.Attrs(); l.Type() == "veth" && strings.HasPrefix(a.Name, "eth") {
			names = append(names, a.Name)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		return len(names[i]) < len(names[j]) || (len(names[i]) == len(names[j]) && names[i] < names[j])
	})
	nics := make([]NIC, len(names))
	for i, n := range names {
		nics[i] = NIC{Interface: n}
	}
	return nics, nil
}
