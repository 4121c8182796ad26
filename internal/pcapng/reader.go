package pcapng

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"time"
)

// maxBlockLen bounds the length of one block, so that a damaged file
// cannot make the Reader allocate without end. Wireshark's bound is the
// same.
const maxBlockLen = 16 << 20

// Reader reads the packets of a pcapng file.
//
// The interfaces of all sections are numbered in the order they appear:
// Packet.Interface indexes Interfaces whatever the section.
//
// When Next meets a block cut short by the end of the input (a file
// still being written), it returns an error that is
// io.ErrUnexpectedEOF and keeps what it read of the block: once more
// of the file can be read, Next goes on from there.
type Reader struct {
	r      io.Reader
	buf    []byte // buf[pos:] is read but not yet used
	pos    int
	offset int64 // in the input, of buf[pos]

	order  binary.ByteOrder // of the current section; nil before the first
	base   int              // index in ifaces of the current section's first interface
	ifaces []Interface
	clocks []clock // per interface, as ifaces
}

// clock turns an interface's timestamps into times.
type clock struct {
	unitsPerSec uint64
	offset      int64 // seconds, if_tsoffset
}

// NewReader reads the Section Header Block that starts a pcapng file
// from r. A file too short for it is an error that is
// io.ErrUnexpectedEOF: try again from its start once it has grown.
func NewReader(r io.Reader) (*Reader, error) {
	pr := &Reader{r: r}
	typ, body, err := pr.block()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("pcapng: empty file: %w", io.ErrUnexpectedEOF)
	}
	if err != nil {
		return nil, err
	}
	if typ != blockSHB { // cannot happen: block checks the first block
		return nil, fmt.Errorf("pcapng: first block of type %#x is not a section header", typ)
	}
	if err := pr.section(body); err != nil {
		return nil, fmt.Errorf("pcapng: section header: %w", err)
	}
	return pr, nil
}

// Interfaces returns the interfaces described so far.
func (r *Reader) Interfaces() []Interface {
	return slices.Clone(r.ifaces)
}

// Next returns the next packet, or io.EOF at the end of the input. The
// packet's Data is its own copy. Errors say the offset of the block.
func (r *Reader) Next() (Packet, error) {
	for {
		start := r.offset
		typ, body, err := r.block()
		if err != nil {
			return Packet{}, err
		}
		var p Packet
		isPacket := false
		switch typ {
		case blockSHB:
			err = r.section(body)
		case blockIDB:
			err = r.iface(body)
		case blockEPB:
			p, err = r.enhancedPacket(body)
			isPacket = true
		case blockSPB:
			p, err = r.simplePacket(body)
			isPacket = true
		case blockPB:
			p, err = r.obsoletePacket(body)
			isPacket = true
		}
		// Other blocks (statistics, name resolution, secrets, custom)
		// are skipped.
		if err != nil {
			return Packet{}, fmt.Errorf("pcapng: block of type %#x at offset %d: %w", typ, start, err)
		}
		if isPacket {
			return p, nil
		}
	}
}

// block reads the next block and returns its type and body (without
// type and lengths). The body is valid until the next call.
func (r *Reader) block() (uint32, []byte, error) {
	if err := r.fill(12); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		return 0, nil, fmt.Errorf("pcapng: block header at offset %d: %w", r.offset, err)
	}
	b := r.buf[r.pos:]
	order := r.order
	if t := binary.LittleEndian.Uint32(b); t == blockSHB {
		// A section header says its own byte order; its type reads the
		// same either way.
		switch {
		case binary.LittleEndian.Uint32(b[8:]) == byteOrderMagic:
			order = binary.LittleEndian
		case binary.BigEndian.Uint32(b[8:]) == byteOrderMagic:
			order = binary.BigEndian
		default:
			return 0, nil, fmt.Errorf("pcapng: section header at offset %d: bad byte-order magic %#x", r.offset, b[8:12])
		}
	} else if order == nil {
		if isPcap(b) {
			return 0, nil, errors.New("pcapng: not a pcapng file but a pcap file")
		}
		return 0, nil, fmt.Errorf("pcapng: not a pcapng file: it starts with %#x, not a section header", b[:4])
	}
	typ := order.Uint32(b)
	n := order.Uint32(b[4:])
	if n < 12 || n%4 != 0 || n > maxBlockLen {
		return 0, nil, fmt.Errorf("pcapng: block of type %#x at offset %d: bad length %d", typ, r.offset, n)
	}
	if err := r.fill(int(n)); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, fmt.Errorf("pcapng: block of type %#x at offset %d, %d bytes: %w", typ, r.offset, n, err)
	}
	b = r.buf[r.pos : r.pos+int(n)]
	if trailer := order.Uint32(b[n-4:]); trailer != n {
		return 0, nil, fmt.Errorf("pcapng: block of type %#x at offset %d: length %d, trailing length %d", typ, r.offset, n, trailer)
	}
	r.pos += int(n)
	r.offset += int64(n)
	if typ == blockSHB {
		r.order = order
	}
	return typ, b[8 : n-4], nil
}

// isPcap tells whether b starts like a classic pcap file.
func isPcap(b []byte) bool {
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		return true
	}
	return false
}

// fill makes at least n unread bytes available in r.buf[r.pos:]. At the
// end of the input it returns io.EOF when it read nothing and
// io.ErrUnexpectedEOF when it read too little; what it read is kept.
func (r *Reader) fill(n int) error {
	have := len(r.buf) - r.pos
	if have >= n {
		return nil
	}
	if r.pos > 0 {
		copy(r.buf, r.buf[r.pos:])
		r.buf = r.buf[:have]
		r.pos = 0
	}
	if cap(r.buf) < n {
		r.buf = append(make([]byte, 0, max(n, 64<<10)), r.buf...)
	}
	m, err := io.ReadAtLeast(r.r, r.buf[have:cap(r.buf)], n-have)
	r.buf = r.buf[:have+m]
	if errors.Is(err, io.EOF) && have > 0 {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// section starts a new section from the body of its header block.
func (r *Reader) section(body []byte) error {
	if len(body) < 16 {
		return fmt.Errorf("section header of %d bytes: %w", len(body), io.ErrUnexpectedEOF)
	}
	if major := r.order.Uint16(body[4:]); major != 1 {
		return fmt.Errorf("unsupported version %d.%d", major, r.order.Uint16(body[6:]))
	}
	r.base = len(r.ifaces)
	return nil
}

// iface adds an interface from the body of its description block.
func (r *Reader) iface(body []byte) error {
	if len(body) < 8 {
		return fmt.Errorf("interface description of %d bytes: %w", len(body), io.ErrUnexpectedEOF)
	}
	i := Interface{LinkType: r.order.Uint16(body), SnapLen: r.order.Uint32(body[4:])}
	c := clock{unitsPerSec: 1e6}
	var err error
	r.options(body[8:], func(code uint16, v []byte) {
		switch code {
		case optIfName:
			i.Name = string(v)
		case optIfDescription:
			i.Description = string(v)
		case optIfTsresol:
			if len(v) >= 1 {
				c.unitsPerSec, err = unitsPerSecond(v[0])
			}
		case optIfTsoffset:
			if len(v) >= 8 {
				c.offset = int64(r.order.Uint64(v))
			}
		}
	})
	if err != nil {
		return fmt.Errorf("interface %q: %w", i.Name, err)
	}
	r.ifaces = append(r.ifaces, i)
	r.clocks = append(r.clocks, c)
	return nil
}

// unitsPerSecond decodes if_tsresol: a power of 10, or of 2 when its top
// bit is set.
func unitsPerSecond(resol byte) (uint64, error) {
	exp := resol & 0x7f
	if resol&0x80 != 0 {
		if exp > 63 {
			return 0, fmt.Errorf("timestamp resolution 2^-%d is beyond 2^-63", exp)
		}
		return 1 << exp, nil
	}
	if exp > 19 {
		return 0, fmt.Errorf("timestamp resolution 10^-%d is beyond 10^-19", exp)
	}
	u := uint64(1)
	for range exp {
		u *= 10
	}
	return u, nil
}

// options calls f for each option of b, up to opt_endofopt. Options that
// run past the end of b are ignored, as Wireshark does with a damaged
// option list.
func (r *Reader) options(b []byte, f func(code uint16, value []byte)) {
	for len(b) >= 4 {
		code, n := r.order.Uint16(b), int(r.order.Uint16(b[2:]))
		if code == optEndOfOpt || 4+n > len(b) {
			return
		}
		f(code, b[4:4+n])
		b = b[min(len(b), 4+n+padding(n)):]
	}
}

// localInterface returns the index in r.ifaces of the current section's
// interface id.
func (r *Reader) localInterface(id uint32) (int, error) {
	if uint64(id) >= uint64(len(r.ifaces)-r.base) {
		return 0, fmt.Errorf("packet of interface %d, which the section has not described", id)
	}
	return r.base + int(id), nil
}

func (r *Reader) enhancedPacket(body []byte) (Packet, error) {
	if len(body) < 20 {
		return Packet{}, fmt.Errorf("enhanced packet of %d bytes: %w", len(body), io.ErrUnexpectedEOF)
	}
	i, err := r.localInterface(r.order.Uint32(body))
	if err != nil {
		return Packet{}, err
	}
	ts := uint64(r.order.Uint32(body[4:]))<<32 | uint64(r.order.Uint32(body[8:]))
	capLen, origLen := r.order.Uint32(body[12:]), r.order.Uint32(body[16:])
	if uint64(capLen) > uint64(len(body)-20) {
		return Packet{}, fmt.Errorf("captured length %d is beyond the block's %d bytes", capLen, len(body)-20)
	}
	return r.packet(i, r.clocks[i].time(ts), body[20:20+capLen], origLen), nil
}

func (r *Reader) simplePacket(body []byte) (Packet, error) {
	if len(body) < 4 {
		return Packet{}, fmt.Errorf("simple packet of %d bytes: %w", len(body), io.ErrUnexpectedEOF)
	}
	i, err := r.localInterface(0)
	if err != nil {
		return Packet{}, err
	}
	origLen := r.order.Uint32(body)
	data := body[4:]
	// The captured length is the smallest of the original length, the
	// snap length and the block's room: the block may be padded.
	if uint64(len(data)) > uint64(origLen) {
		data = data[:origLen]
	}
	if snap := r.ifaces[i].SnapLen; snap != 0 && uint64(len(data)) > uint64(snap) {
		data = data[:snap]
	}
	return r.packet(i, time.Time{}, data, origLen), nil
}

func (r *Reader) obsoletePacket(body []byte) (Packet, error) {
	if len(body) < 20 {
		return Packet{}, fmt.Errorf("packet of %d bytes: %w", len(body), io.ErrUnexpectedEOF)
	}
	i, err := r.localInterface(uint32(r.order.Uint16(body)))
	if err != nil {
		return Packet{}, err
	}
	ts := uint64(r.order.Uint32(body[4:]))<<32 | uint64(r.order.Uint32(body[8:]))
	capLen, origLen := r.order.Uint32(body[12:]), r.order.Uint32(body[16:])
	if uint64(capLen) > uint64(len(body)-20) {
		return Packet{}, fmt.Errorf("captured length %d is beyond the block's %d bytes", capLen, len(body)-20)
	}
	return r.packet(i, r.clocks[i].time(ts), body[20:20+capLen], origLen), nil
}

// packet makes a Packet of a copy of data.
func (r *Reader) packet(iface int, ts time.Time, data []byte, origLen uint32) Packet {
	return Packet{
		Interface: iface,
		Time:      ts,
		Data:      append(make([]byte, 0, len(data)), data...),
		OrigLen:   int(max(origLen, uint32(len(data)))),
	}
}

// time converts a timestamp in the clock's units.
func (c clock) time(ts uint64) time.Time {
	sec, frac := ts/c.unitsPerSec, ts%c.unitsPerSec
	// frac < unitsPerSec, so frac*1e9/unitsPerSec fits and Div64 cannot
	// overflow.
	hi, lo := bits.Mul64(frac, 1e9)
	nsec, _ := bits.Div64(hi, lo, c.unitsPerSec)
	s := int64(min(sec, math.MaxInt64))
	return time.Unix(s+c.offset, int64(nsec))
}
