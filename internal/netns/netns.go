// Package netns dials TCP connections from inside the network namespace of
// a container's process, so that a check probes a lab the way one of its
// own services sees it: the lab's addresses, routes and DNS names. It needs
// to run as root on the Docker host (Linux).
package netns

import (
	"context"
	"fmt"
	"net"
)

// dockerDNS is the address of Docker's embedded DNS server inside every
// container on a user-defined network.
const dockerDNS = "127.0.0.11:53"

// EnterError means dsp could not enter a namespace: it is not root on the
// Docker host, or the process is gone.
type EnterError struct {
	PID int
	Err error
}

func (e *EnterError) Error() string {
	return fmt.Sprintf("enter the network namespace of the service (process %d; tcp and http checks need dsp to run as root on the Docker host's Linux): %v", e.PID, e.Err)
}

func (e *EnterError) Unwrap() error { return e.Err }

// Unavailable classifies the error (errdefs): dialing from the namespace
// cannot work here, and trying again will not help.
func (e *EnterError) Unavailable() {}

// Dialer dials from the network namespace of the process PID.
type Dialer struct {
	PID int
}

// DialContext connects to address (HOST:PORT) from inside the namespace; a
// host name is resolved by the namespace's Docker DNS.
func (d Dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	if net.ParseIP(host) == nil {
		resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.dial(ctx, network, dockerDNS)
		}}
		addrs, err := resolver.LookupHost(ctx, host)
		if err != nil {
			return nil, fmt.Errorf("resolve %s in the lab: %w", host, err)
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("resolve %s in the lab: no address", host)
		}
		host = addrs[0]
	}
	return d.dial(ctx, network, net.JoinHostPort(host, port))
}

func (d Dialer) dial(ctx context.Context, network, address string) (net.Conn, error) {
	var conn net.Conn
	err := inNamespace(d.PID, func() error {
		var err error
		conn, err = (&net.Dialer{}).DialContext(ctx, network, address)
		return err
	})
	return conn, err
}
