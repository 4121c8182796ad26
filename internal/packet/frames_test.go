package packet

import (
	"encoding/binary"
	"net/netip"
	"strings"
)

// Frames built by hand, field by field, as a Docker bridge carries them.

var (
	macA      = []byte{0x02, 0x42, 0x0a, 0x00, 0x01, 0x02}
	macB      = []byte{0x02, 0x42, 0x0a, 0x00, 0x01, 0x03}
	broadcast = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	ipA       = netip.MustParseAddr("10.0.1.2")
	ipB       = netip.MustParseAddr("10.0.1.3")
	ipGW      = netip.MustParseAddr("10.0.1.1")
	ip6A      = netip.MustParseAddr("fd00:1::2")
	ip6B      = netip.MustParseAddr("fd00:1::3")
	ip6LL     = netip.MustParseAddr("fe80::42:aff:fe00:102")

	netipZero      = netip.MustParseAddr("0.0.0.0")
	netipBroadcast = netip.MustParseAddr("255.255.255.255")
	netipMulticast = netip.MustParseAddr("224.0.0.251")
	netipMLD       = netip.MustParseAddr("ff02::16")
)

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func u16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// ether is an Ethernet II frame, padded to the minimum of 60 bytes as
// on the wire.
func ether(dst, src []byte, typ uint16, payload []byte) []byte {
	f := cat(dst, src, u16(typ), payload)
	for len(f) < 60 {
		f = append(f, 0)
	}
	return f
}

// tagged is an Ethernet frame with 802.1Q tags of ids, outermost first.
func tagged(dst, src []byte, ids []uint16, typ uint16, payload []byte) []byte {
	f := cat(dst, src)
	for _, id := range ids {
		f = cat(f, u16(etherTypeVLAN), u16(id))
	}
	return cat(f, u16(typ), payload)
}

func ipv4(src, dst netip.Addr, proto uint8, payload []byte) []byte {
	h := []byte{0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, proto, 0, 0}
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
	return cat(h, src.AsSlice(), dst.AsSlice(), payload)
}

func ipv6(src, dst netip.Addr, next uint8, payload []byte) []byte {
	h := cat([]byte{0x60, 0, 0, 0}, u16(uint16(len(payload))), []byte{next, 64})
	return cat(h, src.AsSlice(), dst.AsSlice(), payload)
}

// TCP flags.
const (
	fin = 0x01
	syn = 0x02
	rst = 0x04
	psh = 0x08
	ack = 0x10
)

func tcp(sport, dport uint16, seq, acked uint32, flags uint8, opts, payload []byte) []byte {
	for len(opts)%4 != 0 {
		opts = append(opts, 1)
	}
	off := byte((20 + len(opts)) / 4 << 4)
	h := cat(u16(sport), u16(dport), u32(seq), u32(acked), []byte{off, flags}, u16(64240), u16(0), u16(0))
	return cat(h, opts, payload)
}

// synOptions are the options of a Linux SYN: MSS 1460, SACK permitted,
// timestamps, window scale 7.
var synOptions = cat([]byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10}, u32(1), u32(0), []byte{1, 3, 3, 7})

func udp(sport, dport uint16, payload []byte) []byte {
	return cat(u16(sport), u16(dport), u16(uint16(8+len(payload))), u16(0), payload)
}

func icmpEcho(typ uint8, id, seq uint16) []byte {
	return cat([]byte{typ, 0, 0, 0}, u16(id), u16(seq), []byte("abcdefgh"))
}

func arp(op uint16, sha []byte, spa netip.Addr, tha []byte, tpa netip.Addr) []byte {
	return cat(u16(1), u16(etherTypeIPv4), []byte{6, 4}, u16(op), sha, spa.AsSlice(), tha, tpa.AsSlice())
}

// dnsName is name in DNS wire form.
func dnsName(name string) []byte {
	var b []byte
	for _, label := range strings.Split(name, ".") {
		b = append(b, byte(len(label)))
		b = append(b, label...)
	}
	return append(b, 0)
}

func dnsQuery(id uint16, name string, qtype uint16) []byte {
	return cat(u16(id), u16(0x0100), u16(1), u16(0), u16(0), u16(0), dnsName(name), u16(qtype), u16(1))
}

// dnsAnswer is a response to a query of name: a CNAME to "web" in the
// same domain, then its A record, both by compression pointers.
func dnsAnswer(id uint16, name string, a netip.Addr) []byte {
	q := cat(dnsName(name), u16(1), u16(1))
	// The question's name is at offset 12; "web" + pointer to its domain.
	domain := 12 + 1 + strings.Index(name, ".")
	cname := cat([]byte{3, 'w', 'e', 'b', 0xc0, byte(domain)})
	rr1 := cat([]byte{0xc0, 12}, u16(5), u16(1), u32(60), u16(uint16(len(cname))), cname)
	cnameAt := 12 + len(q) + 12
	rr2 := cat([]byte{0xc0, byte(cnameAt)}, u16(1), u16(1), u32(60), u16(4), a.AsSlice())
	return cat(u16(id), u16(0x8180), u16(1), u16(2), u16(0), u16(0), q, rr1, rr2)
}

func dnsNXDomain(id uint16, name string) []byte {
	return cat(u16(id), u16(0x8183), u16(1), u16(0), u16(0), u16(0), dnsName(name), u16(28), u16(1))
}

// clientHello is a TLS record with a Client Hello naming server.
func clientHello(server string) []byte {
	sni := cat(u16(uint16(len(server)+3)), []byte{0}, u16(uint16(len(server))), []byte(server))
	exts := cat(u16(0x000b), u16(2), []byte{1, 0}, u16(0), u16(uint16(len(sni))), sni)
	body := cat(u16(0x0303), make([]byte, 32), []byte{0}, u16(4), u16(0x1301), u16(0x1302), []byte{1, 0},
		u16(uint16(len(exts))), exts)
	hs := cat([]byte{1, 0}, u16(uint16(len(body))), body)
	return cat([]byte{22, 3, 1}, u16(uint16(len(hs))), hs)
}

// dhcpDiscover is a DHCP Discover of transaction xid from mac.
func dhcpDiscover(xid uint32, mac []byte) []byte {
	b := make([]byte, 236)
	b[0], b[1], b[2] = 1, 1, 6
	binary.BigEndian.PutUint32(b[4:], xid)
	copy(b[28:], mac)
	return cat(b, u32(0x63825363), []byte{53, 1, 1, 255})
}

// The frames of the tests, by name.
var (
	arpRequest = ether(broadcast, macA, etherTypeARP, arp(1, macA, ipA, make([]byte, 6), ipGW))
	arpReply   = ether(macA, macB, etherTypeARP, arp(2, macB, ipGW, macA, ipA))
	icmpReq    = ether(macB, macA, etherTypeIPv4, ipv4(ipA, ipB, protoICMP, icmpEcho(8, 1, 3)))
	tcpSYN     = ether(macB, macA, etherTypeIPv4, ipv4(ipA, ipB, protoTCP, tcp(43512, 80, 0, 0, syn, synOptions, nil)))
	tcpACK     = ether(macA, macB, etherTypeIPv4, ipv4(ipB, ipA, protoTCP, tcp(80, 43512, 1, 2, ack, nil, nil)))
	dnsQ       = ether(macB, macA, etherTypeIPv4, ipv4(ipA, ipGW, protoUDP, udp(40000, 53, dnsQuery(0x1a2b, "web.lab", 1))))
	httpGET    = ether(macB, macA, etherTypeIPv4, ipv4(ipA, ipB, protoTCP,
		tcp(43512, 8000, 1, 1, psh|ack, nil, []byte("GET /index.html HTTP/1.1\r\nHost: web.lab\r\n\r\n"))))
	icmp6Req = ether(macB, macA, etherTypeIPv6, ipv6(ip6A, ip6B, protoICMPv6, icmpEcho(128, 7, 1)))
	tcp6     = ether(macB, macA, etherTypeIPv6, ipv6(ip6A, ip6B, protoTCP, tcp(50000, 443, 9, 0, syn, nil, nil)))
	vlanICMP = tagged(macB, macA, []uint16{10}, etherTypeIPv4, ipv4(ipA, ipB, protoICMP, icmpEcho(0, 1, 3)))
)
