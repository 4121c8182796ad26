package local

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"

	"github.com/compose-spec/compose-go/v2/types"
	cerrdefs "github.com/containerd/errdefs"
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
	taken, err := e.subnetsInUse(ctx)
	if err != nil {
		return err
	}
	own, want := labSubnets(p)
	taken = append(taken, own...)
	// Start at a random /24 so that labs starting at the same moment (in
	// other dsp processes) rarely pick the same one; Up retries if they do.
	slots := 1 << (24 - dynamicPool.Bits())
	first := rand.IntN(slots)
	for _, name := range want {
		candidate, ok := freeSlot(taken, first, slots)
		if !ok {
			return fmt.Errorf("no free /24 left in %s for network %s", dynamicPool, name)
		}
		n := p.Networks[name]
		n.Ipam.Config = append(n.Ipam.Config, &types.IPAMPool{Subnet: candidate.String()})
		p.Networks[name] = n
		taken = append(taken, candidate)
	}
	return nil
}

// subnetsInUse lists the subnets of the engine's networks.
func (e *Engine) subnetsInUse(ctx context.Context) ([]netip.Prefix, error) {
	existing, err := e.docker.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", err)
	}
	var taken []netip.Prefix
	for _, n := range existing.Items {
		for _, c := range n.IPAM.Config {
			if c.Subnet.IsValid() {
				taken = append(taken, c.Subnet)
			}
		}
	}
	return taken, nil
}

// labSubnets returns the subnets the lab's bridge networks name, and the
// names of those that name none and leave the IPAM driver to Docker: the
// ones that want a subnet from dynamicPool, sorted.
func labSubnets(p *types.Project) (taken []netip.Prefix, want []string) {
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
	return taken, want
}

// freeSlot returns the first /24 of dynamicPool that overlaps none of
// taken, looking from the slot first on (and round); ok is false when
// there is none.
func freeSlot(taken []netip.Prefix, first, slots int) (netip.Prefix, bool) {
	for i := 0; i < slots; i++ {
		candidate := slot(dynamicPool, (first+i)%slots)
		if !overlapsAny(candidate, taken) {
			return candidate, true
		}
	}
	return netip.Prefix{}, false
}

// isPoolOverlap reports the engine's refusal of a subnet that another
// network took in the meantime: while creating a lab's networks, the only
// refusal (403, Forbidden) the engine gives.
func isPoolOverlap(err error) bool {
	return cerrdefs.IsPermissionDenied(err)
}

func overlapsAny(p netip.Prefix, list []netip.Prefix) bool {
	for _, q := range list {
		if p.Overlaps(q) {
			return true
		}
	}
	return false
}

// slot returns the i-th /24 of pool.
func slot(pool netip.Prefix, i int) netip.Prefix {
	b := pool.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 + uint32(i)<<8
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), 0}), 24)
}
