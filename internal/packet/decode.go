package packet

import (
	"encoding/binary"
	"net/netip"
)

// EtherTypes.
const (
	etherTypeIPv4 = 0x0800
	etherTypeARP  = 0x0806
	etherTypeVLAN = 0x8100 // 802.1Q
	etherTypeQinQ = 0x88a8 // 802.1ad
	etherTypeIPv6 = 0x86dd
)

// IP protocol numbers.
const (
	protoICMP   = 1
	protoIGMP   = 2
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
)

// maxVLANs is how many VLAN tags of a frame are kept.
const maxVLANs = 4

// netLayer is the kind of network layer of a frame.
type netLayer uint8

const (
	netNone netLayer = iota
	netARP
	netIPv4
	netIPv6
)

// problem is what is wrong with a frame.
type problem uint8

const (
	fine      problem = iota
	truncated         // a header ends past the end of the frame
	malformed         // a header's fields contradict themselves
)

func (p problem) String() string {
	switch p {
	case truncated:
		return "[truncated]"
	case malformed:
		return "[malformed]"
	}
	return ""
}

// layer says which layer of a frame a problem is in.
type layer uint8

const (
	layerEthernet layer = iota
	layerNet
	layerTransport
)

// layers is what decode finds in a frame: the headers it could read, up
// to the transport layer. Its slices point into the frame.
type layers struct {
	frame     []byte
	ether     bool   // frame starts with an Ethernet header
	etherType uint16 // after the VLAN tags; below 0x0600 an 802.3 length
	vlans     [maxVLANs]uint16
	nvlans    int

	net     netLayer
	netHdr  []byte     // the ARP packet or the IP header and all that follows
	src     netip.Addr // IP source, or ARP sender protocol address
	dst     netip.Addr // IP destination, or ARP target protocol address
	ipProto uint8      // IPv4 protocol, IPv6 next header after the extension headers
	ttl     uint8      // IPv4 TTL, IPv6 hop limit

	// fragOffset is the offset in bytes of a fragment; only a first
	// fragment (offset 0) has a transport header.
	fragOffset int
	fragID     uint32

	transport    []byte // transport header and payload, without link padding
	transportLen int    // its length as the IP header says: more when the capture was cut
	ports        bool   // srcPort and dstPort were read (TCP, UDP)
	srcPort      uint16
	dstPort      uint16
	payload      []byte // after the TCP or UDP header

	problem problem
	bad     layer // where problem is
}

var be = binary.BigEndian

// decode reads frame into l.
func (l *layers) decode(frame []byte) {
	*l = layers{frame: frame}
	if len(frame) < 14 {
		l.fail(layerEthernet, truncated)
		return
	}
	l.ether = true
	typ := be.Uint16(frame[12:])
	off := 14
	for typ == etherTypeVLAN || typ == etherTypeQinQ {
		if len(frame) < off+4 {
			l.fail(layerEthernet, truncated)
			return
		}
		if l.nvlans < maxVLANs {
			l.vlans[l.nvlans] = be.Uint16(frame[off:]) & 0x0fff
			l.nvlans++
		}
		typ = be.Uint16(frame[off+2:])
		off += 4
	}
	l.etherType = typ
	switch typ {
	case etherTypeARP:
		l.decodeARP(frame[off:])
	case etherTypeIPv4:
		l.decodeIPv4(frame[off:])
	case etherTypeIPv6:
		l.decodeIPv6(frame[off:])
	}
}

func (l *layers) fail(at layer, p problem) {
	l.bad, l.problem = at, p
}

// decodeARP reads an ARP packet; it takes addresses only from Ethernet
// and IPv4 ARP.
func (l *layers) decodeARP(b []byte) {
	l.net, l.netHdr = netARP, b
	if len(b) < 8 {
		l.fail(layerNet, truncated)
		return
	}
	if !isEthernetIPv4ARP(b) {
		return
	}
	if len(b) < 28 {
		l.fail(layerNet, truncated)
		return
	}
	l.src = netip.AddrFrom4([4]byte(b[14:18]))
	l.dst = netip.AddrFrom4([4]byte(b[24:28]))
}

func isEthernetIPv4ARP(b []byte) bool {
	return be.Uint16(b) == 1 && be.Uint16(b[2:]) == etherTypeIPv4 && b[4] == 6 && b[5] == 4
}

func (l *layers) decodeIPv4(b []byte) {
	l.net, l.netHdr = netIPv4, b
	if len(b) < 20 {
		l.fail(layerNet, truncated)
		return
	}
	hlen := int(b[0]&0x0f) * 4
	if b[0]>>4 != 4 || hlen < 20 {
		l.fail(layerNet, malformed)
		return
	}
	l.src = netip.AddrFrom4([4]byte(b[12:16]))
	l.dst = netip.AddrFrom4([4]byte(b[16:20]))
	l.ipProto, l.ttl = b[9], b[8]
	l.fragOffset = int(be.Uint16(b[6:])&0x1fff) * 8
	l.fragID = uint32(be.Uint16(b[4:]))
	if len(b) < hlen {
		l.fail(layerNet, truncated)
		return
	}
	// The total length cuts off the link layer's padding. It is 0 in
	// packets the kernel segments later (TSO): take all there is.
	total := int(be.Uint16(b[2:]))
	switch {
	case total == 0:
		total = len(b)
	case total < hlen:
		l.fail(layerNet, malformed)
		return
	}
	if l.fragOffset == 0 {
		l.decodeTransport(b[hlen:min(total, len(b))], total-hlen)
	}
}

// IPv6 extension headers that decodeIPv6 skips.
const (
	ip6HopByHop    = 0
	ip6Routing     = 43
	ip6Fragment    = 44
	ip6AH          = 51
	ip6DestOptions = 60
)

func (l *layers) decodeIPv6(b []byte) {
	l.net, l.netHdr = netIPv6, b
	if len(b) < 40 {
		l.fail(layerNet, truncated)
		return
	}
	if b[0]>>4 != 6 {
		l.fail(layerNet, malformed)
		return
	}
	l.src = netip.AddrFrom16([16]byte(b[8:24]))
	l.dst = netip.AddrFrom16([16]byte(b[24:40]))
	l.ttl = b[7]
	total := 40 + int(be.Uint16(b[4:]))
	if total == 40 { // a jumbogram, or no payload
		total = len(b)
	}
	next, off := b[6], 40
	for range 8 { // more extension headers than that are not followed
		if next != ip6HopByHop && next != ip6Routing && next != ip6Fragment && next != ip6AH && next != ip6DestOptions {
			break
		}
		if len(b) < off+8 {
			l.ipProto = next
			l.fail(layerNet, truncated)
			return
		}
		n := (int(b[off+1]) + 1) * 8
		switch next {
		case ip6Fragment:
			n = 8
			l.fragOffset = int(be.Uint16(b[off+2:]) &^ 7)
			l.fragID = be.Uint32(b[off+4:])
		case ip6AH:
			n = (int(b[off+1]) + 2) * 4
		}
		next = b[off]
		off += n
	}
	l.ipProto = next
	if off > len(b) {
		l.fail(layerNet, truncated)
		return
	}
	if total < off {
		l.fail(layerNet, malformed)
		return
	}
	if l.fragOffset == 0 {
		l.decodeTransport(b[off:min(total, len(b))], total-off)
	}
}

// decodeTransport reads the TCP or UDP header of p, a transport header
// and payload of wireLen bytes on the wire.
func (l *layers) decodeTransport(p []byte, wireLen int) {
	l.transport, l.transportLen = p, wireLen
	var hlen int
	switch l.ipProto {
	case protoTCP:
		if len(p) >= 13 {
			hlen = int(p[12]>>4) * 4
			if hlen < 20 {
				l.fail(layerTransport, malformed)
			}
		}
		hlen = max(hlen, 20)
	case protoUDP:
		hlen = 8
		if len(p) >= 6 {
			if n := int(be.Uint16(p[4:])); n >= 8 && n < len(p) {
				p = p[:n] // trailing bytes are not UDP's
			}
		}
	default:
		return
	}
	if len(p) >= 4 {
		l.ports = true
		l.srcPort, l.dstPort = be.Uint16(p), be.Uint16(p[2:])
	}
	if l.problem != fine {
		return
	}
	if len(p) < hlen {
		l.fail(layerTransport, truncated)
		return
	}
	l.payload = p[hlen:]
}
