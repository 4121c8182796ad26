package fake

import (
	"context"
	"net"
	"net/netip"
	"os"
	"strconv"
	"syscall"

	"github.com/dsp-lab/dsp/internal/engine"
)

// DialHandler makes the connections of Dial. It may call r.Default for
// the fake's own behaviour: names resolved as the lab's DNS would, then
// connection refused.
type DialHandler func(ctx context.Context, r *DialRequest) (net.Conn, error)

// DialRequest is a connection asked for from inside a service.
type DialRequest struct {
	Ref     engine.Ref
	Service string
	Network string // tcp, udp…
	Address string // HOST:PORT as given

	e *Engine
}

// Lookup resolves a host as the service would: an IP address, localhost,
// or a service, container or host name of the instance (its first
// address).
func (r *DialRequest) Lookup(host string) (netip.Addr, bool) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip, true
	}
	if host == "localhost" {
		return netip.MustParseAddr("127.0.0.1"), true
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	in := r.e.instances[r.Ref]
	if in == nil {
		return netip.Addr{}, false
	}
	for _, name := range sortedKeys(in.containers) {
		c := in.containers[name]
		if host != c.service && host != c.name && host != c.hostname {
			continue
		}
		for _, n := range c.networks {
			if ip, err := netip.ParseAddr(n.IP); err == nil {
				return ip, true
			}
		}
	}
	return netip.Addr{}, false
}

// Default resolves the address and refuses the connection, as a port
// where nothing listens does: a *net.OpError that errors.Is
// syscall.ECONNREFUSED; a name the lab does not know is a *net.DNSError.
func (r *DialRequest) Default(ctx context.Context) (net.Conn, error) {
	host, portText, err := net.SplitHostPort(r.Address)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: r.Network, Err: err}
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: r.Network, Err: &net.AddrError{Err: "invalid port", Addr: r.Address}}
	}
	ip, ok := r.Lookup(host)
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: r.Network, Err: &net.DNSError{Err: "no such host", Name: host, Server: "127.0.0.11:53", IsNotFound: true}}
	}
	if err := ctx.Err(); err != nil {
		return nil, &net.OpError{Op: "dial", Net: r.Network, Err: err}
	}
	addr := &net.TCPAddr{IP: ip.AsSlice(), Port: port}
	return nil, &net.OpError{Op: "dial", Net: r.Network, Addr: addr, Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
}

// Dial returns a dialer that connects from a service's running container.
func (e *Engine) Dial(ctx context.Context, ref engine.Ref, service string) (engine.Dialer, error) {
	ref = normalizeRef(ref)
	if _, err := e.runningContainer(ref, service); err != nil {
		return nil, err
	}
	return dialer{e: e, ref: ref, service: service}, nil
}

type dialer struct {
	e       *Engine
	ref     engine.Ref
	service string
}

func (d dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	r := &DialRequest{Ref: d.ref, Service: d.service, Network: network, Address: address, e: d.e}
	if d.e.dialHandler != nil {
		return d.e.dialHandler(ctx, r)
	}
	return r.Default(ctx)
}
