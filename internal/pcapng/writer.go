package pcapng

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"time"
)

// Writer writes a pcapng file: one little-endian section with
// nanosecond timestamps. Its methods are safe for concurrent use; the
// blocks of concurrent calls are written whole, one after the other.
//
// A Writer buffers: call Flush to make what was written so far readable
// by another reader of the file, and before closing it.
type Writer struct {
	mu       sync.Mutex
	bw       *bufio.Writer
	flusher  interface{ Flush() error } // the underlying writer, when it buffers too
	snapLens []uint32                   // per interface id
	scratch  []byte                     // a block being built (header and options)
}

var le = binary.LittleEndian

// NewWriter writes the Section Header Block of a new file to w, naming
// application (shb_userappl) and the operating system (shb_os).
func NewWriter(w io.Writer, application string) (*Writer, error) {
	pw := &Writer{bw: bufio.NewWriterSize(w, 64<<10)}
	if f, ok := w.(interface{ Flush() error }); ok {
		pw.flusher = f
	}
	b := pw.scratch[:0]
	b = le.AppendUint32(b, blockSHB)
	b = le.AppendUint32(b, 0) // total length, set by finishBlock
	b = le.AppendUint32(b, byteOrderMagic)
	b = le.AppendUint16(b, 1)              // major version
	b = le.AppendUint16(b, 0)              // minor version
	b = le.AppendUint64(b, math.MaxUint64) // section length: not given (-1)
	b = appendOption(b, optSHBOS, runtime.GOOS+"/"+runtime.GOARCH)
	b = appendOption(b, optSHBUserAppl, application)
	b = appendEndOfOpt(b)
	b = finishBlock(b)
	pw.scratch = b
	if _, err := pw.bw.Write(b); err != nil {
		return nil, fmt.Errorf("pcapng: write section header: %w", err)
	}
	return pw, nil
}

// AddInterface writes an Interface Description Block for i, with
// nanosecond timestamps (if_tsresol 9), and returns its id: 0 for the
// first interface, then 1, 2 and so on. A zero LinkType is Ethernet and
// a zero SnapLen is 262144.
func (w *Writer) AddInterface(i Interface) (int, error) {
	if i.LinkType == 0 {
		i.LinkType = LinkTypeEthernet
	}
	if i.SnapLen == 0 {
		i.SnapLen = DefaultSnapLen
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	b := w.scratch[:0]
	b = le.AppendUint32(b, blockIDB)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint16(b, i.LinkType)
	b = le.AppendUint16(b, 0) // reserved
	b = le.AppendUint32(b, i.SnapLen)
	if i.Name != "" {
		b = appendOption(b, optIfName, i.Name)
	}
	if i.Description != "" {
		b = appendOption(b, optIfDescription, i.Description)
	}
	b = appendOption(b, optIfTsresol, []byte{9})
	b = appendEndOfOpt(b)
	b = finishBlock(b)
	w.scratch = b
	if _, err := w.bw.Write(b); err != nil {
		return 0, fmt.Errorf("pcapng: write interface %q: %w", i.Name, err)
	}
	w.snapLens = append(w.snapLens, i.SnapLen)
	return len(w.snapLens) - 1, nil
}

// WritePacket writes an Enhanced Packet Block: data captured at ts on
// interface iface, from a packet of origLen bytes on the wire. Data
// longer than the interface's snap length is cut to it, and an origLen
// smaller than data is taken as len(data).
func (w *Writer) WritePacket(iface int, ts time.Time, data []byte, origLen int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.checkInterface(iface); err != nil {
		return fmt.Errorf("pcapng: write packet: %w", err)
	}
	tsv, err := timestamp(ts)
	if err != nil {
		return fmt.Errorf("pcapng: write packet: %w", err)
	}
	origLen = max(origLen, len(data))
	if snap := w.snapLens[iface]; uint64(len(data)) > uint64(snap) {
		data = data[:snap]
	}
	pad := padding(len(data))
	total := 28 + len(data) + pad + 4
	if total > math.MaxUint32 || origLen > math.MaxUint32 {
		return fmt.Errorf("pcapng: write packet: %d bytes is too long", origLen)
	}
	// The header and then the padding and trailing length are built in
	// w.scratch, so that writing a packet does not allocate.
	hdr := w.scratch[:0]
	hdr = le.AppendUint32(hdr, blockEPB)
	hdr = le.AppendUint32(hdr, uint32(total))
	hdr = le.AppendUint32(hdr, uint32(iface))
	hdr = le.AppendUint32(hdr, uint32(tsv>>32))
	hdr = le.AppendUint32(hdr, uint32(tsv))
	hdr = le.AppendUint32(hdr, uint32(len(data)))
	hdr = le.AppendUint32(hdr, uint32(origLen))
	w.scratch = hdr
	if err := w.write(hdr, data); err != nil {
		return fmt.Errorf("pcapng: write packet: %w", err)
	}
	tail := append(w.scratch[:0], make([]byte, pad)...)
	tail = le.AppendUint32(tail, uint32(total))
	if err := w.write(tail); err != nil {
		return fmt.Errorf("pcapng: write packet: %w", err)
	}
	return nil
}

// WriteStats writes an Interface Statistics Block for interface iface
// at ts: received packets seen by the interface (isb_ifrecv) and dropped
// ones (isb_ifdrop).
func (w *Writer) WriteStats(iface int, ts time.Time, received, dropped uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.checkInterface(iface); err != nil {
		return fmt.Errorf("pcapng: write statistics: %w", err)
	}
	tsv, err := timestamp(ts)
	if err != nil {
		return fmt.Errorf("pcapng: write statistics: %w", err)
	}
	b := w.scratch[:0]
	b = le.AppendUint32(b, blockISB)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, uint32(iface))
	b = le.AppendUint32(b, uint32(tsv>>32))
	b = le.AppendUint32(b, uint32(tsv))
	b = appendOption(b, optISBIfRecv, le.AppendUint64(nil, received))
	b = appendOption(b, optISBIfDrop, le.AppendUint64(nil, dropped))
	b = appendEndOfOpt(b)
	b = finishBlock(b)
	w.scratch = b
	if err := w.write(b); err != nil {
		return fmt.Errorf("pcapng: write statistics: %w", err)
	}
	return nil
}

// Flush writes out what the Writer buffers, and flushes the underlying
// writer too when it has a Flush method.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("pcapng: flush: %w", err)
	}
	if w.flusher != nil {
		if err := w.flusher.Flush(); err != nil {
			return fmt.Errorf("pcapng: flush: %w", err)
		}
	}
	return nil
}

func (w *Writer) checkInterface(iface int) error {
	if iface < 0 || iface >= len(w.snapLens) {
		return fmt.Errorf("no interface %d (%d added)", iface, len(w.snapLens))
	}
	return nil
}

func (w *Writer) write(parts ...[]byte) error {
	for _, p := range parts {
		if _, err := w.bw.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// timestamp is ts in nanoseconds since 1970, as if_tsresol 9 has it.
func timestamp(ts time.Time) (uint64, error) {
	if ts.Before(time.Unix(0, 0)) {
		return 0, errors.New("timestamp " + ts.String() + " is before 1970")
	}
	return uint64(ts.UnixNano()), nil
}

// padding is how many bytes pad n bytes to a multiple of 4.
func padding(n int) int {
	return (4 - n%4) % 4
}

// appendOption appends an option with its value padded to 32 bits; a
// value longer than an option can hold is cut.
func appendOption[V string | []byte](b []byte, code uint16, value V) []byte {
	if len(value) > math.MaxUint16 {
		value = value[:math.MaxUint16]
	}
	b = le.AppendUint16(b, code)
	b = le.AppendUint16(b, uint16(len(value)))
	b = append(b, value...)
	for range padding(len(value)) {
		b = append(b, 0)
	}
	return b
}

func appendEndOfOpt(b []byte) []byte {
	return le.AppendUint32(b, optEndOfOpt)
}

// finishBlock appends the trailing total length to a block whose type,
// placeholder length and body b holds, and sets its leading length.
func finishBlock(b []byte) []byte {
	total := uint32(len(b) + 4)
	le.PutUint32(b[4:], total)
	return le.AppendUint32(b, total)
}
