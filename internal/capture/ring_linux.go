//go:build linux

package capture

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The receive ring of each source (TPACKET_V3): the kernel fills blocks
// of packets and hands each to dsp when it is full or after
// blockTimeout, whichever comes first.
const (
	blockSize    = 1 << 20 // bytes; holds a packet of the largest snap length with its header
	blockCount   = 16      // 16 MiB of ring per source
	frameSize    = 2048    // only sizes tp_frame_nr in TPACKET_V3, where packets are packed
	blockTimeout = 50 * time.Millisecond
)

// ring is one source's AF_PACKET socket with its TPACKET_V3 receive ring
// mapped.
type ring struct {
	src     Source
	fd      int
	ifindex int
	mem     []byte // the mapped ring: blockCount blocks of blockSize bytes
	next    int    // the block dsp reads next
	lastSeq uint64 // sequence number of the last block read (the kernel numbers them from 1)

	// Kernel statistics summed over the capture (reading them resets the
	// kernel's counters).
	received, dropped uint64

	goneSince time.Time // when the interface was found unregistered
	goneSeq   uint64    // the block the kernel was filling then
	finished  bool      // the interface went away and the ring is drained
}

// htons converts a 16-bit value to network byte order.
func htons(v uint16) uint16 { return v<<8 | v>>8 }

// openRing opens the capture socket of src inside its network namespace
// and maps its ring. Errors name the source.
func openRing(src Source) (*ring, error) {
	r := &ring{src: src, fd: -1}
	err := inNamespace(src.PID, r.open)
	if err != nil {
		r.close()
		return nil, fmt.Errorf("capture %s: %w", src, err)
	}
	return r, nil
}

// open makes the socket; it runs inside the source's namespace.
func (r *ring) open() error {
	ifi, err := net.InterfaceByName(r.src.Interface)
	if err != nil {
		return err
	}
	r.ifindex = ifi.Index
	// Protocol 0: the socket gets no packet until bind names the
	// interface, so none of another interface gets into the ring.
	r.fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open packet socket: %w", err)
	}
	if err := unix.SetsockoptInt(r.fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return fmt.Errorf("set TPACKET_V3: %w", err)
	}
	req := unix.TpacketReq3{
		Block_size:     blockSize,
		Block_nr:       blockCount,
		Frame_size:     frameSize,
		Frame_nr:       blockSize / frameSize * blockCount,
		Retire_blk_tov: uint32(blockTimeout / time.Millisecond),
	}
	if err := unix.SetsockoptTpacketReq3(r.fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return fmt.Errorf("set up the receive ring: %w", err)
	}
	r.mem, err = unix.Mmap(r.fd, 0, blockSize*blockCount, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("map the receive ring: %w", err)
	}
	if r.isBridge() {
		// A bridge passes frames it forwards between two of its ports up
		// to its own device (where the socket listens) only when it is
		// promiscuous. The membership ends with the socket.
		mreq := unix.PacketMreq{Ifindex: int32(r.ifindex), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(r.fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
			return fmt.Errorf("make the bridge promiscuous: %w", err)
		}
	}
	sa := unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: r.ifindex}
	if err := unix.Bind(r.fd, &sa); err != nil {
		return fmt.Errorf("bind to the interface: %w", err)
	}
	return nil
}

// isBridge reports whether the interface is a Linux bridge. Other
// interfaces (a service's veth) are left out of promiscuous mode: they
// show the socket every frame they carry anyway, and a lab may look at the
// flag.
func (r *ring) isBridge() bool {
	info, err := unix.IoctlGetEthtoolDrvinfo(r.fd, r.src.Interface)
	return err == nil && unix.ByteSliceToString(info.Driver[:]) == "bridge"
}

// close unmaps the ring and closes the socket.
func (r *ring) close() {
	if r.mem != nil {
		_ = unix.Munmap(r.mem)
		r.mem = nil
	}
	if r.fd >= 0 {
		_ = unix.Close(r.fd)
		r.fd = -1
	}
}

// block returns the descriptor of block i.
func (r *ring) block(i int) *unix.TpacketHdrV1 {
	desc := (*unix.TpacketBlockDesc)(unsafe.Pointer(&r.mem[i*blockSize]))
	return (*unix.TpacketHdrV1)(unsafe.Pointer(&desc.Hdr[0]))
}

// frame is one packet as the ring holds it: data points into the ring
// and is valid only until the block is handed back.
type frame struct {
	time    time.Time
	data    []byte
	origLen int
	vlan    uint32 // TCI and TPID of a tag the kernel took off the frame
	hasVLAN bool
}

// readBlock calls fn on every packet of the next block if the kernel has
// handed it to dsp, then hands the block back; fn returns false to skip
// the rest of the block. It reports whether there was a block.
func (r *ring) readBlock(fn func(frame) bool) bool {
	hdr := r.block(r.next)
	if atomic.LoadUint32(&hdr.Block_status)&unix.TP_STATUS_USER == 0 {
		return false
	}
	base := r.next * blockSize
	off := base + int(hdr.Offset_to_first_pkt)
	for range hdr.Num_pkts {
		ph := (*unix.Tpacket3Hdr)(unsafe.Pointer(&r.mem[off]))
		start := off + int(ph.Mac)
		f := frame{
			time:    time.Unix(int64(ph.Sec), int64(ph.Nsec)),
			data:    r.mem[start : start+int(ph.Snaplen) : start+int(ph.Snaplen)],
			origLen: int(ph.Len),
		}
		if ph.Status&unix.TP_STATUS_VLAN_VALID != 0 {
			tpid := uint16(unix.ETH_P_8021Q)
			if ph.Status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
				tpid = ph.Hv1.Vlan_tpid
			}
			f.hasVLAN, f.vlan = true, uint32(tpid)<<16|ph.Hv1.Vlan_tci&0xffff
		}
		if !fn(f) {
			break
		}
		off += int(ph.Next_offset)
	}
	r.lastSeq = hdr.Seq_num
	atomic.StoreUint32(&hdr.Block_status, unix.TP_STATUS_KERNEL)
	r.next = (r.next + 1) % blockCount
	return true
}

// caughtUp reports whether dsp has read block seq (numbered as the kernel
// does), or has nothing left to read up to it: the block the kernel fills
// now is empty, or is a later one.
func (r *ring) caughtUp(seq uint64) bool {
	if r.lastSeq >= seq {
		return true
	}
	hdr := r.block(r.next)
	if atomic.LoadUint32(&hdr.Block_status)&unix.TP_STATUS_USER != 0 {
		return false
	}
	// A block dsp handed back keeps its old header until the kernel opens
	// it again with the next sequence number.
	return atomic.LoadUint64(&hdr.Seq_num) != r.lastSeq+1 || atomic.LoadUint32(&hdr.Num_pkts) == 0
}

// withVLAN returns the frame with its VLAN tag put back after the MAC
// addresses, in buf, as it was on the wire.
func withVLAN(buf, data []byte, tag uint32) []byte {
	if len(data) < 12 {
		return data
	}
	buf = append(buf[:0], data[:12]...)
	buf = binary.BigEndian.AppendUint32(buf, tag)
	return append(buf, data[12:]...)
}

// updateStats adds the kernel's counts since the last call.
func (r *ring) updateStats() error {
	st, err := unix.GetsockoptTpacketStatsV3(r.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return fmt.Errorf("read the statistics of %s: %w", r.src, err)
	}
	// tp_packets counts the dropped packets too.
	r.received += uint64(st.Packets)
	r.dropped += uint64(st.Drops)
	return nil
}

// takeError clears the socket's pending error. ENETDOWN (the interface
// went down, or is going away) is not one: the kernel resumes the capture
// if it comes up again.
func (r *ring) takeError() error {
	errno, err := unix.GetsockoptInt(r.fd, unix.SOL_SOCKET, unix.SO_ERROR)
	switch {
	case err != nil:
		return fmt.Errorf("read the socket error of %s: %w", r.src, err)
	case errno == 0 || unix.Errno(errno) == unix.ENETDOWN:
		return nil
	default:
		return fmt.Errorf("capture %s: %w", r.src, unix.Errno(errno))
	}
}

// unregistered reports whether the interface is gone: the kernel then
// unbinds the socket, which shows as interface index -1.
func (r *ring) unregistered() (bool, error) {
	sa, err := unix.Getsockname(r.fd)
	if err != nil {
		return false, fmt.Errorf("check the interface of %s: %w", r.src, err)
	}
	ll, ok := sa.(*unix.SockaddrLinklayer)
	if !ok {
		return false, fmt.Errorf("check the interface of %s: unexpected address %T", r.src, sa)
	}
	return ll.Ifindex != r.ifindex, nil
}

// inNamespace runs fn in the network namespace of process pid (0: the
// current one). Sockets fn makes belong to that namespace and keep working
// after the thread leaves it. As in internal/netns: the thread is locked
// while it is elsewhere, and one that cannot go back stays locked so that
// Go ends it with its goroutine.
func inNamespace(pid int, fn func() error) error {
	if pid == 0 {
		return fn()
	}
	target, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return fmt.Errorf("open the network namespace: %w", err)
	}
	defer target.Close()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		own, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("open own network namespace: %w", err)
			return
		}
		defer own.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("enter the network namespace: %w", err)
			return
		}
		ferr := fn()
		if err := unix.Setns(int(own.Fd()), unix.CLONE_NEWNET); err == nil {
			runtime.UnlockOSThread()
		}
		errc <- ferr
	}()
	return <-errc
}
