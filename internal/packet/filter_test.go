package packet

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// allFrames are the frames the filters are tried on.
var allFrames = []struct {
	name  string
	frame []byte
}{
	{"arpRequest", arpRequest}, // 02:42:0a:00:01:02 → broadcast: who has 10.0.1.1? tell 10.0.1.2
	{"arpReply", arpReply},     // 02:42:0a:00:01:03 → 02:42:0a:00:01:02: 10.0.1.1 is at ...
	{"icmpReq", icmpReq},       // 10.0.1.2 → 10.0.1.3
	{"tcpSYN", tcpSYN},         // 10.0.1.2:43512 → 10.0.1.3:80
	{"tcpACK", tcpACK},         // 10.0.1.3:80 → 10.0.1.2:43512
	{"dnsQ", dnsQ},             // 10.0.1.2:40000 → 10.0.1.1:53, UDP
	{"httpGET", httpGET},       // 10.0.1.2:43512 → 10.0.1.3:8000
	{"icmp6Req", icmp6Req},     // fd00:1::2 → fd00:1::3
	{"tcp6", tcp6},             // [fd00:1::2]:50000 → [fd00:1::3]:443
	{"vlanICMP", vlanICMP},     // VLAN 10: 10.0.1.2 → 10.0.1.3 echo reply
	{"tcpCut", tcpSYN[:36]},    // 10.0.1.2 → 10.0.1.3, TCP, the ports cut off
}

func TestMatch(t *testing.T) {
	const (
		allIPv4 = "icmpReq tcpSYN tcpACK dnsQ httpGET vlanICMP tcpCut"
		all     = "arpRequest arpReply " + allIPv4 + " icmp6Req tcp6"
	)
	tests := []struct{ filter, want string }{
		{"", all},
		{"  ", all},
		{"ether", all},
		{"arp", "arpRequest arpReply"},
		{"ip", allIPv4},
		{"ip6", "icmp6Req tcp6"},
		{"icmp", "icmpReq vlanICMP"},
		{"icmp6", "icmp6Req"},
		{"tcp", "tcpSYN tcpACK httpGET tcp6 tcpCut"},
		{"udp", "dnsQ"},
		{"dns", "dnsQ"},
		{"http", "tcpSYN tcpACK httpGET"},
		{"vlan", "vlanICMP"},
		{"vlan 10", "vlanICMP"},
		{"vlan 11", ""},
		{"host 10.0.1.2", "arpRequest arpReply " + allIPv4},
		{"ip host 10.0.1.2", allIPv4},
		{"arp host 10.0.1.1", "arpRequest arpReply"},
		{"src host 10.0.1.2", "arpRequest icmpReq tcpSYN dnsQ httpGET vlanICMP tcpCut"},
		{"dst 10.0.1.2", "arpReply tcpACK"},
		{"10.0.1.3", "icmpReq tcpSYN tcpACK httpGET vlanICMP tcpCut"},
		{"host fd00:1::3", "icmp6Req tcp6"},
		{"ip6 dst host fd00:1::3", "icmp6Req tcp6"},
		{"ip6 src host fd00:1::3", ""},
		{"net 10.0.1.0/24", "arpRequest arpReply " + allIPv4},
		{"dst net 10.0.1.2/31", "arpReply icmpReq tcpSYN tcpACK httpGET vlanICMP tcpCut"},
		{"net 10.0.2.0/24", ""},
		{"net fd00:1::/64", "icmp6Req tcp6"},
		{"port 80", "tcpSYN tcpACK"},
		{"tcp port 80", "tcpSYN tcpACK"},
		{"udp port 80", ""},
		{"src port 80", "tcpACK"},
		{"dst port 80", "tcpSYN"},
		{"port 53", "dnsQ"},
		{"tcp port 53", ""},
		{"udp dst port 53", "dnsQ"},
		{"portrange 80-8000", "tcpSYN tcpACK httpGET tcp6"},
		{"portrange 8000-80", "tcpSYN tcpACK httpGET tcp6"},
		{"tcp src portrange 43000-44000", "tcpSYN httpGET"},
		{"port 80 or 443", "tcpSYN tcpACK tcp6"},
		{"tcp port 80 or 443", "tcpSYN tcpACK tcp6"},
		{"ether host 02:42:0a:00:01:03", "arpReply icmpReq tcpSYN tcpACK dnsQ httpGET icmp6Req tcp6 vlanICMP tcpCut"},
		{"ether src 02:42:0a:00:01:02", "arpRequest icmpReq tcpSYN dnsQ httpGET icmp6Req tcp6 vlanICMP tcpCut"},
		{"ether dst ff:ff:ff:ff:ff:ff", "arpRequest"},
		{"host 02:42:0a:00:01:02", all},
		{"not arp", allIPv4 + " icmp6Req tcp6"},
		{"! tcp && ip", "icmpReq dnsQ vlanICMP"},
		{"tcp and not port 80", "httpGET tcp6 tcpCut"},
		{"arp or icmp and host 10.0.1.3", "arpRequest arpReply icmpReq vlanICMP"},
		{"(arp or icmp) and host 10.0.1.3", "icmpReq vlanICMP"},
		{"not (tcp or udp or arp)", "icmpReq icmp6Req vlanICMP"},
		{"not not arp", "arpRequest arpReply"},
		{"TCP AND PORT 80", "tcpSYN tcpACK"},
		{"tcp || udp", "tcpSYN tcpACK dnsQ httpGET tcp6 tcpCut"},
		{"vlan and icmp and src 10.0.1.2", "vlanICMP"},
	}
	for _, tt := range tests {
		t.Run(tt.filter, func(t *testing.T) {
			f, err := ParseFilter(tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, fr := range allFrames {
				if f.Match(fr.frame) {
					got = append(got, fr.name)
				}
			}
			want := strings.Fields(tt.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("filter %q (%s) matches\n%s, want\n%s", tt.filter, f, strings.Join(got, " "), tt.want)
			}
		})
	}
}

func TestNilFilter(t *testing.T) {
	f, err := ParseFilter("")
	if f != nil || err != nil {
		t.Fatalf(`ParseFilter("") = %v, %v`, f, err)
	}
	if !f.Match(nil) || !f.Match(tcpSYN) || f.String() != "" {
		t.Error("a nil filter does not match everything")
	}
}

func TestFilterString(t *testing.T) {
	tests := []struct{ filter, want string }{
		{"tcp port 80", "tcp port 80"},
		{"port 80 or 443", "port 80 or port 443"},
		{"arp or icmp and host 10.0.1.3", "arp or (icmp and host 10.0.1.3)"},
		{"(arp or icmp) and host 10.0.1.3", "(arp or icmp) and host 10.0.1.3"},
		{"!tcp && ip", "not tcp and ip"},
		{"not (tcp || udp)", "not (tcp or udp)"},
		{"tcp and udp and arp or ip", "(tcp and udp and arp) or ip"},
		{"src 10.0.1.2", "src host 10.0.1.2"},
		{"10.0.1.2", "host 10.0.1.2"},
		{"host 02:42:0A:00:01:02", "ether host 02:42:0a:00:01:02"},
		{"ether src 02-42-0a-00-01-02", "ether src host 02:42:0a:00:01:02"},
		{"net 10.0.1.5", "net 10.0.1.5/32"},
		{"src net fd00::/8", "src net fd00::/8"},
		{"portrange 2000-1000", "portrange 1000-2000"},
		{"vlan 10 and icmp", "vlan 10 and icmp"},
		{"vlan 10 or 20", "vlan 10 or vlan 20"},
		{"((tcp))", "tcp"},
		{"host fe80::1%eth0", "host fe80::1"},
		{"udp dst port 53 or 5353", "udp dst port 53 or udp dst port 5353"},
		{"host 10.0.1.2 and not 10.0.1.3", "host 10.0.1.2 and not host 10.0.1.3"},
		{"DNS or HTTP", "dns or http"},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.filter)
		if err != nil {
			t.Errorf("%q: %v", tt.filter, err)
			continue
		}
		if got := f.String(); got != tt.want {
			t.Errorf("ParseFilter(%q).String() = %q, want %q", tt.filter, got, tt.want)
		}
	}
}

func TestParseFilterErrors(t *testing.T) {
	const primitive = "want a filter primitive such as host, net, port, tcp or udp, got "
	tests := []struct {
		filter string
		pos    int
		msg    string
	}{
		{"tcp port 8x", 10, `want a port number, got "8x"`},
		{"port 70000", 6, `want a port number (0 to 65535), got "70000"`},
		{"port", 5, `want a port number, got the end of the filter`},
		{"port )", 6, `want a port number, got ")"`},
		{"host", 5, `want an IP or MAC address, got the end of the filter`},
		{"host 10.0.1", 6, `want an IP or MAC address, got "10.0.1"`},
		{"ip host fe80::1", 9, `want an IPv4 address after "ip", got "fe80::1"`},
		{"arp host fe80::1", 10, `want an IPv4 address after "arp", got "fe80::1"`},
		{"ip6 net 10.0.0.0/8", 9, `want an IPv6 address after "ip6", got "10.0.0.0/8"`},
		{"ip host 10.0.0.1.2", 9, `want an IP address, got "10.0.0.1.2"`},
		{"ether host 10.0.1.2", 12, `want a MAC address like 02:42:0a:00:01:02, got "10.0.1.2"`},
		{"net 10.0.1.5/24", 5, `want a network, got "10.0.1.5/24", which has host bits set (10.0.1.0/24?)`},
		{"net x", 5, `want a network like 10.0.1.0/24, got "x"`},
		{"portrange 10", 11, `want a port range like 1000-2000, got "10"`},
		{"portrange 10-x", 11, `want a port range like 1000-2000, got "10-x"`},
		{"portrange 10-99999", 11, `want a port range like 1000-2000 (0 to 65535), got "10-99999"`},
		{"arp port 80", 5, `"port" does not apply to "arp"`},
		{"tcp host 10.0.1.2", 5, `"host" does not apply to "tcp"`},
		{"icmp src 10.0.1.2", 6, `"host" does not apply to "icmp"`},
		{"ether net 10.0.0.0/8", 7, `"net" does not apply to "ether"`},
		{"tpc", 1, primitive + `"tpc"`},
		{"80", 1, primitive + `"80"`},
		{"tcp and", 8, primitive + "the end of the filter"},
		{"not", 4, primitive + "the end of the filter"},
		{"()", 2, primitive + `")"`},
		{"tcp or or udp", 8, primitive + `"or"`},
		{"tcp udp", 5, `want "and", "or" or the end of the filter, got "udp"`},
		{"tcp 80", 5, `want "and", "or" or the end of the filter, got "80"`},
		{"(tcp", 5, `want ")" to close the "(" at 1, got the end of the filter`},
		{"tcp)", 4, `")" without a "(" before it`},
		{"tcp & udp", 5, `unexpected character '&'`},
		{"tcp | udp", 5, `unexpected character '|'`},
		{"host 10.0.1.2 $", 15, `unexpected character '$'`},
		{"host é", 6, `unexpected character 'é'`},
		{"vlan 5000", 6, `want a VLAN id (0 to 4095), got "5000"`},
		{"port 80 or x", 12, `want a port number, got "x"`},
		{"src", 4, `want an IP or MAC address, got the end of the filter`},
		{"src tcp", 5, `want an IP or MAC address, got "tcp"`},
		{strings.Repeat("(", 101) + "tcp" + strings.Repeat(")", 101), 101, `more than 100 nested "("`},
		{strings.Repeat("not ", 101) + "tcp", 401, `more than 100 nested "not"`},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.filter)
		var fe *FilterError
		if !errors.As(err, &fe) {
			t.Errorf("ParseFilter(%q) = %v, %v; want a *FilterError", tt.filter, f, err)
			continue
		}
		if fe.Pos != tt.pos || fe.Msg != tt.msg || fe.Expr != tt.filter {
			t.Errorf("ParseFilter(%q): at %d: %s\nwant at %d: %s", tt.filter, fe.Pos, fe.Msg, tt.pos, tt.msg)
		}
	}
}

func TestFilterErrorText(t *testing.T) {
	_, err := ParseFilter("tcp port 8x")
	if want := `filter "tcp port 8x": at 10: want a port number, got "8x"`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	var kind interface{ InvalidArgument() }
	if !errors.As(err, &kind) {
		t.Error("a FilterError has no InvalidArgument method")
	}
	var param interface{ InvalidParameter() }
	if !errors.As(err, &param) {
		t.Error("a FilterError has no InvalidParameter method")
	}
}

// TestMatchDoesNotAllocate keeps Match fit for every captured packet.
func TestMatchDoesNotAllocate(t *testing.T) {
	f, err := ParseFilter("(tcp port 80 or udp port 53 or http) and not host 10.0.9.9 and net 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, fr := range allFrames {
		if n := testing.AllocsPerRun(10, func() { f.Match(fr.frame) }); n != 0 {
			t.Errorf("Match(%s) allocates %v times", fr.name, n)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	for _, bb := range []struct{ name, filter, frame string }{
		{"tcp_port", "tcp port 80", "tcpSYN"},
		{"complex", "(tcp port 80 or udp port 53) and not host 10.0.9.9 and net 10.0.0.0/8", "tcpSYN"},
		{"http_payload", "http", "httpGET"},
		{"ip6_host", "host fd00:1::3", "tcp6"},
		{"arp", "arp", "arpRequest"},
	} {
		f, err := ParseFilter(bb.filter)
		if err != nil {
			b.Fatal(err)
		}
		i := slices.IndexFunc(allFrames, func(f struct {
			name  string
			frame []byte
		}) bool {
			return f.name == bb.frame
		})
		frame := allFrames[i].frame
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.Match(frame)
			}
		})
	}
}

func BenchmarkParseFilter(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseFilter("(tcp port 80 or udp port 53) and not host 10.0.9.9 and net 10.0.0.0/8"); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"tcp port 80", "port 80 or 443", "arp or icmp and host 10.0.1.3", "not (tcp or udp)",
		"ether src 02:42:0a:00:01:02", "net fd00::/8", "portrange 1000-2000", "vlan 10 and icmp",
		"src 10.0.1.2 && !dst port 53 || http", "((dns))", "host fe80::1%eth0",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		fl, err := ParseFilter(expr)
		if err != nil {
			var fe *FilterError
			if !errors.As(err, &fe) || fe.Pos < 1 || fe.Pos > len(expr)+1 {
				t.Fatalf("ParseFilter(%q): %v", expr, err)
			}
			return
		}
		for _, fr := range allFrames {
			fl.Match(fr.frame)
		}
		// String reads back as the same filter.
		s := fl.String()
		again, err := ParseFilter(s)
		if err != nil {
			t.Fatalf("ParseFilter(%q).String() = %q, which does not parse: %v", expr, s, err)
		}
		if again.String() != s {
			t.Fatalf("%q → %q → %q", expr, s, again.String())
		}
	})
}
