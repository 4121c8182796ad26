package packet

import (
	"net/netip"
	"testing"
)

func TestSummarize(t *testing.T) {
	const (
		a, b, gw = "10.0.1.2", "10.0.1.3", "10.0.1.1"
		mA, mB   = "02:42:0a:00:01:02", "02:42:0a:00:01:03"
		bcast    = "ff:ff:ff:ff:ff:ff"
	)
	v4 := func(src, dst netip.Addr, proto uint8, payload []byte) []byte {
		return ether(macB, macA, etherTypeIPv4, ipv4(src, dst, proto, payload))
	}
	fragment := ipv4(ipA, ipB, protoUDP, make([]byte, 40))
	fragment[6], fragment[7] = 0, 185 // offset 1480
	badVersion := ipv4(ipA, ipB, protoTCP, tcp(1, 2, 0, 0, syn, nil, nil))
	badVersion[0] = 0x55
	tcpLong := tcp(1, 2, 0, 0, ack, nil, nil)
	tcpLong[12] = 0xf0 // a header of 60 bytes
	tcpShort := tcp(1, 2, 0, 0, ack, nil, nil)
	tcpShort[12] = 0x30 // a header of 12 bytes
	hopByHop := cat([]byte{protoICMPv6, 0, 5, 2, 0, 0, 1, 0}, []byte{143, 0, 0, 0, 0, 0, 0, 1}, make([]byte, 20))
	ns := cat([]byte{135, 0, 0, 0, 0, 0, 0, 0}, ip6B.AsSlice(), []byte{1, 1}, macA)
	na := cat([]byte{136, 0, 0, 0, 0x60, 0, 0, 0}, ip6B.AsSlice(), []byte{2, 1}, macB)

	tests := []struct {
		name    string
		frame   []byte
		origLen int
		want    Summary
	}{
		{"ARP request", arpRequest, 0, Summary{mA, bcast, "ARP", 60, "Who has 10.0.1.1? Tell 10.0.1.2"}},
		{"ARP reply", arpReply, 0, Summary{mB, mA, "ARP", 60, "10.0.1.1 is at 02:42:0a:00:01:03"}},
		{"gratuitous ARP", ether(broadcast, macA, etherTypeARP, arp(1, macA, ipA, broadcast, ipA)), 0,
			Summary{mA, bcast, "ARP", 60, "Gratuitous ARP for 10.0.1.2 (Request)"}},
		{"ARP probe", ether(broadcast, macA, etherTypeARP, arp(1, macA, netipZero, make([]byte, 6), ipA)), 0,
			Summary{mA, bcast, "ARP", 60, "Who has 10.0.1.2? (ARP Probe)"}},
		{"ARP truncated", arpRequest[:14+20], 60, Summary{mA, bcast, "ARP", 60, "[truncated]"}},
		{"ICMP echo request", icmpReq, 0, Summary{a, b, "ICMP", 60, "Echo (ping) request id=1 seq=3"}},
		{"ICMP port unreachable", v4(ipB, ipA, protoICMP, []byte{3, 3, 0, 0, 0, 0, 0, 0}), 0,
			Summary{b, a, "ICMP", 60, "Destination unreachable (Port unreachable)"}},
		{"ICMP unknown", v4(ipA, ipB, protoICMP, []byte{42, 1, 0, 0}), 0, Summary{a, b, "ICMP", 60, "Type 42, code 1"}},
		{"TCP SYN", tcpSYN, 0, Summary{a, b, "TCP", 74,
			"43512 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=1 TSecr=0 WS=128"}},
		// The ACK is padded to 60 bytes: the padding is not TCP's.
		{"TCP ACK", tcpACK, 0, Summary{b, a, "TCP", 60, "80 → 43512 [ACK] Seq=1 Ack=2 Win=64240 Len=0"}},
		{"TCP FIN PSH ACK cut by snap length", v4(ipA, ipB, protoTCP, tcp(1, 2, 3, 4, fin|psh|ack, nil, make([]byte, 1000)))[:100], 1074,
			Summary{a, b, "TCP", 1074, "1 → 2 [FIN, PSH, ACK] Seq=3 Ack=4 Win=64240 Len=1000"}},
		{"TCP RST", v4(ipA, ipB, protoTCP, tcp(1, 2, 3, 0, rst, nil, nil)), 0, Summary{a, b, "TCP", 60, "1 → 2 [RST] Seq=3 Win=64240 Len=0"}},
		{"TCP header cut", tcpSYN[:14+20+6], 74, Summary{a, b, "TCP", 74, "43512 → 80 [truncated]"}},
		{"TCP data offset past the segment", v4(ipA, ipB, protoTCP, tcpLong), 0, Summary{a, b, "TCP", 60, "1 → 2 [truncated]"}},
		{"TCP data offset below 20", v4(ipA, ipB, protoTCP, tcpShort), 0, Summary{a, b, "TCP", 60, "1 → 2 [malformed]"}},
		{"UDP", v4(ipA, ipB, protoUDP, udp(5000, 6000, []byte("hello"))), 0, Summary{a, b, "UDP", 60, "5000 → 6000 Len=5"}},
		{"DNS query", dnsQ, 0, Summary{a, gw, "DNS", 67, "Standard query 0x1a2b A web.lab"}},
		{"DNS response", v4(ipGW, ipA, protoUDP, udp(53, 40000, dnsAnswer(0x1a2b, "www.web.lab", ipB))), 0,
			Summary{gw, a, "DNS", 105, "Standard query response 0x1a2b A www.web.lab CNAME web.web.lab A 10.0.1.3"}},
		{"DNS no such name", v4(ipGW, ipA, protoUDP, udp(53, 40000, dnsNXDomain(7, "nope.lab"))), 0,
			Summary{gw, a, "DNS", 68, "Standard query response 0x0007 No such name AAAA nope.lab"}},
		{"DNS over TCP", v4(ipA, ipGW, protoTCP, tcp(40000, 53, 1, 1, psh|ack, nil,
			cat(u16(29), dnsQuery(0xbeef, "web.lab", 28)))), 0, Summary{a, gw, "DNS", 81, "Standard query 0xbeef AAAA web.lab"}},
		{"DNS pointer loop", v4(ipA, ipGW, protoUDP, udp(40000, 53, cat(u16(1), u16(0x0100), u16(1), u16(0), u16(0), u16(0), []byte{0xc0, 12}))), 0,
			Summary{a, gw, "DNS", 60, "Standard query 0x0001 [malformed]"}},
		{"mDNS", v4(ipA, ipB, protoUDP, udp(5353, 5353, dnsQuery(0, "web.local", 12))), 0,
			Summary{a, b, "MDNS", 69, "Standard query 0x0000 PTR web.local"}},
		{"HTTP GET", httpGET, 0, Summary{a, b, "HTTP", 97, "GET /index.html HTTP/1.1"}},
		{"HTTP response", v4(ipB, ipA, protoTCP, tcp(80, 43512, 1, 1, psh|ack, nil, []byte("HTTP/1.1 200 OK\r\n\r\n"))), 0,
			Summary{b, a, "HTTP", 73, "HTTP/1.1 200 OK"}},
		{"HTTP request line with control bytes", v4(ipA, ipB, protoTCP, tcp(1, 80, 1, 1, psh|ack, nil, []byte("GET /\x1b[2J HTTP/1.1\n"))), 0,
			Summary{a, b, "HTTP", 73, "GET /.[2J HTTP/1.1"}},
		{"TLS Client Hello", v4(ipA, ipB, protoTCP, tcp(43000, 443, 1, 1, psh|ack, nil, clientHello("web.lab"))), 0,
			Summary{a, b, "TLS", 130, "Client Hello (SNI=web.lab)"}},
		{"TLS records", v4(ipB, ipA, protoTCP, tcp(443, 43000, 1, 1, psh|ack, nil,
			cat([]byte{20, 3, 3, 0, 1, 1}, []byte{23, 3, 3, 0, 2, 0xaa, 0xbb}))), 0,
			Summary{b, a, "TLS", 67, "Change Cipher Spec, Application Data"}},
		{"SSH", v4(ipB, ipA, protoTCP, tcp(22, 50000, 1, 1, psh|ack, nil, []byte("SSH-2.0-OpenSSH_9.6\r\n"))), 0,
			Summary{b, a, "SSH", 75, "Server: Protocol (SSH-2.0-OpenSSH_9.6)"}},
		{"DHCP Discover", ether(broadcast, macA, etherTypeIPv4, ipv4(netipZero, netipBroadcast, protoUDP, udp(68, 67, dhcpDiscover(0x3903f326, macA)))), 0,
			Summary{"0.0.0.0", "255.255.255.255", "DHCP", 286, "DHCP Discover - Transaction ID 0x3903f326"}},
		{"IGMP", v4(ipA, ipB, protoIGMP, cat([]byte{0x16, 0, 0, 0}, netipMulticast.AsSlice())), 0,
			Summary{a, b, "IGMP", 60, "Membership Report group 224.0.0.251"}},
		{"GRE", v4(ipA, ipB, 47, make([]byte, 8)), 0, Summary{a, b, "GRE", 60, "IP protocol 47 (GRE)"}},
		{"IPv4 fragment", ether(macB, macA, etherTypeIPv4, fragment), 0,
			Summary{a, b, "IPv4", 74, "Fragmented IP protocol (proto=UDP 17, off=1480, ID=0x1234)"}},
		{"IPv4 version 5", ether(macB, macA, etherTypeIPv4, badVersion), 0, Summary{mA, mB, "IPv4", 60, "[malformed]"}},
		{"IPv4 header cut", tcpSYN[:14+12], 74, Summary{mA, mB, "IPv4", 74, "[truncated]"}},
		{"ICMPv6 echo", icmp6Req, 0, Summary{"fd00:1::2", "fd00:1::3", "ICMPv6", 70, "Echo (ping) request id=7 seq=1"}},
		{"ICMPv6 neighbor solicitation", ether(macB, macA, etherTypeIPv6, ipv6(ip6LL, ip6B, protoICMPv6, ns)), 0,
			Summary{"fe80::42:aff:fe00:102", "fd00:1::3", "ICMPv6", 86, "Neighbor Solicitation for fd00:1::3 from 02:42:0a:00:01:02"}},
		{"ICMPv6 neighbor advertisement", ether(macA, macB, etherTypeIPv6, ipv6(ip6B, ip6LL, protoICMPv6, na)), 0,
			Summary{"fd00:1::3", "fe80::42:aff:fe00:102", "ICMPv6", 86, "Neighbor Advertisement fd00:1::3 (sol, ovr) is at 02:42:0a:00:01:03"}},
		{"MLDv2 after a hop-by-hop header", ether(macB, macA, etherTypeIPv6, ipv6(ip6LL, netipMLD, ip6HopByHop, hopByHop)), 0,
			Summary{"fe80::42:aff:fe00:102", "ff02::16", "ICMPv6", 90, "Multicast Listener Report Message v2"}},
		{"TCP over IPv6", tcp6, 0, Summary{"fd00:1::2", "fd00:1::3", "TCP", 74, "50000 → 443 [SYN] Seq=9 Win=64240 Len=0"}},
		{"IPv6 no next header", ether(macB, macA, etherTypeIPv6, ipv6(ip6A, ip6B, 59, nil)), 0,
			Summary{"fd00:1::2", "fd00:1::3", "IPv6", 60, "IP protocol 59"}},
		{"IPv6 header cut", icmp6Req[:14+30], 70, Summary{mA, mB, "IPv6", 70, "[truncated]"}},
		{"VLAN-tagged ICMP echo reply", vlanICMP, 0, Summary{a, b, "ICMP", 54, "Echo (ping) reply id=1 seq=3"}},
		{"QinQ-tagged", tagged(macB, macA, []uint16{100, 10}, etherTypeIPv4, ipv4(ipA, ipB, protoICMP, icmpEcho(8, 1, 3))), 0,
			Summary{a, b, "ICMP", 58, "Echo (ping) request id=1 seq=3"}},
		{"VLAN tag cut", vlanICMP[:16], 60, Summary{mA, mB, "Ethernet", 60, "802.1Q Virtual LAN [truncated]"}},
		{"LLDP", ether(macB, macA, 0x88cc, nil), 0, Summary{mA, mB, "Ethernet", 60, "Ethernet II, type 0x88cc (LLDP)"}},
		{"unknown EtherType", ether(macB, macA, 0x1234, nil), 0, Summary{mA, mB, "Ethernet", 60, "Ethernet II, type 0x1234"}},
		{"802.3", ether(macB, macA, 38, []byte{0x42, 0x42, 3}), 0, Summary{mA, mB, "LLC", 60, "802.3 frame of length 38"}},
		{"10 bytes", tcpSYN[:10], 74, Summary{"", "", "Ethernet", 74, "[truncated]"}},
		{"empty", nil, 0, Summary{"", "", "Ethernet", 0, "[truncated]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summarize(tt.frame, tt.origLen); got != tt.want {
				t.Errorf("Summarize =\n%+v, want\n%+v", got, tt.want)
			}
		})
	}
}

// TestSummarizeEveryCut summarizes every prefix of every test frame:
// each is summarized, and says it is truncated or is a whole layer.
func TestSummarizeEveryCut(t *testing.T) {
	for _, f := range allFrames {
		for n := range len(f.frame) {
			s := Summarize(f.frame[:n], len(f.frame))
			if s.Protocol == "" || s.Info == "" || s.Length != len(f.frame) {
				t.Errorf("%s cut at %d: %+v", f.name, n, s)
			}
		}
	}
}

// TestSummarizeAllocations keeps Summarize cheap: the Info line, and the
// Src and Dst strings.
func TestSummarizeAllocations(t *testing.T) {
	for _, fr := range allFrames {
		if n := testing.AllocsPerRun(10, func() { Summarize(fr.frame, 0) }); n > 4 {
			t.Errorf("Summarize(%s) allocates %v times", fr.name, n)
		}
	}
}

func BenchmarkSummarize(b *testing.B) {
	for _, bb := range []struct {
		name  string
		frame []byte
	}{
		{"arp", arpRequest},
		{"tcp_syn", tcpSYN},
		{"dns_query", dnsQ},
		{"dns_response", ether(macA, macB, etherTypeIPv4, ipv4(ipGW, ipA, protoUDP, udp(53, 40000, dnsAnswer(1, "www.web.lab", ipB))))},
		{"http", httpGET},
		{"tls", ether(macA, macB, etherTypeIPv4, ipv4(ipA, ipB, protoTCP, tcp(43000, 443, 1, 1, psh|ack, nil, clientHello("web.lab"))))},
		{"icmp6", icmp6Req},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Summarize(bb.frame, 0)
			}
		})
	}
}

func FuzzSummarize(f *testing.F) {
	for _, fr := range allFrames {
		f.Add(fr.frame, 0)
	}
	f.Add(ether(macA, macB, etherTypeIPv4, ipv4(ipGW, ipA, protoUDP, udp(53, 40000, dnsAnswer(1, "www.web.lab", ipB)))), 0)
	f.Add(ether(macA, macB, etherTypeIPv4, ipv4(ipA, ipB, protoTCP, tcp(43000, 443, 1, 1, psh|ack, nil, clientHello("web.lab")))), 0)
	f.Add(ether(broadcast, macA, etherTypeIPv4, ipv4(netipZero, netipBroadcast, protoUDP, udp(68, 67, dhcpDiscover(1, macA)))), 0)
	f.Add(ether(macB, macA, etherTypeIPv6, ipv6(ip6LL, ip6B, protoICMPv6,
		cat([]byte{135, 0, 0, 0, 0, 0, 0, 0}, ip6B.AsSlice(), []byte{1, 1}, macA))), 0)
	filters := make([]*Filter, 0, 4)
	for _, s := range []string{"tcp port 80 or udp port 53", "http", "host 10.0.1.2 or net fd00::/8", "vlan 10 and arp"} {
		fl, err := ParseFilter(s)
		if err != nil {
			f.Fatal(err)
		}
		filters = append(filters, fl)
	}
	f.Fuzz(func(t *testing.T, frame []byte, origLen int) {
		s := Summarize(frame, origLen)
		if s.Protocol == "" || s.Info == "" || s.Length < len(frame) {
			t.Fatalf("Summarize = %+v", s)
		}
		for _, fl := range filters {
			fl.Match(frame)
		}
	})
}
