package pcapng

import (
	"encoding/binary"
	"fmt"
	"io"
)

// WholeBlocks returns how many bytes from the start of a pcapng file are
// whole blocks: a file that another process is still writing may end in
// the middle of one, and a download cut there opens cleanly. It walks the
// blocks' length fields only.
func WholeBlocks(r io.ReadSeeker) (int64, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, fmt.Errorf("pcapng: %w", err)
	}
	var order binary.ByteOrder = binary.LittleEndian
	var head [12]byte
	var pos int64
	for pos+12 <= size {
		if _, err := r.Seek(pos, io.SeekStart); err != nil {
			return 0, fmt.Errorf("pcapng: %w", err)
		}
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return 0, fmt.Errorf("pcapng: block at %d: %w", pos, err)
		}
		if binary.LittleEndian.Uint32(head[0:4]) == blockSHB {
			switch magic := head[8:12]; {
			case binary.LittleEndian.Uint32(magic) == byteOrderMagic:
				order = binary.LittleEndian
			case binary.BigEndian.Uint32(magic) == byteOrderMagic:
				order = binary.BigEndian
			default:
				return 0, fmt.Errorf("pcapng: block at %d: bad byte-order magic", pos)
			}
		}
		n := int64(order.Uint32(head[4:8]))
		if n < 12 || n%4 != 0 {
			return 0, fmt.Errorf("pcapng: block at %d: bad length %d", pos, n)
		}
		if pos+n > size {
			break
		}
		pos += n
	}
	return pos, nil
}
