package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/dsp-lab/dsp/bench/internal/benchkit"
)

// benchImage runs both containers; they only sleep: the benchmark sends
// and receives from their network namespaces itself.
const benchImage = "dsp/busybox:latest"

// sinkPort is the UDP port the receiver's socket listens on.
const sinkPort = 9999

// lab is a throw-away Docker network with two containers: frames between
// them cross the network's bridge.
type lab struct {
	network, bridge  string
	sender, receiver container
	senderVeth       string // host side of the sender's veth: the port its frames enter the bridge by
}

type container struct {
	name string
	pid  int
	ip   netip.Addr
}

// newLab creates the network and its containers. remove deletes them,
// also after a partial setup.
func newLab(ctx context.Context) (*lab, error) {
	name := fmt.Sprintf("dsp-bench-capture-%d", os.Getpid())
	l := &lab{network: name}
	id, err := benchkit.Output(ctx, "", "docker", "network", "create", "--label", "dsp.bench=capture", name)
	if err != nil {
		return l, err
	}
	l.bridge = "br-" + id[:12]
	if l.sender, err = l.run(ctx, name+"-sender"); err != nil {
		return l, err
	}
	if l.receiver, err = l.run(ctx, name+"-receiver"); err != nil {
		return l, err
	}
	iflink, err := benchkit.Output(ctx, "", "docker", "exec", l.sender.name, "cat", "/sys/class/net/eth0/iflink")
	if err != nil {
		return l, err
	}
	index, err := strconv.Atoi(iflink)
	if err != nil {
		return l, fmt.Errorf("peer of the sender's eth0: %q", iflink)
	}
	veth, err := net.InterfaceByIndex(index)
	if err != nil {
		return l, fmt.Errorf("host side of the sender's veth (index %d): %w", index, err)
	}
	l.senderVeth = veth.Name
	return l, nil
}

func (l *lab) run(ctx context.Context, name string) (container, error) {
	if _, err := benchkit.Output(ctx, "", "docker", "run", "-d", "--label", "dsp.bench=capture", "--name", name,
		"--network", l.network, benchImage, "sleep", "1000000"); err != nil {
		return container{}, err
	}
	out, err := benchkit.Output(ctx, "", "docker", "inspect", "-f",
		"{{.State.Pid}} {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name)
	if err != nil {
		return container{}, err
	}
	pidText, ipText, _ := strings.Cut(out, " ")
	pid, err := strconv.Atoi(pidText)
	if err != nil {
		return container{}, fmt.Errorf("pid of %s: %q", name, out)
	}
	ip, err := netip.ParseAddr(ipText)
	if err != nil {
		return container{}, fmt.Errorf("address of %s: %q", name, out)
	}
	return container{name: name, pid: pid, ip: ip}, nil
}

// remove deletes the containers and the network.
func (l *lab) remove() error {
	// Not the run's context: this also runs after an interrupt.
	ctx := context.Background()
	var errs []error
	for _, c := range []string{l.network + "-sender", l.network + "-receiver"} {
		if _, err := benchkit.Output(ctx, "", "docker", "rm", "-f", c); err != nil && !strings.Contains(strings.ToLower(err.Error()), "no such container") {
			errs = append(errs, err)
		}
	}
	if _, err := benchkit.Output(ctx, "", "docker", "network", "rm", l.network); err != nil && !strings.Contains(strings.ToLower(err.Error()), "no such network") {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// bridgeFrames is how many frames have entered the bridge from the
// sender: the receive counter of the sender's veth on the host side.
func (l *lab) bridgeFrames() (uint64, error) {
	b, err := os.ReadFile(filepath.Join("/sys/class/net", l.senderVeth, "statistics/rx_packets"))
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
}

// socketIn makes a UDP socket in the network namespace of process pid and
// calls setup on it there; the socket keeps working outside.
func socketIn(pid int, setup func(fd int) error) (int, error) {
	target, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return -1, err
	}
	defer target.Close()
	type result struct {
		fd  int
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		own, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
		if err != nil {
			runtime.UnlockOSThread()
			done <- result{-1, err}
			return
		}
		defer own.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			done <- result{-1, fmt.Errorf("enter the network namespace of process %d: %w", pid, err)}
			return
		}
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err == nil {
			if err = setup(fd); err != nil {
				unix.Close(fd)
				fd = -1
			}
		}
		// A thread that cannot go back stays locked: Go ends it.
		if unix.Setns(int(own.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		done <- result{fd, err}
	}()
	r := <-done
	return r.fd, r.err
}

// openSink binds a UDP socket on the receiver that is never read: the
// frames sent to it are dropped there quietly (no ICMP port unreachable
// comes back to add frames of its own).
func (l *lab) openSink() (int, error) {
	return socketIn(l.receiver.pid, func(fd int) error {
		return unix.Bind(fd, &unix.SockaddrInet4{Port: sinkPort})
	})
}

// openSender connects a UDP socket of the sender to the receiver's sink.
func (l *lab) openSender() (int, error) {
	return socketIn(l.sender.pid, func(fd int) error {
		return unix.Connect(fd, &unix.SockaddrInet4{Port: sinkPort, Addr: l.receiver.ip.As4()})
	})
}

// frameOverhead is what Ethernet, IPv4 and UDP headers add to the UDP
// payload.
const frameOverhead = 14 + 20 + 8

// sent is what one traffic run sent.
type sent struct {
	frames  uint64        // UDP datagrams the sender's socket took
	elapsed time.Duration // from the first to the last
	bridge  uint64        // frames that entered the bridge (the sender's veth counter)
}

func (s sent) rate() float64 { return float64(s.frames) / s.elapsed.Seconds() }

// batchMax is the most datagrams the sender hands the kernel in one
// sendmmsg call.
const batchMax = 64

// mmsghdr is struct mmsghdr of sendmmsg(2).
type mmsghdr struct {
	hdr unix.Msghdr
	len uint32
	_   [4]byte
}

// batch is batchMax messages of the same payload, for a connected socket.
type batch struct {
	msgs []mmsghdr
	iov  unix.Iovec
}

func newBatch(payload []byte) *batch {
	b := &batch{msgs: make([]mmsghdr, batchMax)}
	b.iov.Base = &payload[0]
	b.iov.SetLen(len(payload))
	for i := range b.msgs {
		b.msgs[i].hdr.Iov = &b.iov
		b.msgs[i].hdr.SetIovlen(1)
	}
	return b
}

// send sends n (at most batchMax) datagrams with one sendmmsg and returns
// how many the socket took.
func (b *batch) send(fd, n int) (int, error) {
	sent, _, errno := unix.Syscall6(unix.SYS_SENDMMSG, uintptr(fd), uintptr(unsafe.Pointer(&b.msgs[0])), uintptr(n), 0, 0, 0)
	switch {
	case errno == unix.ENOBUFS || errno == unix.EAGAIN:
		return 0, nil // none sent, none counted
	case errno != 0:
		return 0, fmt.Errorf("send: %w", errno)
	}
	return int(sent), nil
}

// blastAll sends at rate from all the senders at once, each its share,
// from its own thread.
func blastAll(fds []int, rate int, d time.Duration, frameSize int) (sent, error) {
	results := make([]sent, len(fds))
	errs := make([]error, len(fds))
	var wg sync.WaitGroup
	for i, fd := range fds {
		share := rate / len(fds)
		if i < rate%len(fds) {
			share++
		}
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			results[i], errs[i] = blast(fd, share, d, frameSize)
		})
	}
	wg.Wait()
	var total sent
	for _, r := range results {
		total.frames += r.frames
		total.elapsed = max(total.elapsed, r.elapsed)
	}
	return total, errors.Join(errs...)
}

// blast sends UDP datagrams from the sender's socket at rate per second
// for d, each frameSize bytes on the wire: on a schedule (the number due
// since the start), so a late wake-up is made up at once, in batches of
// at most batchMax datagrams.
func blast(fd, rate int, d time.Duration, frameSize int) (sent, error) {
	payload := make([]byte, frameSize-frameOverhead)
	copy(payload, "dsp capture benchmark")
	b := newBatch(payload)
	var n uint64
	start := time.Now()
	for {
		elapsed := time.Since(start)
		if elapsed >= d {
			return sent{frames: n, elapsed: elapsed}, nil
		}
		due := uint64(elapsed.Seconds() * float64(rate))
		if n >= due {
			time.Sleep(50 * time.Microsecond)
			continue
		}
		k, err := b.send(fd, int(min(due-n, batchMax)))
		if err != nil {
			return sent{}, err
		}
		n += uint64(k)
	}
}
