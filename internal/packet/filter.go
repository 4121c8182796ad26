package packet

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Filter is a capture filter: a subset of tcpdump's filter language
// (pcap-filter(7)), evaluated in Go on the decoded frame.
//
// Primitives:
//
//	host ADDR, src host ADDR, dst host ADDR   IPv4 or IPv6 source or destination
//	                                          (for IPv4 also ARP's sender and target);
//	                                          a MAC address is "ether host"
//	ether host MAC, ether src MAC, ...        Ethernet source or destination
//	net CIDR, src net CIDR, dst net CIDR      an address in 10.0.1.0/24 (or a single address)
//	port N, src port N, dst port N            a TCP or UDP port
//	portrange A-B, src portrange A-B, ...     a TCP or UDP port from A to B
//	ether, arp, ip, ip6, icmp, icmp6, tcp, udp
//	dns                                       TCP or UDP port 53
//	http                                      TCP port 80 or 8080, or a TCP payload that
//	                                          starts an HTTP/1 request or response
//	vlan, vlan N                              an 802.1Q tag (with id N)
//
// "src ADDR" is "src host ADDR", and a bare address is "host ADDR". A
// protocol before a primitive qualifies it, as in tcpdump: "tcp port 80"
// is TCP port 80, not UDP; "ip host ADDR", "ip6 net CIDR", "arp host
// ADDR" and "udp src port 53" likewise. A bare value after "or" or
// "and" repeats the primitive before it: "port 80 or 443" is "port 80
// or port 443".
//
// Combinators: "not" or "!", "and" or "&&", "or" or "||", and
// parentheses. Unlike tcpdump, where "and" and "or" have the same
// precedence and group from the left, "not" binds tighter than "and",
// which binds tighter than "or", as in most languages: "a or b and c" is
// "a or (b and c)" here and "(a or b) and c" in tcpdump. String writes
// the parentheses out whenever "and" and "or" mix.
//
// Unlike tcpdump, protocols are looked for behind VLAN tags ("tcp"
// matches TCP in a tagged frame) and behind IPv6 extension headers.
// Keywords are case-insensitive.
type Filter struct {
	expr string
	root *node
}

// FilterError is a filter that does not parse: Pos is the 1-based byte
// offset in Expr where the problem is.
type FilterError struct {
	Expr string
	Pos  int
	Msg  string
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("filter %q: at %d: %s", e.Expr, e.Pos, e.Msg)
}

// InvalidArgument marks a FilterError as the caller's mistake.
func (e *FilterError) InvalidArgument() {}

// InvalidParameter makes errdefs.IsInvalidArgument (containerd's, which
// the server uses to choose a status) recognise a FilterError.
func (e *FilterError) InvalidParameter() {}

// ParseFilter compiles expr. An empty (or blank) expr gives a nil
// Filter, which matches everything. Errors are *FilterError.
func ParseFilter(expr string) (*Filter, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{expr: expr, toks: toks}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.kind == tokRParen {
			return nil, p.errorf(t, `%s without a "(" before it`, t.quoted())
		}
		return nil, p.errorf(t, `want "and", "or" or the end of the filter, got %s`, t.quoted())
	}
	return &Filter{expr: expr, root: root}, nil
}

// Match tells whether frame, an Ethernet frame, passes the filter. A nil
// Filter matches every frame.
func (f *Filter) Match(frame []byte) bool {
	if f == nil {
		return true
	}
	var l layers
	l.decode(frame)
	return f.root.match(&l)
}

// String is the filter in a canonical form that ParseFilter reads back:
// every primitive in full, and parentheses where "and" and "or" mix. A
// nil Filter is "".
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	var b strings.Builder
	f.root.format(&b, opNone)
	return b.String()
}

// op is what a node does.
type op uint8

const (
	opNone op = iota
	opAnd
	opOr
	opNot
	opProto     // the protocol alone
	opHost      // an IP address
	opEtherHost // a MAC address
	opNet       // a prefix
	opPort      // a port
	opPortRange // a port range
	opVLAN      // a VLAN tag
)

// kindWords name the primitives that take a value, by the op their
// value gives (opHost may give opEtherHost).
var kindWords = map[string]op{"host": opHost, "net": opNet, "port": opPort, "portrange": opPortRange}

// dir is which end of a packet a primitive looks at.
type dir uint8

const (
	dirEither dir = iota
	dirSrc
	dirDst
)

// qual is a protocol, alone or qualifying a primitive.
type qual uint8

const (
	qualNone qual = iota
	qualEther
	qualARP
	qualIP
	qualIP6
	qualICMP
	qualICMP6
	qualTCP
	qualUDP
	qualDNS
	qualHTTP
	qualVLAN
)

var qualNames = [...]string{
	qualNone: "", qualEther: "ether", qualARP: "arp", qualIP: "ip", qualIP6: "ip6",
	qualICMP: "icmp", qualICMP6: "icmp6", qualTCP: "tcp", qualUDP: "udp",
	qualDNS: "dns", qualHTTP: "http", qualVLAN: "vlan",
}

// qualWords are the protocol words.
var qualWords = map[string]qual{
	"ether": qualEther, "arp": qualARP, "ip": qualIP, "ip6": qualIP6, "icmp": qualICMP,
	"icmp6": qualICMP6, "tcp": qualTCP, "udp": qualUDP, "dns": qualDNS, "http": qualHTTP,
	"vlan": qualVLAN,
}

// qualifies tells which primitives a protocol may qualify.
var qualifies = map[qual][]op{
	qualNone:  {opHost, opNet, opPort, opPortRange},
	qualEther: {opHost},
	qualARP:   {opHost, opNet},
	qualIP:    {opHost, opNet, opPort, opPortRange},
	qualIP6:   {opHost, opNet, opPort, opPortRange},
	qualTCP:   {opPort, opPortRange},
	qualUDP:   {opPort, opPortRange},
}

// node is a compiled filter: a combinator with its operands, or a
// primitive.
type node struct {
	op          op
	left, right *node // of and, or; left of not
	qual        qual  // the protocol a primitive also requires
	dir         dir
	addr        netip.Addr
	prefix      netip.Prefix
	mac         [6]byte
	lo, hi      uint16 // ports; lo is a VLAN id when hasID
	hasID       bool
}

func (n *node) match(l *layers) bool {
	switch n.op {
	case opAnd:
		return n.left.match(l) && n.right.match(l)
	case opOr:
		return n.left.match(l) || n.right.match(l)
	case opNot:
		return !n.left.match(l)
	}
	if !l.is(n.qual) {
		return false
	}
	switch n.op {
	case opHost:
		return n.either(l.src == n.addr, l.dst == n.addr)
	case opEtherHost:
		return n.either(string(l.frame[6:12]) == string(n.mac[:]), string(l.frame[0:6]) == string(n.mac[:]))
	case opNet:
		return n.either(n.prefix.Contains(l.src), n.prefix.Contains(l.dst))
	case opPort, opPortRange:
		return l.ports && n.either(n.lo <= l.srcPort && l.srcPort <= n.hi, n.lo <= l.dstPort && l.dstPort <= n.hi)
	case opVLAN:
		return !n.hasID || l.hasVLAN(n.lo)
	}
	return true // opProto
}

// either is src, dst or either, as n's direction says.
func (n *node) either(src, dst bool) bool {
	switch n.dir {
	case dirSrc:
		return src
	case dirDst:
		return dst
	}
	return src || dst
}

// is tells whether the frame has protocol q.
func (l *layers) is(q qual) bool {
	ip := l.net == netIPv4 || l.net == netIPv6
	switch q {
	case qualEther:
		return l.ether
	case qualARP:
		return l.net == netARP
	case qualIP:
		return l.net == netIPv4
	case qualIP6:
		return l.net == netIPv6
	case qualICMP:
		return l.net == netIPv4 && l.ipProto == protoICMP
	case qualICMP6:
		return l.net == netIPv6 && l.ipProto == protoICMPv6
	case qualTCP:
		return ip && l.ipProto == protoTCP
	case qualUDP:
		return ip && l.ipProto == protoUDP
	case qualDNS:
		return ip && (l.ipProto == protoTCP || l.ipProto == protoUDP) && l.ports && (l.srcPort == 53 || l.dstPort == 53)
	case qualHTTP:
		return ip && l.ipProto == protoTCP && (l.ports && (isHTTPPort(l.srcPort) || isHTTPPort(l.dstPort)) || looksLikeHTTP(l.payload))
	case qualVLAN:
		return l.nvlans > 0
	}
	return true
}

func isHTTPPort(p uint16) bool { return p == 80 || p == 8080 }

func (l *layers) hasVLAN(id uint16) bool {
	for _, v := range l.vlans[:l.nvlans] {
		if v == id {
			return true
		}
	}
	return false
}

// format writes n, in parentheses when it is an "and" in an "or", an
// "or" in an "and", or either in a "not".
func (n *node) format(b *strings.Builder, parent op) {
	switch n.op {
	case opAnd, opOr:
		paren := parent != opNone && parent != n.op
		if paren {
			b.WriteByte('(')
		}
		n.left.format(b, n.op)
		if n.op == opAnd {
			b.WriteString(" and ")
		} else {
			b.WriteString(" or ")
		}
		n.right.format(b, n.op)
		if paren {
			b.WriteByte(')')
		}
		return
	case opNot:
		b.WriteString("not ")
		n.left.format(b, opNot)
		return
	}
	var words []string
	if n.qual != qualNone {
		words = append(words, qualNames[n.qual])
	}
	switch n.dir {
	case dirSrc:
		words = append(words, "src")
	case dirDst:
		words = append(words, "dst")
	}
	switch n.op {
	case opHost:
		words = append(words, "host", n.addr.String())
	case opEtherHost:
		words = append(words, "host", net.HardwareAddr(n.mac[:]).String())
	case opNet:
		words = append(words, "net", n.prefix.String())
	case opPort:
		words = append(words, "port", strconv.Itoa(int(n.lo)))
	case opPortRange:
		words = append(words, "portrange", strconv.Itoa(int(n.lo))+"-"+strconv.Itoa(int(n.hi)))
	case opVLAN:
		if n.hasID {
			words = append(words, strconv.Itoa(int(n.lo)))
		}
	}
	b.WriteString(strings.Join(words, " "))
}
