//go:build linux

package capture

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dsp-lab/dsp/internal/packet"
	"github.com/dsp-lab/dsp/internal/pcapng"
)

// Timing of the capture loop.
const (
	pollInterval  = 100 * time.Millisecond // longest wait in poll: how often the loop reads statistics and looks at the interfaces
	flushInterval = 200 * time.Millisecond // longest time written packets stay in the writer's buffer
	// drainLimit bounds the wait, when stopping or when an interface went
	// away, for the kernel to hand over its last partly filled block
	// (normally within blockTimeout).
	drainLimit = time.Second
)

// Start opens every source (an error names the source, and leaves nothing
// open), writes the pcapng header with one interface per source to w, and
// captures in the background until Stop, the end of ctx, Count packets,
// Duration, or until the interfaces of all sources are gone (the lab
// stopped).
func Start(ctx context.Context, w io.Writer, opts Options) (*Capture, error) {
	snapLen, err := opts.check()
	if err != nil {
		return nil, err
	}
	rings := make([]*ring, 0, len(opts.Sources))
	closeAll := func() {
		for _, r := range rings {
			r.close()
		}
	}
	for _, src := range opts.Sources {
		r, err := openRing(src)
		if err != nil {
			closeAll()
			return nil, err
		}
		rings = append(rings, r)
	}
	wk, err := newWaker()
	if err != nil {
		closeAll()
		return nil, err
	}
	pw, ids, err := writeHeader(w, opts.Sources, snapLen)
	if err != nil {
		wk.close()
		closeAll()
		return nil, err
	}
	l := &loop{c: newCapture(), opts: opts, snapLen: snapLen, rings: rings, waker: wk, pw: pw, ids: ids}
	l.c.wake = wk.wake
	go l.run(ctx)
	return l.c, nil
}

// waker wakes the capture loop up from poll: an eventfd in its poll set,
// readable once woken.
type waker struct {
	mu sync.Mutex
	fd int // -1 once closed
}

func newWaker() (*waker, error) {
	fd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("capture: make an eventfd: %w", err)
	}
	return &waker{fd: fd}, nil
}

func (w *waker) wake() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fd >= 0 {
		var one [8]byte
		binary.NativeEndian.PutUint64(one[:], 1)
		_, _ = unix.Write(w.fd, one[:])
	}
}

func (w *waker) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fd >= 0 {
		_ = unix.Close(w.fd)
		w.fd = -1
	}
}

// writeHeader starts the file: its section header and one interface
// description per source, flushed.
func writeHeader(w io.Writer, sources []Source, snapLen int) (*pcapng.Writer, []int, error) {
	pw, err := pcapng.NewWriter(w, "dsp")
	if err != nil {
		return nil, nil, fmt.Errorf("capture: write the file header: %w", err)
	}
	ids := make([]int, len(sources))
	for i, src := range sources {
		ids[i], err = pw.AddInterface(pcapng.Interface{
			Name:        src.Interface,
			Description: src.Description,
			LinkType:    pcapng.LinkTypeEthernet,
			SnapLen:     uint32(snapLen),
		})
		if err != nil {
			return nil, nil, fmt.Errorf("capture: write the interface of %s: %w", src, err)
		}
	}
	if err := pw.Flush(); err != nil {
		return nil, nil, fmt.Errorf("capture: write the file header: %w", err)
	}
	return pw, ids, nil
}

// loop is the capture's one goroutine: it waits on every source's socket,
// reads the blocks the kernel hands over, writes their packets and hands
// them to subscribers.
type loop struct {
	c       *Capture
	opts    Options
	snapLen int
	rings   []*ring
	waker   *waker
	pfds    []unix.PollFd // one per ring (Fd -1 once the ring is finished), then the waker's (-1 once stopping)
	pw      *pcapng.Writer
	ids     []int // pcapng interface of each ring

	n        int64    // packets written
	batch    []Packet // packets of the block being read
	bytes    uint64   // bytes of the batch
	scratch  []byte   // a frame with its VLAN tag put back
	writeErr error

	stopping  bool
	stopSeq   []uint64 // per ring: the block the kernel was filling when the stop came
	stopLimit time.Time
	lastTick  time.Time
	lastFlush time.Time
	unflushed bool
}

// run captures until the end, completes the file and tells the Capture.
func (l *loop) run(ctx context.Context) {
	defer close(l.c.done)
	defer l.c.hub.close()
	defer l.waker.close()
	stopOnCtx := context.AfterFunc(ctx, l.c.requestStop)
	defer stopOnCtx()
	if l.opts.Duration > 0 {
		t := time.AfterFunc(l.opts.Duration, l.c.requestStop)
		defer t.Stop()
	}
	err := l.capture()
	if ferr := l.finish(); err == nil {
		err = ferr
	}
	l.c.err = err
}

// capture reads packets until the capture has to end.
func (l *loop) capture() error {
	l.pfds = make([]unix.PollFd, len(l.rings), len(l.rings)+1)
	for i, r := range l.rings {
		l.pfds[i] = unix.PollFd{Fd: int32(r.fd), Events: unix.POLLIN}
	}
	l.pfds = append(l.pfds, unix.PollFd{Fd: int32(l.waker.fd), Events: unix.POLLIN})
	l.lastTick, l.lastFlush = time.Now(), time.Now()
	for {
		if !l.stopping {
			select {
			case <-l.c.stop:
				l.beginStop()
			default:
			}
		}
		if l.ended(time.Now()) {
			return nil
		}
		if _, err := unix.Poll(l.pfds, int(pollInterval/time.Millisecond)); err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("capture: poll the sockets: %w", err)
		}
		more, err := l.readAll()
		if err != nil || !more {
			return err
		}
		if err := l.tick(time.Now()); err != nil {
			return err
		}
	}
}

// readAll reads the blocks every ring has ready. It returns false when
// Count packets are written.
func (l *loop) readAll() (bool, error) {
	for i, r := range l.rings {
		if r.finished {
			continue
		}
		if l.pfds[i].Revents&unix.POLLERR != 0 {
			if err := r.takeError(); err != nil {
				return false, err
			}
		}
		// At most one ring's worth at a time, so a busy source cannot
		// keep the others (and the stop) waiting.
		for range blockCount {
			more := true
			ok := r.readBlock(func(f frame) bool {
				more = l.handle(i, f)
				return more
			})
			l.publish()
			if l.writeErr != nil {
				return false, l.writeErr
			}
			if !more {
				return false, nil
			}
			if !ok {
				break
			}
		}
	}
	return true, nil
}

// handle writes one packet of ring i unless the filter drops it. It
// returns false when no more packets should be written.
func (l *loop) handle(i int, f frame) bool {
	data, origLen := f.data, f.origLen
	if f.hasVLAN {
		l.scratch = withVLAN(l.scratch, data, f.vlan)
		data, origLen = l.scratch, origLen+4
	}
	if len(data) > l.snapLen {
		data = data[:l.snapLen]
	}
	if l.opts.Filter != nil && !l.opts.Filter.Match(data) {
		return true
	}
	if err := l.pw.WritePacket(l.ids[i], f.time, data, origLen); err != nil {
		l.writeErr = fmt.Errorf("capture: write a packet of %s: %w", l.rings[i].src, err)
		return false
	}
	l.n++
	l.unflushed = true
	l.bytes += uint64(len(data))
	l.batch = append(l.batch, Packet{N: l.n, Time: f.time, Interface: i, Summary: packet.Summarize(data, origLen)})
	return l.opts.Count == 0 || l.n < int64(l.opts.Count)
}

// publish counts the batch of packets written and offers it to the
// subscribers.
func (l *loop) publish() {
	if len(l.batch) == 0 {
		return
	}
	cs := &l.c.counters
	cs.mu.Lock()
	cs.packets += uint64(len(l.batch))
	cs.bytes += l.bytes
	for _, p := range l.batch {
		cs.byProtocol[p.Protocol]++
		cs.perSecond.add(p.Time.Unix())
	}
	cs.mu.Unlock()
	l.c.hub.publish(l.batch)
	clear(l.batch) // drop the strings of the summaries
	l.batch, l.bytes = l.batch[:0], 0
}

// beginStop notes, for each ring, the block the kernel is filling: the
// capture ends once those are written.
func (l *loop) beginStop() {
	l.stopping = true
	l.pfds[len(l.rings)].Fd = -1 // it stays readable
	l.stopLimit = time.Now().Add(drainLimit)
	l.stopSeq = make([]uint64, len(l.rings))
	for i, r := range l.rings {
		l.stopSeq[i] = r.lastSeq + 1
	}
}

// ended reports whether the capture is over: stopping and every ring
// drained up to the stop, or every interface gone.
func (l *loop) ended(now time.Time) bool {
	live := false
	caughtUp := true
	for i, r := range l.rings {
		if r.finished {
			continue
		}
		live = true
		if l.stopping && !r.caughtUp(l.stopSeq[i]) {
			caughtUp = false
		}
	}
	if !live {
		return true
	}
	return l.stopping && (caughtUp || now.After(l.stopLimit))
}

// tick does the periodic work: flushing the writer, the kernel's
// statistics and noticing interfaces that went away.
func (l *loop) tick(now time.Time) error {
	if l.unflushed && now.Sub(l.lastFlush) >= flushInterval {
		if err := l.pw.Flush(); err != nil {
			return fmt.Errorf("capture: write the file: %w", err)
		}
		l.lastFlush, l.unflushed = now, false
	}
	if now.Sub(l.lastTick) < pollInterval {
		return nil
	}
	l.lastTick = now
	var dropped uint64
	for i, r := range l.rings {
		if !r.finished {
			if err := l.checkGone(i, now); err != nil {
				return err
			}
		}
		dropped += r.dropped
	}
	l.c.counters.mu.Lock()
	l.c.counters.dropped = dropped
	l.c.counters.mu.Unlock()
	return nil
}

// checkGone reads ring i's statistics and finishes it once its interface
// is gone and what the kernel had captured is written.
func (l *loop) checkGone(i int, now time.Time) error {
	r := l.rings[i]
	if err := r.updateStats(); err != nil {
		return err
	}
	if r.goneSince.IsZero() {
		gone, err := r.unregistered()
		if err != nil || !gone {
			return err
		}
		r.goneSince, r.goneSeq = now, r.lastSeq+1
	}
	if r.caughtUp(r.goneSeq) || now.Sub(r.goneSince) > drainLimit {
		r.finished = true
		l.pfds[i].Fd = -1
		r.close()
	}
	return nil
}

// finish completes the file: the statistics of every interface, then a
// flush. It closes the rings.
func (l *loop) finish() error {
	now := time.Now()
	var first error
	note := func(err error) {
		if first == nil {
			first = err
		}
	}
	var dropped uint64
	for i, r := range l.rings {
		if !r.finished {
			if err := r.updateStats(); err != nil {
				note(err)
			}
			r.close()
		}
		dropped += r.dropped
		if l.writeErr == nil {
			if err := l.pw.WriteStats(l.ids[i], now, r.received, r.dropped); err != nil {
				note(fmt.Errorf("capture: write the statistics of %s: %w", r.src, err))
			}
		}
	}
	if l.writeErr == nil {
		if err := l.pw.Flush(); err != nil {
			note(fmt.Errorf("capture: write the file: %w", err))
		}
	}
	l.c.counters.mu.Lock()
	l.c.counters.dropped = dropped
	l.c.counters.mu.Unlock()
	return first
}
