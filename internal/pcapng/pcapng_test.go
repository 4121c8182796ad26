package pcapng

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// frame returns n bytes that differ from packet to packet.
func frame(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)

// sample is what writeSample writes and readAll should read back.
var sample = struct {
	ifaces  []Interface
	packets []Packet
}{
	ifaces: []Interface{
		{Name: "br-1a2b3c4d5e6f", Description: "root/web-lab network net1 (10.0.1.0/24)", LinkType: 1, SnapLen: DefaultSnapLen},
		{Name: "eth0", LinkType: 1, SnapLen: 96},
	},
	packets: []Packet{
		{Interface: 0, Time: t0, Data: frame(60, 1), OrigLen: 60},
		{Interface: 1, Time: t0.Add(1), Data: frame(96, 2), OrigLen: 1514},
		{Interface: 0, Time: t0.Add(time.Second), Data: frame(1, 3), OrigLen: 1},
		{Interface: 0, Time: t0.Add(2 * time.Second), Data: frame(0, 4), OrigLen: 0},
		{Interface: 1, Time: time.Unix(0, 0), Data: frame(7, 5), OrigLen: 9},
		{Interface: 0, Time: t0.Add(time.Hour), Data: frame(1514, 6), OrigLen: 1514},
	},
}

func writeSample(t testing.TB, w io.Writer) {
	t.Helper()
	pw, err := NewWriter(w, "dsp test")
	if err != nil {
		t.Fatal(err)
	}
	// The second interface is added with zero LinkType: Ethernet.
	in := sample.ifaces
	for i, iface := range []Interface{
		{Name: in[0].Name, Description: in[0].Description},
		{Name: in[1].Name, SnapLen: in[1].SnapLen},
	} {
		id, err := pw.AddInterface(iface)
		if err != nil || id != i {
			t.Fatalf("AddInterface = %d, %v; want %d", id, err, i)
		}
	}
	for i, p := range sample.packets {
		data := p.Data
		if i == 1 {
			data = frame(p.OrigLen, 2) // cut to the snap length of 96
		}
		if err := pw.WritePacket(p.Interface, p.Time, data, p.OrigLen); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if err := pw.WriteStats(0, p.Time, 3, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
}

func readAll(t testing.TB, r io.Reader) (*Reader, []Packet) {
	t.Helper()
	pr, err := NewReader(r)
	if err != nil {
		t.Fatal(err)
	}
	var ps []Packet
	for {
		p, err := pr.Next()
		if errors.Is(err, io.EOF) {
			return pr, ps
		}
		if err != nil {
			t.Fatalf("Next after %d packets: %v", len(ps), err)
		}
		ps = append(ps, p)
	}
}

func checkPackets(t *testing.T, got, want []Packet) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("read %d packets, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Interface != w.Interface || !g.Time.Equal(w.Time) || !bytes.Equal(g.Data, w.Data) || g.OrigLen != w.OrigLen {
			t.Errorf("packet %d = {%d %v %d bytes, orig %d}, want {%d %v %d bytes, orig %d}",
				i, g.Interface, g.Time, len(g.Data), g.OrigLen, w.Interface, w.Time, len(w.Data), w.OrigLen)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	writeSample(t, &buf)
	if buf.Len()%4 != 0 {
		t.Errorf("file of %d bytes, not a multiple of 4", buf.Len())
	}
	pr, ps := readAll(t, &buf)
	checkPackets(t, ps, sample.packets)
	if got := pr.Interfaces(); !reflect.DeepEqual(got, sample.ifaces) {
		t.Errorf("Interfaces = %+v, want %+v", got, sample.ifaces)
	}
}

func TestWriterErrors(t *testing.T) {
	pw, err := NewWriter(io.Discard, "test")
	if err != nil {
		t.Fatal(err)
	}
	err = pw.WritePacket(0, t0, nil, 0)
	if err == nil || !strings.Contains(err.Error(), "no interface 0") {
		t.Errorf("WritePacket without interfaces: %v", err)
	}
	if _, err := pw.AddInterface(Interface{Name: "eth0"}); err != nil {
		t.Fatal(err)
	}
	if err := pw.WriteStats(1, t0, 0, 0); err == nil {
		t.Error("WriteStats of interface 1 of 1: no error")
	}
	if err := pw.WritePacket(0, time.Unix(-1, 0), nil, 0); err == nil || !strings.Contains(err.Error(), "before 1970") {
		t.Errorf("WritePacket before 1970: %v", err)
	}

	failing := &failWriter{}
	pw, err = NewWriter(failing, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Flush(); err == nil || !errors.Is(err, errFail) {
		t.Errorf("Flush to a failing writer: %v", err)
	}
}

var errFail = errors.New("disk full")

type failWriter struct{}

func (*failWriter) Write([]byte) (int, error) { return 0, errFail }

// TestGrowingFile reads a file while it is written: a block cut short is
// io.ErrUnexpectedEOF, and reading goes on once the block is whole.
func TestGrowingFile(t *testing.T) {
	var whole bytes.Buffer
	writeSample(t, &whole)
	all := whole.Bytes()

	var growing bytes.Buffer
	growing.Write(all[:10]) // part of the section header
	if _, err := NewReader(&growing); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("NewReader of 10 bytes: %v", err)
	}

	// Feed the file 7 bytes at a time: each Next either returns the next
	// packet or says the file ends within a block.
	growing.Reset()
	step := 7
	fed := 64
	growing.Write(all[:fed])
	var pr *Reader
	var got []Packet
	for {
		var err error
		if pr == nil {
			pr, err = NewReader(&growing)
			if err != nil {
				pr = nil
			}
		} else {
			var p Packet
			p, err = pr.Next()
			if err == nil {
				got = append(got, p)
				continue
			}
		}
		if errors.Is(err, io.EOF) && fed == len(all) {
			break
		}
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("at %d bytes: %v", fed, err)
		}
		n := min(step, len(all)-fed)
		growing.Write(all[fed : fed+n])
		fed += n
	}
	checkPackets(t, got, sample.packets)
}

// TestFlush reads a file through another file descriptor while it is
// being written.
func TestFlush(t *testing.T) {
	file := filepath.Join(t.TempDir(), "live.pcapng")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pw, err := NewWriter(f, "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw.AddInterface(Interface{Name: "eth0"}); err != nil {
		t.Fatal(err)
	}
	if err := pw.WritePacket(0, t0, frame(42, 0), 42); err != nil {
		t.Fatal(err)
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pr, err := NewReader(r)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := pr.Next(); err != nil || len(p.Data) != 42 {
		t.Fatalf("first packet: %d bytes, %v", len(p.Data), err)
	}
	if _, err := pr.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the flushed packet: %v, want io.EOF", err)
	}
	if err := pw.WritePacket(0, t0, frame(43, 0), 43); err != nil {
		t.Fatal(err)
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
	if p, err := pr.Next(); err != nil || len(p.Data) != 43 {
		t.Fatalf("second packet: %d bytes, %v", len(p.Data), err)
	}
}

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// builder writes pcapng blocks by hand, in either byte order, as other
// tools write them.
type builder struct {
	order byteOrder
	buf   bytes.Buffer
}

func (b *builder) block(typ uint32, body []byte) {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	b.buf.Write(b.order.AppendUint32(nil, typ))
	b.buf.Write(b.order.AppendUint32(nil, n))
	b.buf.Write(body)
	b.buf.Write(b.order.AppendUint32(nil, n))
}

func (b *builder) option(body []byte, code uint16, value []byte) []byte {
	body = b.order.AppendUint16(body, code)
	body = b.order.AppendUint16(body, uint16(len(value)))
	body = append(body, value...)
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	return body
}

func (b *builder) shb() {
	body := b.order.AppendUint32(nil, byteOrderMagic)
	body = b.order.AppendUint16(body, 1)
	body = b.order.AppendUint16(body, 0)
	body = b.order.AppendUint64(body, 0xffffffffffffffff)
	b.block(blockSHB, body) // no options at all, not even opt_endofopt
}

func (b *builder) idb(name string, snap uint32, opts ...[]byte) {
	body := b.order.AppendUint16(nil, 1)
	body = b.order.AppendUint16(body, 0)
	body = b.order.AppendUint32(body, snap)
	body = b.option(body, optIfName, []byte(name))
	for _, o := range opts {
		body = append(body, o...)
	}
	body = b.option(body, optEndOfOpt, nil)
	b.block(blockIDB, body)
}

func (b *builder) epb(iface uint32, ts uint64, data []byte, origLen uint32) {
	body := b.order.AppendUint32(nil, iface)
	body = b.order.AppendUint32(body, uint32(ts>>32))
	body = b.order.AppendUint32(body, uint32(ts))
	body = b.order.AppendUint32(body, uint32(len(data)))
	body = b.order.AppendUint32(body, origLen)
	body = append(body, data...)
	b.block(blockEPB, body)
}

// otherTools is a file as other tools write it: big-endian, default
// microsecond timestamps, if_tsoffset, a binary if_tsresol, blocks the
// Reader skips, simple and obsolete packet blocks, two sections.
func otherTools(order byteOrder) ([]byte, []Packet) {
	b := &builder{order: order}
	b.shb()
	b.idb("eth0", 0)                                                 // microseconds
	b.idb("eth1", 0, b.option(nil, optIfTsresol, []byte{0x80 | 10}), // 1/1024 s
		b.option(nil, optIfTsoffset, order.AppendUint64(nil, 100)), b.option(nil, 0x7777, []byte("unknown")))
	b.block(4, []byte{0, 0, 0, 0})                   // name resolution
	b.block(0x00000BAD, []byte("custom block data")) // custom
	b.epb(0, 1_500_000_123_456, frame(5, 1), 5)
	b.epb(1, 3*1024+512, frame(8, 2), 64)
	spb := order.AppendUint32(nil, 3) // original length 3, padded to 4
	spb = append(spb, frame(3, 3)...)
	b.block(blockSPB, spb)
	pb := order.AppendUint16(nil, 1) // interface 1
	pb = order.AppendUint16(pb, 0)   // drops
	pb = order.AppendUint32(pb, 0)
	pb = order.AppendUint32(pb, 2048)
	pb = order.AppendUint32(pb, 2)
	pb = order.AppendUint32(pb, 2)
	pb = append(pb, 9, 9)
	b.block(blockPB, pb)

	b.shb() // a second section: its interface 0 is the third in all
	b.idb("wlan0", 0, b.option(nil, optIfTsresol, []byte{3}))
	b.epb(0, 1234, frame(4, 4), 4)

	want := []Packet{
		{Interface: 0, Time: time.Unix(1_500_000, 123_456_000), Data: frame(5, 1), OrigLen: 5},
		{Interface: 1, Time: time.Unix(103, 500_000_000), Data: frame(8, 2), OrigLen: 64},
		{Interface: 0, Data: frame(3, 3), OrigLen: 3},
		{Interface: 1, Time: time.Unix(102, 0), Data: []byte{9, 9}, OrigLen: 2},
		{Interface: 2, Time: time.Unix(1, 234_000_000), Data: frame(4, 4), OrigLen: 4},
	}
	return b.buf.Bytes(), want
}

func TestOtherTools(t *testing.T) {
	for _, order := range []byteOrder{binary.BigEndian, binary.LittleEndian} {
		t.Run(order.String(), func(t *testing.T) {
			file, want := otherTools(order)
			pr, got := readAll(t, bytes.NewReader(file))
			checkPackets(t, got, want)
			var names []string
			for _, i := range pr.Interfaces() {
				names = append(names, i.Name)
			}
			if strings.Join(names, " ") != "eth0 eth1 wlan0" {
				t.Errorf("interfaces %q", names)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	var good bytes.Buffer
	writeSample(t, &good)
	le := binary.LittleEndian
	// corrupt returns the sample with its bytes at off replaced by b.
	corrupt := func(off int, b []byte) []byte {
		f := bytes.Clone(good.Bytes())
		copy(f[off:], b)
		return f
	}
	shbLen := int(le.Uint32(good.Bytes()[4:]))
	idbLen := int(le.Uint32(good.Bytes()[shbLen+4:]))
	epb := shbLen + idbLen + int(le.Uint32(good.Bytes()[shbLen+idbLen+4:]))

	tests := []struct {
		name  string
		file  []byte
		first bool // the error is NewReader's, not Next's
		want  string
	}{
		{"empty", nil, true, "empty file"},
		{"pcap", le.AppendUint32(make([]byte, 0, 24), 0xa1b2c3d4)[:24], true, "pcap file"},
		{"junk", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), true, "not a pcapng file"},
		{"byte order", corrupt(8, []byte{1, 2, 3, 4}), true, "bad byte-order magic"},
		{"version", corrupt(12, []byte{2, 0}), true, "unsupported version 2.0"},
		{"length", corrupt(shbLen+4, []byte{13, 0, 0, 0}), false, "bad length 13"},
		{"huge", corrupt(shbLen+4, []byte{0, 0, 0, 0x40}), false, "bad length"},
		{"trailer", corrupt(shbLen+idbLen-4, []byte{0, 1, 0, 0}), false, "trailing length 256"},
		{"interface", corrupt(epb+8, []byte{9}), false, "interface 9, which the section has not described"},
		{"captured length", corrupt(epb+20, []byte{0xff, 0xff}), false, "captured length 65535 is beyond"},
		{"tsresol", corrupt(shbLen+idbLen-16, []byte{9, 0, 1, 0, 20}), false, "resolution 10^-20"},
		{"truncated", good.Bytes()[:good.Len()-1], false, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := NewReader(bytes.NewReader(tt.file))
			if !tt.first && err == nil {
				for err == nil {
					_, err = pr.Next()
				}
			}
			if err == nil || errors.Is(err, io.EOF) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one with %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "pcapng: ") {
				t.Errorf("error %q does not say it is pcapng's", err)
			}
		})
	}
}

func TestTruncatedIsUnexpectedEOF(t *testing.T) {
	var good bytes.Buffer
	writeSample(t, &good)
	for n := 28; n < good.Len(); n += 5 {
		pr, err := NewReader(bytes.NewReader(good.Bytes()[:n]))
		for err == nil {
			_, err = pr.Next()
		}
		if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("file cut at %d: %v", n, err)
		}
	}
}

// tshark runs tshark on file, or skips the test when it is not
// installed (under CI=true, where setup.sh installs it, fails).
func tshark(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tshark is missing: scripts/setup.sh installs it")
		}
		t.Skip("tshark is not installed: apt-get install tshark to check that Wireshark reads our files")
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // no user preferences
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		t.Fatalf("tshark: %v", err)
	}
	return string(out)
}

func TestTshark(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sample.pcapng")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	writeSample(t, f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out := tshark(t, "-r", file, "-T", "fields", "-E", "separator=|",
		"-e", "frame.interface_name", "-e", "frame.interface_description",
		"-e", "frame.len", "-e", "frame.cap_len", "-e", "frame.time_epoch")
	var want strings.Builder
	for _, p := range sample.packets {
		i := sample.ifaces[p.Interface]
		want.WriteString(strings.Join([]string{i.Name, i.Description,
			strconv.Itoa(p.OrigLen), strconv.Itoa(len(p.Data)), epoch(p.Time)}, "|") + "\n")
	}
	if out != want.String() {
		t.Errorf("tshark read\n%s\nwant\n%s", out, want.String())
	}
}

// TestEditcap reads a file as Wireshark writes it: editcap rewrites
// ours.
func TestEditcap(t *testing.T) {
	editcap, err := exec.LookPath("editcap")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("editcap is missing: scripts/setup.sh installs it (with tshark)")
		}
		t.Skip("editcap is not installed: apt-get install tshark to check that we read Wireshark's files")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pcapng"), filepath.Join(dir, "out.pcapng")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	writeSample(t, f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// -a adds a comment to the first packet: an option we skip.
	if b, err := exec.Command(editcap, "-F", "pcapng", "-a", "1:a comment", in, out).CombinedOutput(); err != nil {
		t.Fatalf("editcap: %v\n%s", err, b)
	}
	r, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, ps := readAll(t, r)
	checkPackets(t, ps, sample.packets)
}

func epoch(ts time.Time) string {
	s := strconv.Itoa(int(ts.Unix()))
	ns := strconv.Itoa(ts.Nanosecond() + 1e9)[1:]
	return s + "." + ns
}

func FuzzReader(f *testing.F) {
	var buf bytes.Buffer
	writeSample(f, &buf)
	f.Add(buf.Bytes())
	be, _ := otherTools(binary.BigEndian)
	f.Add(be)
	f.Add(buf.Bytes()[:100])
	f.Fuzz(func(t *testing.T, data []byte) {
		pr, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for range 1000 {
			p, err := pr.Next()
			if err != nil {
				return
			}
			if p.Interface < 0 || p.Interface >= len(pr.Interfaces()) {
				t.Fatalf("packet of interface %d of %d", p.Interface, len(pr.Interfaces()))
			}
			if p.OrigLen < len(p.Data) {
				t.Fatalf("original length %d below captured %d", p.OrigLen, len(p.Data))
			}
		}
	})
}

func BenchmarkWritePacket(b *testing.B) {
	pw, err := NewWriter(io.Discard, "bench")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pw.AddInterface(Interface{Name: "eth0"}); err != nil {
		b.Fatal(err)
	}
	data := frame(1514, 0)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := pw.WritePacket(0, t0, data, len(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNext(b *testing.B) {
	var buf bytes.Buffer
	pw, err := NewWriter(&buf, "bench")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pw.AddInterface(Interface{Name: "eth0"}); err != nil {
		b.Fatal(err)
	}
	for range 1000 {
		if err := pw.WritePacket(0, t0, frame(1514, 0), 1514); err != nil {
			b.Fatal(err)
		}
	}
	if err := pw.Flush(); err != nil {
		b.Fatal(err)
	}
	file := buf.Bytes()
	b.SetBytes(int64(len(file) / 1000))
	b.ReportAllocs()
	var pr *Reader
	for i := 0; b.Loop(); i++ {
		if i%1000 == 0 {
			if pr, err = NewReader(bytes.NewReader(file)); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := pr.Next(); err != nil {
			b.Fatal(err)
		}
	}
}
