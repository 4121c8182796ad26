// Package pcapng writes and reads capture files in the pcapng format
// (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html), the
// format Wireshark and tshark open by default.
//
// A Writer writes one section, little-endian, with nanosecond timestamps:
// a Section Header Block, an Interface Description Block per interface,
// and Enhanced Packet Blocks and Interface Statistics Blocks. A Reader
// reads what a Writer writes and what other tools write: both byte
// orders, several sections, any if_tsresol (microseconds when absent),
// if_tsoffset, Enhanced, Simple and the obsolete Packet Blocks; other
// block types are skipped.
package pcapng

import "time"

// Block types.
const (
	blockSHB = 0x0A0D0D0A // Section Header Block
	blockIDB = 0x00000001 // Interface Description Block
	blockPB  = 0x00000002 // Packet Block (obsolete)
	blockSPB = 0x00000003 // Simple Packet Block
	blockISB = 0x00000005 // Interface Statistics Block
	blockEPB = 0x00000006 // Enhanced Packet Block

	byteOrderMagic = 0x1A2B3C4D
)

// Option codes.
const (
	optEndOfOpt = 0

	optSHBOS       = 3
	optSHBUserAppl = 4

	optIfName        = 2
	optIfDescription = 3
	optIfTsresol     = 9
	optIfTsoffset    = 14

	optISBIfRecv = 4
	optISBIfDrop = 5
)

// Defaults for an Interface whose fields are zero.
const (
	LinkTypeEthernet = 1
	DefaultSnapLen   = 262144
)

// Interface is one capture interface of a file: an Interface Description
// Block.
type Interface struct {
	Name        string // if_name, e.g. "br-1a2b3c4d5e6f" or "eth0"
	Description string // if_description: the lab's names, e.g. "root/web-lab network net1 (10.0.1.0/24)"
	LinkType    uint16 // 1 = Ethernet (default when 0 on writing)
	SnapLen     uint32 // 0 = 262144 on writing; as in the file on reading (0 there means no limit)
}

// Packet is one captured packet.
type Packet struct {
	Interface int       // index into Reader.Interfaces (or the id AddInterface returned)
	Time      time.Time // zero for a Simple Packet Block, which has no timestamp
	Data      []byte    // the bytes captured, at most the interface's snap length
	OrigLen   int       // the packet's length on the wire
}
