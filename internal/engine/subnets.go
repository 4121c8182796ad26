package engine

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/client"
)

// dynamicPool is where dsp picks subnets for lab networks that do not name
// one. Docker's own default pools rotate through 172.17-31.0.0/16 and then
// 192.168.0.0/16, so after a while a network without a subnet lands on
// 192.168.x.0/20 and blocks the upstream labs that hard-code 192.168.1.0/24.
var dynamicPool = netip.MustParsePrefix("10.250.0.0/16")

// assignSubnets gives every lab network without a subnet a free /24 from
// dynamicPool, avoiding existing Docker networks and the lab's own subnets.
func (e *Engine) assignSubnets(ctx context.Context, p *types.Project) error {
	var taken []netip.Prefix
	existing, err := e.docker.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil {
		return fmt.Errorf("list networks: %w", err)
	}
	for _, n := range existing.Items {
		for _, c := range n.IPAM.Config {
			if c.Subnet.IsValid() {
				taken = append(taken, c.Subnet)
			}
		}
	}
	var want []string
	for _, name := range sortedKeys(p.Networks) {
		n := p.Networks[name]
		if bool(n.External) || (n.Driver != "" && n.Driver != "bridge") {
			continue
		}
		hasSubnet := false
		for _, pool := range n.Ipam.Config {
			if pool == nil || pool.Subnet == "" {
				continue
			}
			hasSubnet = true
			if prefix, err := netip.ParsePrefix(pool.Subnet); err == nil {
				taken = append(taken, prefix)
			}
		}
		if !hasSubnet && n.Ipam.Driver == "" {
			want = append(want, name)
		}
	}
	next := netip.PrefixFrom(dynamicPool.Addr(), 24)
	for _, name := range want {
		for overlapsAny(next, taken) {
			next = nextPrefix(next)
			if !dynamicPool.Contains(next.Addr()) {
				return fmt.Errorf("no free /24 left in %s for network %s", dynamicPool, name)
			}
		}
		n := p.Networks[name]
		n.Ipam.Config = append(n.Ipam.Config, &types.IPAMPool{Subnet: next.String()})
		p.Networks[name] = n
		taken = append(taken, next)
	}
	return nil
}

func overlapsAny(p netip.Prefix, list []netip.Prefix) bool {
	for _, q := range list {
		if p.Overlaps(q) {
			return true
		}
	}
	return false
}

// nextPrefix returns the /24 after p.
func nextPrefix(p netip.Prefix) netip.Prefix {
	b := p.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 + 256
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), 0}), 24)
}
