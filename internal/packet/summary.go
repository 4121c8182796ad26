// Package packet decodes Ethernet frames: one-line summaries of them,
// as Wireshark's packet list shows, and a capture filter language, a
// subset of tcpdump's, evaluated in Go.
//
// Both are written for every packet of a live capture: they decode the
// headers they need by hand, without allocating (Match) or with a few
// small allocations (Summarize), and never panic, whatever the bytes.
//
// The decoder reads Ethernet II and 802.3 frames, 802.1Q and 802.1ad
// VLAN tags (looked through: "tcp" matches TCP in a tagged frame), ARP,
// IPv4, IPv6 and its extension headers, ICMP, ICMPv6, IGMP, TCP and UDP,
// and above them DNS (also mDNS and LLMNR), DHCP, HTTP/1, TLS and SSH.
package packet

import (
	"net/netip"
	"strconv"
)

// Summary is one line about a frame, as Wireshark's packet list shows.
type Summary struct {
	// Src and Dst are the IP addresses of an IP packet, the MAC
	// addresses of any other frame (ARP included). Ports are in Info.
	Src, Dst string
	// Protocol is the highest layer recognised: "Ethernet", "LLC",
	// "ARP", "IPv4", "IPv6", "ICMP", "ICMPv6", "IGMP", "TCP", "UDP",
	// "DNS", "MDNS", "LLMNR", "DHCP", "HTTP", "TLS", "SSH", or the name
	// of another IP protocol (GRE, ESP, ...).
	Protocol string
	// Length is the frame's length on the wire.
	Length int
	// Info says what the frame is, as Wireshark's Info column: "Who has
	// 10.0.0.1? Tell 10.0.0.2", "Echo (ping) request id=1 seq=3",
	// "43512 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460", "Standard query
	// 0x1a2b A web.lab", "GET /index.html HTTP/1.1". TCP sequence numbers
	// are the ones on the wire (Wireshark shows them relative to the
	// connection's first). A frame that ends within a header says
	// "[truncated]", one whose header fields contradict themselves
	// "[malformed]".
	Info string
}

// Summarize describes frame, an Ethernet frame of origLen bytes on the
// wire (origLen is taken as len(frame) if smaller: a frame not cut by a
// snap length can pass 0).
func Summarize(frame []byte, origLen int) Summary {
	// The summarizer's fields escape to the heap (its methods append to
	// them): Info is written in one buffer made large enough.
	s := summarizer{info: make([]byte, 0, 128)}
	s.l.decode(frame)
	s.summarize()
	return s.finish(max(origLen, len(frame)))
}

// summarizer builds a Summary: info is its Info being written, the
// addresses are its Src and Dst.
type summarizer struct {
	l                layers
	protocol         string
	info             []byte
	srcMAC, dstMAC   []byte
	srcAddr, dstAddr netip.Addr // when valid, Src and Dst rather than the MACs
}

// finish makes the Summary, its three strings in a single allocation.
func (s *summarizer) finish(length int) Summary {
	var buf [512]byte
	b := s.endpoint(buf[:0], s.srcAddr, s.srcMAC)
	i := len(b)
	b = s.endpoint(b, s.dstAddr, s.dstMAC)
	j := len(b)
	b = append(b, s.info...)
	all := string(b)
	return Summary{Src: all[:i], Dst: all[i:j], Protocol: s.protocol, Length: length, Info: all[j:]}
}

func (s *summarizer) endpoint(b []byte, a netip.Addr, mac []byte) []byte {
	if a.IsValid() {
		return a.AppendTo(b)
	}
	return appendMAC(b, mac)
}

func (s *summarizer) summarize() {
	l := &s.l
	s.protocol = "Ethernet"
	if !l.ether {
		s.info = append(s.info, "[truncated]"...)
		return
	}
	s.srcMAC, s.dstMAC = l.frame[6:12], l.frame[0:6]
	switch {
	case l.bad == layerEthernet && l.problem != fine:
		s.text("802.1Q Virtual LAN ")
		s.text(l.problem.String())
	case l.net == netARP:
		s.arp()
	case l.net == netIPv4 || l.net == netIPv6:
		s.ip()
	case l.etherType < 0x0600:
		s.protocol = "LLC"
		s.text("802.3 frame of length ")
		s.int(int(l.etherType))
	default:
		s.text("Ethernet II, type ")
		s.hex(uint64(l.etherType), 4)
		if name := etherTypeName(l.etherType); name != "" {
			s.text(" (" + name + ")")
		}
	}
}

// etherTypeName names EtherTypes that Docker networks and labs see.
func etherTypeName(t uint16) string {
	switch t {
	case 0x88cc:
		return "LLDP"
	case 0x8035:
		return "RARP"
	case 0x8847:
		return "MPLS"
	case 0x888e:
		return "802.1X"
	case 0x88e5:
		return "MACsec"
	}
	return ""
}

func (s *summarizer) arp() {
	l := &s.l
	s.protocol = "ARP"
	b := l.netHdr
	if l.problem != fine {
		s.text(l.problem.String())
		return
	}
	op := be.Uint16(b[6:])
	if !l.src.IsValid() { // not Ethernet and IPv4
		s.text("ARP opcode ")
		s.int(int(op))
		s.text(" for hardware type ")
		s.int(int(be.Uint16(b)))
		s.text(", protocol ")
		s.hex(uint64(be.Uint16(b[2:])), 4)
		return
	}
	switch {
	case (op == 1 || op == 2) && l.src == l.dst:
		s.text("Gratuitous ARP for ")
		s.addr(l.src)
		if op == 1 {
			s.text(" (Request)")
		} else {
			s.text(" (Reply)")
		}
	case op == 1 && l.src.IsUnspecified():
		s.text("Who has ")
		s.addr(l.dst)
		s.text("? (ARP Probe)")
	case op == 1:
		s.text("Who has ")
		s.addr(l.dst)
		s.text("? Tell ")
		s.addr(l.src)
	case op == 2:
		s.addr(l.src)
		s.text(" is at ")
		s.mac(b[8:14])
	default:
		s.text("ARP opcode ")
		s.int(int(op))
	}
}

func (s *summarizer) ip() {
	l := &s.l
	s.protocol = "IPv4"
	if l.net == netIPv6 {
		s.protocol = "IPv6"
	}
	if !l.src.IsValid() { // the header is too short for addresses
		s.text(l.problem.String())
		return
	}
	s.srcAddr, s.dstAddr = l.src, l.dst
	if l.bad == layerNet && l.problem != fine {
		s.text(l.problem.String())
		return
	}
	if l.fragOffset != 0 {
		s.text("Fragmented IP protocol (proto=")
		s.text(ipProtoName(l.ipProto))
		s.text(" ")
		s.int(int(l.ipProto))
		s.text(", off=")
		s.int(l.fragOffset)
		s.text(", ID=")
		s.hex(uint64(l.fragID), 4)
		s.text(")")
		return
	}
	switch l.ipProto {
	case protoTCP:
		s.tcp()
	case protoUDP:
		s.udp()
	case protoICMP:
		s.icmp()
	case protoICMPv6:
		s.icmpv6()
	case protoIGMP:
		s.igmp()
	default:
		if name := ipProtoName(l.ipProto); name != "" {
			s.protocol = name
		}
		s.text("IP protocol ")
		s.int(int(l.ipProto))
		if name := ipProtoName(l.ipProto); name != "" {
			s.text(" (" + name + ")")
		}
	}
}

// ipProtoName names some IP protocols.
func ipProtoName(p uint8) string {
	switch p {
	case protoICMP:
		return "ICMP"
	case protoIGMP:
		return "IGMP"
	case 4:
		return "IPIP"
	case protoTCP:
		return "TCP"
	case protoUDP:
		return "UDP"
	case 41:
		return "IPv6"
	case 47:
		return "GRE"
	case 50:
		return "ESP"
	case 51:
		return "AH"
	case protoICMPv6:
		return "ICMPv6"
	case 89:
		return "OSPF"
	case 103:
		return "PIM"
	case 112:
		return "VRRP"
	case 132:
		return "SCTP"
	}
	return ""
}

// ports writes "43512 → 80".
func (s *summarizer) ports() {
	s.int(int(s.l.srcPort))
	s.text(" → ")
	s.int(int(s.l.dstPort))
}

// TCP flags as Wireshark names them, in its order.
var tcpFlags = [...]struct {
	bit  uint16
	name string
}{
	{0x001, "FIN"}, {0x002, "SYN"}, {0x004, "RST"}, {0x008, "PSH"},
	{0x010, "ACK"}, {0x020, "URG"}, {0x040, "ECE"}, {0x080, "CWR"}, {0x100, "AE"},
}

func (s *summarizer) tcp() {
	l := &s.l
	s.protocol = "TCP"
	if l.problem != fine {
		if l.ports {
			s.ports()
			s.text(" ")
		}
		s.text(l.problem.String())
		return
	}
	if s.application() {
		return
	}
	h := l.transport
	flags := be.Uint16(h[12:]) & 0x01ff
	s.ports()
	s.text(" [")
	first := true
	for _, f := range tcpFlags {
		if flags&f.bit != 0 {
			if !first {
				s.text(", ")
			}
			s.text(f.name)
			first = false
		}
	}
	if first {
		s.text("<None>")
	}
	s.text("] Seq=")
	s.uint(uint64(be.Uint32(h[4:])))
	if flags&0x010 != 0 {
		s.text(" Ack=")
		s.uint(uint64(be.Uint32(h[8:])))
	}
	s.text(" Win=")
	s.int(int(be.Uint16(h[14:])))
	s.text(" Len=")
	hlen := len(h) - len(l.payload)
	s.int(max(l.transportLen-hlen, len(l.payload)))
	if flags&0x002 != 0 {
		s.tcpOptions(h[20:hlen])
	}
}

// tcpOptions writes the options Wireshark shows for a SYN.
func (s *summarizer) tcpOptions(o []byte) {
	for len(o) > 0 {
		kind := o[0]
		if kind == 0 {
			return
		}
		if kind == 1 {
			o = o[1:]
			continue
		}
		if len(o) < 2 || int(o[1]) < 2 || int(o[1]) > len(o) {
			return
		}
		v := o[2:o[1]]
		switch {
		case kind == 2 && len(v) == 2:
			s.text(" MSS=")
			s.int(int(be.Uint16(v)))
		case kind == 3 && len(v) == 1:
			s.text(" WS=")
			s.int(1 << min(v[0], 14))
		case kind == 4:
			s.text(" SACK_PERM")
		case kind == 8 && len(v) == 8:
			s.text(" TSval=")
			s.uint(uint64(be.Uint32(v)))
			s.text(" TSecr=")
			s.uint(uint64(be.Uint32(v[4:])))
		}
		o = o[o[1]:]
	}
}

func (s *summarizer) udp() {
	l := &s.l
	s.protocol = "UDP"
	if l.problem != fine {
		if l.ports {
			s.ports()
			s.text(" ")
		}
		s.text(l.problem.String())
		return
	}
	if s.application() {
		return
	}
	s.ports()
	s.text(" Len=")
	n := int(be.Uint16(l.transport[4:])) - 8
	if n < 0 {
		n = len(l.payload)
	}
	s.int(n)
}

// ICMP message types and codes, as Wireshark names them.
var (
	icmpTypes = map[uint8]string{
		0: "Echo (ping) reply", 3: "Destination unreachable", 4: "Source quench",
		5: "Redirect", 8: "Echo (ping) request", 9: "Router advertisement",
		10: "Router solicitation", 11: "Time-to-live exceeded", 12: "Parameter problem",
		13: "Timestamp request", 14: "Timestamp reply",
	}
	icmpUnreachable = map[uint8]string{
		0: "Network unreachable", 1: "Host unreachable", 2: "Protocol unreachable",
		3: "Port unreachable", 4: "Fragmentation needed", 5: "Source route failed",
		9: "Network administratively prohibited", 10: "Host administratively prohibited",
		13: "Communication administratively filtered",
	}
	icmpv6Types = map[uint8]string{
		1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded",
		4: "Parameter Problem", 128: "Echo (ping) request", 129: "Echo (ping) reply",
		130: "Multicast Listener Query", 131: "Multicast Listener Report",
		132: "Multicast Listener Done", 133: "Router Solicitation",
		134: "Router Advertisement", 135: "Neighbor Solicitation",
		136: "Neighbor Advertisement", 137: "Redirect",
		143: "Multicast Listener Report Message v2",
	}
	icmpv6Unreachable = map[uint8]string{
		0: "no route to destination", 1: "administratively prohibited",
		2: "beyond scope of source address", 3: "address unreachable", 4: "port unreachable",
		5: "source address failed ingress/egress policy", 6: "reject route to destination",
	}
)

// icmpHeader starts the summary of an ICMP or ICMPv6 message: its
// protocol and its type's name; ok is false when that is all there is to
// say (a truncated message, a type without a name).
func (s *summarizer) icmpHeader(protocol string, names map[byte]string) (b []byte, typ, code byte, ok bool) {
	s.protocol = protocol
	b = s.l.transport
	if len(b) < 4 {
		s.text("[truncated]")
		return b, 0, 0, false
	}
	typ, code = b[0], b[1]
	name, known := names[typ]
	if !known {
		s.text("Type ")
		s.int(int(typ))
		s.text(", code ")
		s.int(int(code))
		return b, typ, code, false
	}
	s.text(name)
	return b, typ, code, true
}

func (s *summarizer) icmp() {
	b, typ, code, ok := s.icmpHeader("ICMP", icmpTypes)
	if !ok {
		return
	}
	switch typ {
	case 0, 8, 13, 14:
		s.echo(b)
	case 3:
		s.code(icmpUnreachable, code)
	case 11:
		if code == 1 {
			s.text(" (Fragment reassembly time exceeded)")
		}
	}
}

func (s *summarizer) icmpv6() {
	b, typ, code, ok := s.icmpHeader("ICMPv6", icmpv6Types)
	if !ok {
		return
	}
	switch typ {
	case 1:
		s.code(icmpv6Unreachable, code)
	case 128, 129:
		s.echo(b)
	case 135, 136:
		s.neighbor(typ, b)
	}
}

// echo writes the identifier and sequence number of an ICMP echo or
// timestamp message.
func (s *summarizer) echo(b []byte) {
	if len(b) < 8 {
		s.text(" [truncated]")
		return
	}
	s.text(" id=")
	s.int(int(be.Uint16(b[4:])))
	s.text(" seq=")
	s.int(int(be.Uint16(b[6:])))
}

func (s *summarizer) code(names map[uint8]string, code uint8) {
	s.text(" (")
	if name, ok := names[code]; ok {
		s.text(name)
	} else {
		s.text("code ")
		s.int(int(code))
	}
	s.text(")")
}

// neighbor writes the target of a neighbor solicitation ("for
// fe80::1 from 02:42:0a:00:01:02") or advertisement ("fe80::1 (sol,
// ovr) is at 02:42:0a:00:01:02").
func (s *summarizer) neighbor(typ uint8, b []byte) {
	if len(b) < 24 {
		s.text(" [truncated]")
		return
	}
	target := netip.AddrFrom16([16]byte(b[8:24]))
	if typ == 135 {
		s.text(" for ")
		s.addr(target)
	} else {
		s.text(" ")
		s.addr(target)
		if flags := b[4]; flags&0xe0 != 0 {
			sep := " ("
			for _, f := range []struct {
				bit  byte
				name string
			}{{0x80, "rtr"}, {0x40, "sol"}, {0x20, "ovr"}} {
				if flags&f.bit != 0 {
					s.text(sep + f.name)
					sep = ", "
				}
			}
			s.text(")")
		}
	}
	// The link-layer address option: source (1) in a solicitation,
	// target (2) in an advertisement.
	for o := b[24:]; len(o) >= 8 && o[1] != 0 && int(o[1])*8 <= len(o); o = o[int(o[1])*8:] {
		if (o[0] == 1 && typ == 135) || (o[0] == 2 && typ == 136) {
			if typ == 135 {
				s.text(" from ")
			} else {
				s.text(" is at ")
			}
			s.mac(o[2:8])
			return
		}
	}
}

func (s *summarizer) igmp() {
	s.protocol = "IGMP"
	b := s.l.transport
	if len(b) < 8 {
		s.text("[truncated]")
		return
	}
	group := netip.AddrFrom4([4]byte(b[4:8]))
	switch b[0] {
	case 0x11:
		s.text("Membership Query")
		if !group.IsUnspecified() {
			s.text(", specific for group ")
			s.addr(group)
		}
	case 0x12, 0x16:
		s.text("Membership Report group ")
		s.addr(group)
	case 0x17:
		s.text("Leave Group ")
		s.addr(group)
	case 0x22:
		s.text("Membership Report (v3)")
	default:
		s.text("Type ")
		s.hex(uint64(b[0]), 2)
	}
}

// text, int, uint, hex, addr and mac append to Info.

func (s *summarizer) text(t string) { s.info = append(s.info, t...) }

func (s *summarizer) int(n int) { s.info = strconv.AppendInt(s.info, int64(n), 10) }

func (s *summarizer) uint(n uint64) { s.info = strconv.AppendUint(s.info, n, 10) }

// hex appends n as 0x and hexadecimal digits, at least digits of them.
func (s *summarizer) hex(n uint64, digits int) {
	for n>>(4*digits) != 0 && digits < 16 {
		digits++
	}
	s.info = append(s.info, "0x"...)
	for i := digits - 1; i >= 0; i-- {
		s.info = append(s.info, hexDigits[(n>>(4*i))&0xf])
	}
}

func (s *summarizer) addr(a netip.Addr) { s.info = a.AppendTo(s.info) }

func (s *summarizer) mac(m []byte) { s.info = appendMAC(s.info, m) }

const hexDigits = "0123456789abcdef"

// appendMAC appends a MAC address as 02:42:0a:00:01:02.
func appendMAC(b, mac []byte) []byte {
	for i, c := range mac {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return b
}
