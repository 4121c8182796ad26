package packet

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of a token of a filter.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokWord
	tokLParen
	tokRParen
	tokNot
	tokAnd
	tokOr
)

// token is a token of a filter; pos is its 1-based byte offset.
type token struct {
	kind tokKind
	text string
	pos  int
}

// quoted is the token as an error message shows it.
func (t token) quoted() string {
	if t.kind == tokEOF {
		return "the end of the filter"
	}
	return strconv.Quote(t.text)
}

// isWordByte tells whether c may be part of a word: a keyword, an
// address, a network, a number or a port range.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".:/-_%", c) >= 0
}

// lex splits expr into tokens, the last one tokEOF.
func lex(expr string) ([]token, error) {
	var toks []token
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "(", i + 1})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")", i + 1})
			i++
		case c == '!':
			toks = append(toks, token{tokNot, "!", i + 1})
			i++
		case strings.HasPrefix(expr[i:], "&&"):
			toks = append(toks, token{tokAnd, "&&", i + 1})
			i += 2
		case strings.HasPrefix(expr[i:], "||"):
			toks = append(toks, token{tokOr, "||", i + 1})
			i += 2
		case isWordByte(c):
			j := i
			for j < len(expr) && isWordByte(expr[j]) {
				j++
			}
			t := token{tokWord, expr[i:j], i + 1}
			switch strings.ToLower(t.text) {
			case "and":
				t.kind = tokAnd
			case "or":
				t.kind = tokOr
			case "not":
				t.kind = tokNot
			}
			toks = append(toks, t)
			i = j
		default:
			r, _ := utf8.DecodeRuneInString(expr[i:])
			return nil, &FilterError{Expr: expr, Pos: i + 1, Msg: fmt.Sprintf("unexpected character %q", r)}
		}
	}
	return append(toks, token{tokEOF, "", len(expr) + 1}), nil
}

// parser parses the tokens of a filter, by recursive descent:
//
//	or      = and { ("or" | "||") and }
//	and     = unary { ("and" | "&&") unary }
//	unary   = ("not" | "!") unary | primary
//	primary = "(" or ")" | primitive
type parser struct {
	expr string
	toks []token
	i    int
	// last is the primitive a bare value repeats, without its value:
	// after "tcp port 80", "443" is "tcp port 443".
	last  *node
	depth int // of parentheses open
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return &FilterError{Expr: p.expr, Pos: t.pos, Msg: fmt.Sprintf(format, args...)}
}

// maxDepth bounds the nesting of parentheses and "not"s, so that a
// hostile filter cannot exhaust the stack.
const maxDepth = 100

func (p *parser) or() (*node, error) {
	return p.binary(opOr, tokOr, p.and)
}

func (p *parser) and() (*node, error) {
	return p.binary(opAnd, tokAnd, p.unary)
}

// binary parses operands joined by tokens of kind sep, grouping from the
// left.
func (p *parser) binary(o op, sep tokKind, operand func() (*node, error)) (*node, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == sep {
		p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		left = &node{op: o, left: left, right: right}
	}
	return left, nil
}

func (p *parser) unary() (*node, error) {
	t := p.peek()
	if t.kind != tokNot {
		return p.primary()
	}
	depth := 0
	for p.peek().kind == tokNot {
		if depth++; depth > maxDepth {
			return nil, p.errorf(p.peek(), "more than %d nested \"not\"", maxDepth)
		}
		p.next()
	}
	n, err := p.primary()
	if err != nil {
		return nil, err
	}
	for range depth {
		n = &node{op: opNot, left: n}
	}
	return n, nil
}

func (p *parser) primary() (*node, error) {
	t := p.next()
	switch t.kind {
	case tokLParen:
		if p.depth++; p.depth > maxDepth {
			return nil, p.errorf(t, "more than %d nested \"(\"", maxDepth)
		}
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		p.depth--
		if end := p.next(); end.kind != tokRParen {
			return nil, p.errorf(end, `want ")" to close the "(" at %d, got %s`, t.pos, end.quoted())
		}
		return n, nil
	case tokWord:
		return p.primitive(t)
	}
	return nil, p.errorf(t, "want a filter primitive such as host, net, port, tcp or udp, got %s", t.quoted())
}

// primitive parses the primitive that starts with word t.
func (p *parser) primitive(t token) (*node, error) {
	w := strings.ToLower(t.text)
	if q, ok := qualWords[w]; ok {
		if q == qualVLAN {
			return p.vlan()
		}
		if next := p.peek(); next.kind == tokWord && isQualified(next.text) {
			return p.qualified(q, t)
		}
		p.last = nil
		return &node{op: opProto, qual: q}, nil
	}
	if isQualified(w) {
		p.i-- // qualified reads it again
		return p.qualified(qualNone, t)
	}
	if p.last != nil {
		return p.value(p.last, t)
	}
	if _, err := netip.ParseAddr(t.text); err == nil || isMAC(t.text) {
		return p.value(&node{op: opHost}, t)
	}
	return nil, p.errorf(t, "want a filter primitive such as host, net, port, tcp or udp, got %s", t.quoted())
}

// isQualified tells whether word starts a primitive that takes a value.
func isQualified(word string) bool {
	w := strings.ToLower(word)
	_, kind := kindWords[w]
	return kind || w == "src" || w == "dst"
}

// vlan parses what follows "vlan": a VLAN id, or nothing.
func (p *parser) vlan() (*node, error) {
	tmpl := &node{op: opVLAN, qual: qualVLAN}
	p.last = nil
	if t := p.peek(); t.kind == tokWord && t.text[0] >= '0' && t.text[0] <= '9' {
		p.next()
		return p.value(tmpl, t)
	}
	return tmpl, nil
}

// qualified parses "[src|dst] [host|net|port|portrange] VALUE" after
// protocol q (qualNone when there is none), whose word was qt.
func (p *parser) qualified(q qual, qt token) (*node, error) {
	tmpl := &node{qual: q}
	t := p.next()
	w := strings.ToLower(t.text)
	switch w {
	case "src":
		tmpl.dir = dirSrc
	case "dst":
		tmpl.dir = dirDst
	}
	kindTok := t
	if tmpl.dir != dirEither {
		kindTok = p.peek()
		if kindTok.kind == tokWord {
			w = strings.ToLower(kindTok.text)
		}
	}
	k, ok := kindWords[w]
	if ok {
		if tmpl.dir != dirEither {
			p.next()
		}
	} else {
		k, kindTok = opHost, t // "src ADDR" is "src host ADDR"
	}
	tmpl.op = k
	if !slices.Contains(qualifies[q], k) {
		return nil, p.errorf(kindTok, "%s does not apply to %s", strconv.Quote(opWord(k)), strconv.Quote(qt.text))
	}
	return p.value(tmpl, p.next())
}

// opWord is the keyword of a primitive's op.
func opWord(o op) string {
	for w, k := range kindWords {
		if k == o {
			return w
		}
	}
	return ""
}

// value parses t as the value of primitive tmpl and remembers tmpl as
// the primitive that a bare value after it repeats.
func (p *parser) value(tmpl *node, t token) (*node, error) {
	n := *tmpl
	var err error
	switch tmpl.op {
	case opHost:
		err = p.host(&n, t)
	case opNet:
		err = p.net(&n, t)
	case opPort:
		n.lo, err = p.port(t, "a port number")
		n.hi = n.lo
	case opPortRange:
		err = p.portRange(&n, t)
	case opVLAN:
		n.hasID = true
		var id uint64
		id, err = strconv.ParseUint(t.text, 10, 16)
		if err != nil || id > 4095 {
			err = p.errorf(t, "want a VLAN id (0 to 4095), got %s", t.quoted())
		}
		n.lo = uint16(id)
	}
	if err != nil {
		return nil, err
	}
	p.last = tmpl
	return &n, nil
}

// family checks that a is an address of the family q requires.
func (p *parser) family(q qual, a netip.Addr, t token) error {
	switch {
	case (q == qualIP || q == qualARP) && !a.Is4():
		return p.errorf(t, "want an IPv4 address after %q, got %s", qualNames[q], t.quoted())
	case q == qualIP6 && !a.Is6():
		return p.errorf(t, "want an IPv6 address after %q, got %s", qualNames[q], t.quoted())
	}
	return nil
}

// host parses t as the address of a host primitive n: an IP address,
// or a MAC address when n is not qualified by an IP protocol.
func (p *parser) host(n *node, t token) error {
	if n.qual == qualNone || n.qual == qualEther {
		if mac, err := net.ParseMAC(t.text); err == nil && len(mac) == 6 {
			n.op, n.qual, n.mac = opEtherHost, qualEther, [6]byte(mac)
			return nil
		}
		if n.qual == qualEther {
			return p.errorf(t, "want a MAC address like 02:42:0a:00:01:02, got %s", t.quoted())
		}
	}
	a, err := netip.ParseAddr(t.text)
	if err != nil {
		if n.qual == qualNone {
			return p.errorf(t, "want an IP or MAC address, got %s", t.quoted())
		}
		return p.errorf(t, "want an IP address, got %s", t.quoted())
	}
	n.addr = a.WithZone("")
	return p.family(n.qual, n.addr, t)
}

// net parses t as the network of n: a CIDR prefix, or an address for a
// prefix of its full length.
func (p *parser) net(n *node, t token) error {
	want := "want a network like 10.0.1.0/24, got %s"
	if t.kind != tokWord {
		return p.errorf(t, want, t.quoted())
	}
	pfx, err := netip.ParsePrefix(t.text)
	if err != nil {
		a, aerr := netip.ParseAddr(t.text)
		if aerr != nil || a.Zone() != "" {
			return p.errorf(t, want, t.quoted())
		}
		pfx = netip.PrefixFrom(a, a.BitLen())
	}
	if pfx != pfx.Masked() {
		return p.errorf(t, "want a network, got %s, which has host bits set (%s?)", t.quoted(), pfx.Masked())
	}
	n.prefix = pfx
	return p.family(n.qual, pfx.Addr(), t)
}

// port parses t as a port number; what says what t should be.
func (p *parser) port(t token, what string) (uint16, error) {
	if t.kind != tokWord {
		return 0, p.errorf(t, "want %s, got %s", what, t.quoted())
	}
	return p.portText(t, t.text, what)
}

func (p *parser) portText(t token, s, what string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	switch {
	case err != nil && strings.Trim(s, "0123456789") == "" && s != "":
		return 0, p.errorf(t, "want %s (0 to 65535), got %s", what, t.quoted())
	case err != nil:
		return 0, p.errorf(t, "want %s, got %s", what, t.quoted())
	case n > 65535:
		return 0, p.errorf(t, "want %s (0 to 65535), got %s", what, t.quoted())
	}
	return uint16(n), nil
}

// portRange parses t as "A-B" into n; A may be above B, as tcpdump has
// it.
func (p *parser) portRange(n *node, t token) error {
	const what = "a port range like 1000-2000"
	if t.kind != tokWord {
		return p.errorf(t, "want %s, got %s", what, t.quoted())
	}
	a, b, ok := strings.Cut(t.text, "-")
	if !ok {
		return p.errorf(t, "want %s, got %s", what, t.quoted())
	}
	lo, err := p.portText(t, a, what)
	if err != nil {
		return err
	}
	hi, err := p.portText(t, b, what)
	if err != nil {
		return err
	}
	n.lo, n.hi = min(lo, hi), max(lo, hi)
	return nil
}

// isMAC tells whether s is a 6-byte MAC address.
func isMAC(s string) bool {
	mac, err := net.ParseMAC(s)
	return err == nil && len(mac) == 6
}
