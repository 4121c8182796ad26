// Package capture records live traffic of a lab into a pcapng file, with
// no helper image: dsp opens AF_PACKET sockets itself, on the host side of
// a lab network (its Linux bridge, br-<12 hex of the network id>) or inside
// a service's network namespace (its eth0, eth1…). It needs root on the
// Docker host's Linux.
//
// A capture writes one Interface Description Block per source, then the
// packets as they come (flushed at least every 200 ms, so the file can be
// read while it grows), and Interface Statistics Blocks when it ends. Live
// viewers subscribe to a summary of every packet written.
package capture

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/packet"
)

// DefaultSnapLen is the snap length when Options.SnapLen is 0, and the
// largest accepted: tcpdump's and Wireshark's default.
const DefaultSnapLen = 262144

// Source is one interface to capture.
type Source struct {
	PID         int    // network namespace of this process; 0 = dsp's own (the host's)
	Interface   string // "br-1a2b…", "eth0"
	Description string // the lab's names for it: "root/web network net1 (10.0.1.0/24)", "service web on net1 (10.0.1.5)"
}

func (s Source) String() string {
	if s.PID == 0 {
		return fmt.Sprintf("interface %s of the host", s.Interface)
	}
	return fmt.Sprintf("interface %s in the network namespace of process %d", s.Interface, s.PID)
}

// Options of a capture.
type Options struct {
	Sources  []Source
	Filter   *packet.Filter // nil: everything
	Count    int            // stop after this many packets written (0: no limit)
	Duration time.Duration  // stop after this long (0: no limit)
	SnapLen  int            // bytes kept of each packet; 0: DefaultSnapLen
}

// check validates the options and returns the snap length to use.
func (o Options) check() (int, error) {
	if len(o.Sources) == 0 {
		return 0, errors.New("capture: no source")
	}
	for _, s := range o.Sources {
		if s.Interface == "" {
			return 0, fmt.Errorf("capture: a source of process %d has no interface name", s.PID)
		}
		if s.PID < 0 {
			return 0, fmt.Errorf("capture %s: negative process id", s)
		}
	}
	if o.Count < 0 || o.Duration < 0 {
		return 0, errors.New("capture: negative count or duration")
	}
	switch {
	case o.SnapLen == 0:
		return DefaultSnapLen, nil
	case o.SnapLen < 0 || o.SnapLen > DefaultSnapLen:
		return 0, fmt.Errorf("capture: snap length %d out of range 1–%d", o.SnapLen, DefaultSnapLen)
	}
	return o.SnapLen, nil
}

// Packet is what a live viewer gets of each packet written.
type Packet struct {
	N         int64     // 1-based number in the file
	Time      time.Time // the kernel's timestamp
	Interface int       // index into Options.Sources
	packet.Summary
}

// Stats of a capture so far.
type Stats struct {
	Packets, Bytes uint64 // written to the file (Bytes: the bytes captured, at most the snap length of each)
	// Dropped is the kernel's drop count (PACKET_STATISTICS tp_drops)
	// summed over the sources: packets that came while the ring was full.
	// dsp drops nothing itself: a slow writer makes the ring fill up.
	Dropped    uint64
	ByProtocol map[string]uint64 // packets written by Summary.Protocol
	PerSecond  []uint64          // packets written in each of the last 60 whole seconds (by kernel timestamp), oldest first
	// Missed counts the packets live subscribers did not get because
	// their channel was full, summed over the subscribers.
	Missed uint64
}

// counters are the statistics the capture loop updates and Stats reads.
type counters struct {
	mu         sync.Mutex
	packets    uint64
	bytes      uint64
	dropped    uint64
	byProtocol map[string]uint64
	perSecond  perSecond
}

// snapshot copies the counters as Stats at time now.
func (c *counters) snapshot(now time.Time) Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Stats{
		Packets:    c.packets,
		Bytes:      c.bytes,
		Dropped:    c.dropped,
		ByProtocol: make(map[string]uint64, len(c.byProtocol)),
		PerSecond:  c.perSecond.last(now.Unix()),
	}
	for k, v := range c.byProtocol {
		st.ByProtocol[k] = v
	}
	return st
}

// perSecondWindow is how many whole seconds Stats.PerSecond covers.
const perSecondWindow = 60

// perSecond counts packets by the second of their timestamp, for the
// window and the current second: slot i holds second secs[i] (Unix time).
type perSecond struct {
	secs   [perSecondWindow + 1]int64
	counts [perSecondWindow + 1]uint64
}

func slot(sec int64) int {
	const n = perSecondWindow + 1
	return int((sec%n + n) % n)
}

// add counts one packet of second sec. A packet older than what its slot
// holds now (a window or more behind the newest) is not counted.
func (p *perSecond) add(sec int64) {
	i := slot(sec)
	switch {
	case p.secs[i] == sec:
	case p.secs[i] < sec:
		p.secs[i], p.counts[i] = sec, 0
	default:
		return
	}
	p.counts[i]++
}

// last returns the counts of the perSecondWindow whole seconds before
// second now, oldest first.
func (p *perSecond) last(now int64) []uint64 {
	out := make([]uint64, perSecondWindow)
	for k := range out {
		sec := now - perSecondWindow + int64(k)
		if i := slot(sec); p.secs[i] == sec {
			out[k] = p.counts[i]
		}
	}
	return out
}

// hub hands live packets to subscribers without ever waiting for one.
type hub struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
	missed uint64
}

type subscriber struct {
	ch chan Packet
}

// subscribe adds a subscriber with a channel of buffer packets; the
// returned func removes it and closes its channel.
func (h *hub) subscribe(buffer int) (<-chan Packet, func()) {
	s := &subscriber{ch: make(chan Packet, max(buffer, 0))}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(s.ch)
		return s.ch, func() {}
	}
	if h.subs == nil {
		h.subs = make(map[*subscriber]struct{})
	}
	h.subs[s] = struct{}{}
	return s.ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[s]; ok {
			delete(h.subs, s)
			close(s.ch)
		}
	}
}

// active reports whether anyone is subscribed.
func (h *hub) active() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs) > 0
}

// publish offers the packets to every subscriber; a full channel misses
// them.
func (h *hub) publish(pkts []Packet) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		for _, p := range pkts {
			select {
			case s.ch <- p:
			default:
				h.missed++
			}
		}
	}
}

// close closes every subscriber's channel; later subscribers get a closed
// channel.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		close(s.ch)
	}
	h.subs = nil
	h.closed = true
}

func (h *hub) missedCount() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.missed
}

// Capture is a running capture, started by Start.
type Capture struct {
	stop     chan struct{} // closed to ask the loop to end
	stopOnce sync.Once
	wake     func()        // wakes the loop up when stop closes
	done     chan struct{} // closed when the loop has ended and the file is complete
	err      error         // why it ended; set before done closes
	counters counters
	hub      hub
}

func newCapture() *Capture {
	return &Capture{
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		counters: counters{byProtocol: make(map[string]uint64)},
	}
}

// requestStop asks the capture to end without waiting.
func (c *Capture) requestStop() {
	c.stopOnce.Do(func() {
		close(c.stop)
		if c.wake != nil {
			c.wake()
		}
	})
}

// Stop ends the capture and waits until the file is complete: what the
// kernel captured before the call is written, then the statistics. It may
// be called any number of times, also after the capture ended by itself.
func (c *Capture) Stop() {
	c.requestStop()
	<-c.done
}

// Done is closed when the capture has ended and its file is complete.
func (c *Capture) Done() <-chan struct{} { return c.done }

// Err tells why the capture ended, once Done is closed: nil when it was
// stopped (Stop, its context, Count, Duration) or every source's
// interface went away; the read or write error otherwise.
func (c *Capture) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Stats returns the statistics so far.
func (c *Capture) Stats() Stats {
	st := c.counters.snapshot(time.Now())
	st.Missed = c.hub.missedCount()
	return st
}

// Subscribe returns a channel of the packets written from now on, with
// room for buffer packets: a subscriber that falls behind misses packets
// (Stats.Missed; the gaps show in Packet.N) and never slows the capture.
// The func unsubscribes (and closes the channel); the channel also closes
// when the capture ends.
func (c *Capture) Subscribe(buffer int) (<-chan Packet, func()) {
	return c.hub.subscribe(buffer)
}
