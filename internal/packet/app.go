package packet

import (
	"bytes"
	"net/netip"
)

// application summarizes the payload of a TCP or UDP segment when it is
// a protocol it knows, and tells whether it did.
func (s *summarizer) application() bool {
	l := &s.l
	p := l.payload
	if len(p) == 0 {
		return false
	}
	tcp := l.ipProto == protoTCP
	switch {
	case l.srcPort == 53 || l.dstPort == 53:
		return s.dns("DNS", p, tcp)
	case l.srcPort == 5353 || l.dstPort == 5353:
		return s.dns("MDNS", p, tcp)
	case l.srcPort == 5355 || l.dstPort == 5355:
		return s.dns("LLMNR", p, tcp)
	case !tcp:
		if (l.srcPort == 67 || l.srcPort == 68) && (l.dstPort == 67 || l.dstPort == 68) {
			return s.dhcp(p)
		}
		return false
	case looksLikeHTTP(p):
		s.protocol = "HTTP"
		s.line(p, 200)
		return true
	case bytes.HasPrefix(p, []byte("SSH-")):
		s.ssh(p)
		return true
	}
	return s.tls(p)
}

// httpStarts are how HTTP/1 requests and responses start.
var httpStarts = [...]string{
	"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ",
	"CONNECT ", "TRACE ", "HTTP/1.",
}

// looksLikeHTTP tells whether a TCP payload starts an HTTP/1 request or
// response.
func looksLikeHTTP(p []byte) bool {
	if len(p) < 4 || p[0] < 'C' || p[0] > 'T' { // a quick no for most payloads
		return false
	}
	for _, start := range httpStarts {
		if len(p) >= len(start) && string(p[:len(start)]) == start {
			return true
		}
	}
	return false
}

// line appends the first line of p, at most max bytes of it, with bytes
// that are not printable ASCII as '.'.
func (s *summarizer) line(p []byte, limit int) {
	if i := bytes.IndexAny(p, "\r\n"); i >= 0 {
		p = p[:i]
	}
	cut := len(p) > limit
	if cut {
		p = p[:limit]
	}
	for _, c := range p {
		if c < 0x20 || c >= 0x7f {
			c = '.'
		}
		s.info = append(s.info, c)
	}
	if cut {
		s.text("…")
	}
}

func (s *summarizer) ssh(p []byte) {
	s.protocol = "SSH"
	switch {
	case s.l.srcPort == 22:
		s.text("Server: ")
	case s.l.dstPort == 22:
		s.text("Client: ")
	}
	s.text("Protocol (")
	s.line(p, 100)
	s.text(")")
}

// TLS record content types and handshake message types.
var (
	tlsRecords = map[byte]string{
		20: "Change Cipher Spec", 21: "Alert", 22: "Handshake", 23: "Application Data", 24: "Heartbeat",
	}
	tlsHandshakes = map[byte]string{
		1: "Client Hello", 2: "Server Hello", 4: "New Session Ticket", 8: "Encrypted Extensions",
		11: "Certificate", 12: "Server Key Exchange", 13: "Certificate Request",
		14: "Server Hello Done", 15: "Certificate Verify", 16: "Client Key Exchange", 20: "Finished",
	}
)

// tls summarizes the TLS records that start p: "Client Hello
// (SNI=web.lab)", "Server Hello, Change Cipher Spec, Application Data".
func (s *summarizer) tls(p []byte) bool {
	if len(p) < 5 || tlsRecords[p[0]] == "" || p[1] != 3 || p[2] > 4 {
		return false
	}
	s.protocol = "TLS"
	for n := 0; len(p) >= 5 && n < 8; n++ {
		name := tlsRecords[p[0]]
		if name == "" || p[1] != 3 {
			break
		}
		if n > 0 {
			s.text(", ")
		}
		body := p[5:]
		size := int(be.Uint16(p[3:]))
		if size < len(body) {
			body = body[:size]
		}
		switch {
		case p[0] != 22:
			s.text(name)
		case len(body) >= 4 && tlsHandshakes[body[0]] != "" && 4+handshakeLen(body) <= size:
			s.text(tlsHandshakes[body[0]])
			if body[0] == 1 {
				s.sni(body[4:])
			}
		default:
			s.text("Encrypted Handshake Message")
		}
		if 5+size > len(p) {
			break
		}
		p = p[5+size:]
	}
	return true
}

// handshakeLen is the length of the handshake message that starts b.
func handshakeLen(b []byte) int {
	return int(b[1])<<16 | int(b[2])<<8 | int(b[3])
}

// sni appends the server name of a Client Hello's body, if it has one.
func (s *summarizer) sni(b []byte) {
	r := reader{b: b}
	r.skip(2 + 32)       // version, random
	r.skip(int(r.u8()))  // session id
	r.skip(int(r.u16())) // cipher suites
	r.skip(int(r.u8()))  // compression methods
	exts := r.bytes(int(r.u16()))
	e := reader{b: exts}
	for !e.bad && len(e.b) >= 4 {
		typ, data := e.u16(), e.bytes(int(e.u16()))
		if typ != 0 {
			continue
		}
		d := reader{b: data}
		d.skip(2) // list length
		if d.u8() != 0 {
			return // not a host name
		}
		name := d.bytes(int(d.u16()))
		if !d.bad && len(name) > 0 {
			s.text(" (SNI=")
			s.line(name, 100)
			s.text(")")
		}
		return
	}
}

// reader reads big-endian fields of b; past its end it reads zeros and
// sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) bytes(n int) []byte {
	if n > len(r.b) {
		r.bad = true
		n = len(r.b)
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) skip(n int) { r.bytes(n) }

func (r *reader) u8() uint8 {
	if v := r.bytes(1); len(v) == 1 {
		return v[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if v := r.bytes(2); len(v) == 2 {
		return be.Uint16(v)
	}
	return 0
}

// DHCP message types (option 53).
var dhcpTypes = map[byte]string{
	1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK", 6: "NAK", 7: "Release", 8: "Inform",
}

// dhcp summarizes a DHCP message: "DHCP Discover - Transaction ID
// 0x3903f326".
func (s *summarizer) dhcp(p []byte) bool {
	if len(p) < 240 || be.Uint32(p[236:]) != 0x63825363 {
		return false
	}
	s.protocol = "DHCP"
	typ := "Message"
	for o := p[240:]; len(o) >= 2 && o[0] != 255; {
		if o[0] == 0 {
			o = o[1:]
			continue
		}
		n := int(o[1])
		if 2+n > len(o) {
			break
		}
		if o[0] == 53 && n == 1 && dhcpTypes[o[2]] != "" {
			typ = dhcpTypes[o[2]]
			break
		}
		o = o[2+n:]
	}
	s.text("DHCP " + typ + " - Transaction ID ")
	s.hex(uint64(be.Uint32(p[4:])), 8)
	return true
}

// DNS record types, response codes and operation codes, as Wireshark
// names them.
var (
	dnsTypes = map[uint16]string{
		1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT",
		28: "AAAA", 33: "SRV", 35: "NAPTR", 41: "OPT", 43: "DS", 46: "RRSIG", 47: "NSEC",
		48: "DNSKEY", 52: "TLSA", 64: "SVCB", 65: "HTTPS", 99: "SPF", 252: "AXFR", 255: "ANY", 257: "CAA",
	}
	dnsRcodes = map[uint16]string{
		1: "Format error", 2: "Server failure", 3: "No such name", 4: "Not implemented", 5: "Refused",
	}
	dnsOpcodes = map[uint16]string{
		0: "Standard query", 1: "Inverse query", 2: "Server status request", 4: "Zone change notification",
		5: "Dynamic update",
	}
)

// maxDNSAnswers is how many answers a response's summary shows.
const maxDNSAnswers = 5

// dns summarizes a DNS message: "Standard query 0x1a2b A web.lab",
// "Standard query response 0x1a2b A web.lab A 10.0.1.5".
func (s *summarizer) dns(protocol string, msg []byte, tcp bool) bool {
	if tcp { // a two-byte length first
		if len(msg) < 2 || int(be.Uint16(msg)) < 12 {
			return false
		}
		msg = msg[2:]
	}
	if len(msg) < 12 {
		return false
	}
	id, flags := be.Uint16(msg), be.Uint16(msg[2:])
	qd, an := be.Uint16(msg[4:]), be.Uint16(msg[6:])
	s.protocol = protocol
	op := (flags >> 11) & 0xf
	if name, ok := dnsOpcodes[op]; ok {
		s.text(name)
	} else {
		s.text("Unknown operation (")
		s.int(int(op))
		s.text(")")
	}
	response := flags&0x8000 != 0
	if response {
		s.text(" response")
	}
	s.text(" ")
	s.hex(uint64(id), 4)
	if rcode := flags & 0xf; response && rcode != 0 {
		s.text(" ")
		if name, ok := dnsRcodes[rcode]; ok {
			s.text(name)
		} else {
			s.text("Unknown error (")
			s.int(int(rcode))
			s.text(")")
		}
	}
	off := 12
	for range min(qd, 8) {
		var ok bool
		if off, ok = s.dnsQuestion(msg, off); !ok {
			s.text(" [malformed]")
			return true
		}
	}
	for i := range min(an, maxDNSAnswers+1) {
		if i == maxDNSAnswers {
			s.text(" …")
			break
		}
		var ok bool
		if off, ok = s.dnsAnswer(msg, off); !ok {
			s.text(" [malformed]")
			return true
		}
	}
	return true
}

// dnsQuestion appends " TYPE name" for the question at off and returns
// the offset after it.
func (s *summarizer) dnsQuestion(msg []byte, off int) (int, bool) {
	var buf [256]byte
	name, off, ok := appendDNSName(buf[:0], msg, off)
	if !ok || off+4 > len(msg) {
		return 0, false
	}
	s.text(" ")
	s.dnsType(be.Uint16(msg[off:]))
	s.text(" ")
	s.info = append(s.info, name...)
	return off + 4, true
}

// dnsAnswer appends " TYPE data" for the record at off and returns the
// offset after it.
func (s *summarizer) dnsAnswer(msg []byte, off int) (int, bool) {
	var buf [256]byte
	_, off, ok := appendDNSName(buf[:0], msg, off)
	if !ok || off+10 > len(msg) {
		return 0, false
	}
	typ := be.Uint16(msg[off:])
	n := int(be.Uint16(msg[off+8:]))
	off += 10
	if off+n > len(msg) {
		return 0, false
	}
	data := msg[off : off+n]
	s.text(" ")
	s.dnsType(typ)
	switch {
	case typ == 1 && n == 4:
		s.text(" ")
		s.addr(netip.AddrFrom4([4]byte(data)))
	case typ == 28 && n == 16:
		s.text(" ")
		s.addr(netip.AddrFrom16([16]byte(data)))
	case typ == 2 || typ == 5 || typ == 12:
		s.text(" ")
		s.info, _, _ = appendDNSName(s.info, msg, off)
	case typ == 15 && n > 2:
		s.text(" ")
		s.int(int(be.Uint16(data)))
		s.text(" ")
		s.info, _, _ = appendDNSName(s.info, msg, off+2)
	}
	return off + n, true
}

func (s *summarizer) dnsType(t uint16) {
	if name, ok := dnsTypes[t]; ok {
		s.text(name)
		return
	}
	s.text("Unknown (")
	s.int(int(t))
	s.text(")")
}

// appendDNSName appends the (possibly compressed) name at off in msg,
// "<Root>" for the root, and returns the offset after it in msg.
// Bytes that are not printable ASCII are written as \ddd.
func appendDNSName(b, msg []byte, off int) ([]byte, int, bool) {
	end := -1 // the offset after the name, once a pointer was followed
	start := len(b)
	jumps := 0
	for {
		if off >= len(msg) {
			return b, 0, false
		}
		n := int(msg[off])
		switch {
		case n == 0:
			if len(b) == start {
				b = append(b, "<Root>"...)
			}
			if end < 0 {
				end = off + 1
			}
			return b, end, true
		case n&0xc0 == 0xc0:
			if off+1 >= len(msg) || jumps == 16 {
				return b, 0, false
			}
			if end < 0 {
				end = off + 2
			}
			off = int(be.Uint16(msg[off:]) & 0x3fff)
			jumps++
			continue
		case n > 63 || off+1+n > len(msg) || len(b)-start > 255:
			return b, 0, false
		}
		if len(b) > start {
			b = append(b, '.')
		}
		for _, c := range msg[off+1 : off+1+n] {
			if c <= 0x20 || c >= 0x7f || c == '.' || c == '\\' {
				b = append(b, '\\', '0'+c/100, '0'+c/10%10, '0'+c%10)
			} else {
				b = append(b, c)
			}
		}
		off += 1 + n
	}
}
