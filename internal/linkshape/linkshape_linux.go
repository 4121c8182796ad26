//go:build linux

package linkshape

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The handles of dsp's root qdiscs: `tc qdisc show` prints "tbf d5b: root"
// or "netem d5e: root". A qdisc with another handle is not dsp's, and
// Clear leaves it alone. Each kind has its own handle so that replacing
// one by the other is a single atomic change: the kernel refuses to give
// an existing handle another kind.
const (
	tbfMajor   = 0xd5b
	netemMajor = 0xd5e
)

// The token bucket of a rate limit holds what the rate sends in 1/burstHz
// of a second (tc's advice: at least rate/HZ, the timer's granularity),
// and at least two packets of the link's MTU; its queue holds what the
// rate sends in tbfLatency, on top of the bucket.
const (
	burstHz    = 250
	tbfLatency = 50 * time.Millisecond
	maxMTU     = 65536
)

// Set makes s the shape of the outgoing traffic of interface iface in the
// network namespace of process pid (0: dsp's own namespace, the host's),
// replacing the interface's root queueing discipline. The zero shape is
// Clear. When s needs netem and the kernel has none, the error is a
// *MissingKernelFeatureError and the interface is left as it was.
func Set(ctx context.Context, pid int, iface string, s Shape) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if s.IsZero() {
		return Clear(ctx, pid, iface)
	}
	l, err := openLink(ctx, pid, iface)
	if err != nil {
		return err
	}
	defer l.close()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := l.h.QdiscReplace(l.qdisc(s)); err != nil {
		// A kernel without sch_netem answers ENOENT ("Specified qdisc kind
		// is unknown") and leaves the root as it was.
		if s.needsNetem() && errors.Is(err, unix.ENOENT) {
			return &MissingKernelFeatureError{Feature: "sch_netem", Wanted: s.netemString(), Err: err}
		}
		return fmt.Errorf("set %s on %s: %w", s, l, err)
	}
	return nil
}

// Clear removes dsp's root queueing discipline from interface iface in the
// network namespace of process pid (0: the host's), which gives the
// interface back its default one. It is no error when there is none, and
// a root qdisc that is not dsp's stays.
func Clear(ctx context.Context, pid int, iface string) error {
	l, err := openLink(ctx, pid, iface)
	if err != nil {
		return err
	}
	defer l.close()
	q, err := l.root(ctx)
	if err != nil || q == nil || !isDsp(q) {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := l.h.QdiscDel(q); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("remove the %s qdisc of %s: %w", q.Type(), l, err)
	}
	return nil
}

// Get returns the shape that dsp set on interface iface in the network
// namespace of process pid (0: the host's); the zero shape when dsp's root
// queueing discipline is not there.
func Get(ctx context.Context, pid int, iface string) (Shape, error) {
	l, err := openLink(ctx, pid, iface)
	if err != nil {
		return Shape{}, err
	}
	defer l.close()
	q, err := l.root(ctx)
	if err != nil || q == nil || !isDsp(q) {
		return Shape{}, err
	}
	switch q := q.(type) {
	case *netlink.Tbf:
		return Shape{Rate: q.Rate * 8}, nil
	case *netlink.Netem:
		return Shape{
			Rate:   q.Rate64 * 8,
			Delay:  ticksToDuration(q.Latency),
			Jitter: ticksToDuration(q.Jitter),
			Loss:   math.Round(float64(q.Loss)/math.MaxUint32*100*1e6) / 1e6,
		}, nil
	default:
		return Shape{}, fmt.Errorf("the root qdisc of %s has dsp's handle but is a %s", l, q.Type())
	}
}

// link is an interface in a network namespace, and a netlink handle there.
type link struct {
	pid   int
	iface string
	h     *netlink.Handle
	link  netlink.Link
	attrs *netlink.LinkAttrs
}

// openLink opens a netlink handle in the network namespace of process pid
// (0: the current one) and finds the interface. The handle's sockets live
// in that namespace: no thread has to enter it. A deadline of ctx bounds
// every answer of the kernel.
func openLink(ctx context.Context, pid int, iface string) (*link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h, err := newHandle(pid)
	if err != nil {
		return nil, err
	}
	l := &link{pid: pid, iface: iface, h: h}
	if deadline, ok := ctx.Deadline(); ok {
		if err := h.SetSocketTimeout(max(time.Until(deadline), time.Millisecond)); err != nil {
			l.close()
			return nil, fmt.Errorf("netlink timeout in the network namespace of process %d: %w", pid, err)
		}
	}
	found, err := h.LinkByName(iface)
	if err != nil {
		l.close()
		var notFound netlink.LinkNotFoundError
		if errors.As(err, &notFound) || errors.Is(err, unix.ENODEV) {
			return nil, &LinkNotFoundError{PID: pid, Iface: iface, Err: err}
		}
		return nil, fmt.Errorf("find %s: %w", l, err)
	}
	l.link, l.attrs = found, found.Attrs()
	return l, nil
}

// newHandle opens a netlink handle in the network namespace of process pid.
func newHandle(pid int) (*netlink.Handle, error) {
	if pid == 0 {
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			return nil, fmt.Errorf("open a netlink socket: %w", err)
		}
		return h, nil
	}
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return nil, &NamespaceError{PID: pid, Err: err}
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, &NamespaceError{PID: pid, Err: err}
	}
	return h, nil
}

func (l *link) close() { l.h.Close() }

func (l *link) String() string {
	if l.pid == 0 {
		return fmt.Sprintf("interface %q of the host", l.iface)
	}
	return fmt.Sprintf("interface %q of process %d", l.iface, l.pid)
}

// root returns the root qdisc of the interface, nil when it has none.
func (l *link) root(ctx context.Context) (netlink.Qdisc, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	qs, err := l.h.QdiscList(l.link)
	if err != nil {
		return nil, fmt.Errorf("list the qdiscs of %s: %w", l, err)
	}
	for _, q := range qs {
		if q.Attrs().Parent == netlink.HANDLE_ROOT {
			return q, nil
		}
	}
	return nil, nil
}

// isDsp reports whether a root qdisc is one that Set made.
func isDsp(q netlink.Qdisc) bool {
	major, _ := netlink.MajorMinor(q.Attrs().Handle)
	return major == tbfMajor || major == netemMajor
}

// qdisc is the root qdisc that gives the interface shape s: a tbf for a
// rate alone, else a netem with its own rate limit.
func (l *link) qdisc(s Shape) netlink.Qdisc {
	attrs := netlink.QdiscAttrs{LinkIndex: l.attrs.Index, Parent: netlink.HANDLE_ROOT}
	rate := s.Rate / 8 // bytes per second, as the kernel counts
	if s.needsNetem() {
		attrs.Handle = netlink.MakeHandle(netemMajor, 0)
		return netlink.NewNetem(attrs, netlink.NetemQdiscAttrs{
			Latency: uint32(s.Delay.Microseconds()),
			Jitter:  uint32(s.Jitter.Microseconds()),
			Loss:    float32(s.Loss),
			Rate64:  rate,
		})
	}
	attrs.Handle = netlink.MakeHandle(tbfMajor, 0)
	mtu := uint64(min(max(l.attrs.MTU, 1500), maxMTU))
	burst := min(max(rate/burstHz, 2*mtu), math.MaxUint32)
	limit := min(rate/1000*uint64(tbfLatency.Milliseconds())+burst, math.MaxUint32)
	return &netlink.Tbf{
		QdiscAttrs: attrs,
		Rate:       rate,
		Limit:      uint32(limit),
		Buffer:     netlink.Xmittime(rate, uint32(burst)),
	}
}

// ticksToDuration turns netem's time in scheduler ticks into a duration,
// in whole microseconds.
func ticksToDuration(ticks uint32) time.Duration {
	us := float64(ticks) / netlink.TickInUsec()
	return time.Duration(math.Round(us)) * time.Microsecond
}
