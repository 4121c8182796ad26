//go:build linux

package capture

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dsp-lab/dsp/internal/packet"
	"github.com/dsp-lab/dsp/internal/pcapng"
)

// These tests capture real traffic: they need root and Docker with
// dsp/busybox:latest (scripts/build-images.sh). Without them they skip,
// except under CI=true, where they fail.

const testImage = "dsp/busybox:latest"

// failAfter is how long a test waits for an event before it fails; it is
// never what a test measures.
const failAfter = time.Minute

func needLive(t *testing.T, docker bool) {
	t.Helper()
	skip := t.Skipf
	if os.Getenv("CI") == "true" {
		skip = t.Fatalf
	}
	if os.Geteuid() != 0 {
		skip("live capture needs root")
	}
	if !docker {
		return
	}
	if out, err := exec.Command("docker", "info").CombinedOutput(); err != nil {
		skip("no Docker (scripts/setup.sh starts it): %v: %s", err, out)
	}
	if out, err := exec.Command("docker", "image", "inspect", testImage).CombinedOutput(); err != nil {
		skip("no %s (scripts/build-images.sh builds it): %v: %s", testImage, err, out)
	}
}

// docker runs the docker CLI and returns its trimmed output.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// testLab is a throw-away Docker network with an HTTP server and a client.
type testLab struct {
	network, bridge string
	server, client  testContainer
}

type testContainer struct {
	name string
	pid  int
	ip   netip.Addr
}

const testPage = "dsp-capture-test-page"

// newLab creates the network and containers; t.Cleanup removes them
// (a test may remove them earlier).
func newLab(t *testing.T) *testLab {
	t.Helper()
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := "dsp-capture-test-" + hex.EncodeToString(suffix)
	id := docker(t, "network", "create", "--label", "dsp.test=capture", name)
	l := &testLab{network: name, bridge: "br-" + id[:12]}
	t.Cleanup(func() { l.remove(t) })
	l.server = l.run(t, name+"-server", "sh", "-c", "echo "+testPage+" > /tmp/index.html && exec sleep 1000000")
	l.client = l.run(t, name+"-client", "sleep", "1000000")
	// httpd forks into the background once it listens.
	docker(t, "exec", l.server.name, "httpd", "-p", "80", "-h", "/tmp")
	return l
}

func (l *testLab) run(t *testing.T, name string, cmd ...string) testContainer {
	t.Helper()
	args := append([]string{"run", "-d", "--label", "dsp.test=capture", "--name", name, "--network", l.network, testImage}, cmd...)
	docker(t, args...)
	out := docker(t, "inspect", "-f", "{{.State.Pid}} {{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name)
	pidText, ipText, _ := strings.Cut(out, " ")
	pid, err := strconv.Atoi(pidText)
	if err != nil {
		t.Fatalf("pid of %s: %q", name, out)
	}
	ip, err := netip.ParseAddr(ipText)
	if err != nil {
		t.Fatalf("address of %s: %q", name, out)
	}
	return testContainer{name: name, pid: pid, ip: ip}
}

// bridgeSource is the network's bridge as a Source.
func (l *testLab) bridgeSource() Source {
	return Source{Interface: l.bridge, Description: "test network " + l.network}
}

// eth0Source is the client's eth0 as a Source.
func (l *testLab) eth0Source() Source {
	return Source{PID: l.client.pid, Interface: "eth0", Description: "service client on " + l.network}
}

// remove deletes the containers and the network.
func (l *testLab) remove(t *testing.T) {
	t.Helper()
	for _, c := range []string{l.network + "-server", l.network + "-client"} {
		if out, err := exec.Command("docker", "rm", "-f", c).CombinedOutput(); err != nil && !strings.Contains(strings.ToLower(string(out)), "no such container") {
			t.Errorf("remove container %s: %v: %s", c, err, out)
		}
	}
	if out, err := exec.Command("docker", "network", "rm", l.network).CombinedOutput(); err != nil && !strings.Contains(string(out), "not found") {
		t.Errorf("remove network %s: %v: %s", l.network, err, out)
	}
}

// ping sends n echo requests from the client to the server, each as soon
// as the reply to the last one came.
func (l *testLab) ping(t *testing.T, n int) {
	t.Helper()
	docker(t, "exec", l.client.name, "ping", "-A", "-c", strconv.Itoa(n), "-W", "10", l.server.ip.String())
}

// fetch gets the server's page with HTTP from the client.
func (l *testLab) fetch(t *testing.T) {
	t.Helper()
	if out := docker(t, "exec", l.client.name, "wget", "-q", "-O", "-", "http://"+l.server.ip.String()+"/"); out != testPage {
		t.Fatalf("wget got %q, want %q", out, testPage)
	}
}

// startFile starts a capture into a new file.
func startFile(t *testing.T, ctx context.Context, opts Options) (*Capture, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "capture.pcapng")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	c, err := Start(ctx, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c, path
}

func waitDone(t *testing.T, c *Capture) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(failAfter):
		t.Fatalf("the capture did not end within %s", failAfter)
	}
}

// readFile reads a whole capture file.
func readFile(t *testing.T, path string) ([]pcapng.Interface, []pcapng.Packet) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapng.NewReader(f)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var pkts []pcapng.Packet
	for {
		p, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Interfaces(), pkts
		}
		if err != nil {
			t.Fatalf("read %s after %d packets: %v", path, len(pkts), err)
		}
		pkts = append(pkts, p)
	}
}

// ipv4 is what the tests look at in a frame.
type ipv4 struct {
	src, dst netip.Addr
	proto    byte
	payload  []byte
}

func parseIPv4(frame []byte) (ipv4, bool) {
	if len(frame) < 34 || binary.BigEndian.Uint16(frame[12:]) != 0x0800 {
		return ipv4{}, false
	}
	ip := frame[14:]
	ihl := int(ip[0]&0x0f) * 4
	if ihl < 20 || len(ip) < ihl {
		return ipv4{}, false
	}
	return ipv4{
		src:     netip.AddrFrom4([4]byte(ip[12:16])),
		dst:     netip.AddrFrom4([4]byte(ip[16:20])),
		proto:   ip[9],
		payload: ip[ihl:],
	}, true
}

// echoes counts the ICMP echo requests from a to b and replies from b to a.
func echoes(pkts []pcapng.Packet, a, b netip.Addr) (requests, replies int) {
	for _, p := range pkts {
		ip, ok := parseIPv4(p.Data)
		if !ok || ip.proto != 1 || len(ip.payload) < 8 {
			continue
		}
		switch {
		case ip.payload[0] == 8 && ip.src == a && ip.dst == b:
			requests++
		case ip.payload[0] == 0 && ip.src == b && ip.dst == a:
			replies++
		}
	}
	return requests, replies
}

// httpSeen reports whether the file holds the client's request and the
// server's page.
func httpSeen(pkts []pcapng.Packet, client, server netip.Addr) (request, response bool) {
	for _, p := range pkts {
		ip, ok := parseIPv4(p.Data)
		if !ok || ip.proto != 6 || len(ip.payload) < 20 {
			continue
		}
		tcpLen := int(ip.payload[12]>>4) * 4
		if tcpLen < 20 || len(ip.payload) < tcpLen {
			continue
		}
		data := ip.payload[tcpLen:]
		if ip.src == client && ip.dst == server && bytes.HasPrefix(data, []byte("GET / HTTP/1.")) {
			request = true
		}
		if ip.src == server && ip.dst == client && bytes.Contains(data, []byte(testPage)) {
			response = true
		}
	}
	return request, response
}

func TestLive(t *testing.T) {
	needLive(t, true)
	l := newLab(t)
	for _, sub := range []struct {
		name string
		test func(*testing.T, *testLab)
	}{
		{"bridge", liveBridge},
		{"service eth0", liveServiceEth0},
		{"two sources", liveTwoSources},
		{"stop right after", liveStopRightAfter},
		{"count", liveCount},
		{"duration", liveDuration},
		{"context", liveContext},
		{"filter", liveFilter},
		{"snap length", liveSnapLength},
		{"subscribe", liveSubscribe},
		{"slow subscriber", liveSlowSubscriber},
	} {
		t.Run(sub.name, func(t *testing.T) { sub.test(t, l) })
	}
}

func liveBridge(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	before := time.Now()
	c, path := startFile(t, t.Context(), Options{Sources: []Source{bridge}})
	l.ping(t, 3)
	l.fetch(t)
	c.Stop()
	after := time.Now()
	if err := c.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	ifaces, pkts := readFile(t, path)
	if len(ifaces) != 1 || ifaces[0].Name != l.bridge || ifaces[0].Description != bridge.Description || ifaces[0].LinkType != 1 {
		t.Fatalf("interfaces %+v, want one Ethernet %s described %q", ifaces, l.bridge, bridge.Description)
	}
	// Between two ports of the bridge: every frame once.
	if req, rep := echoes(pkts, l.client.ip, l.server.ip); req != 3 || rep != 3 {
		t.Errorf("%d echo requests and %d replies, want 3 and 3", req, rep)
	}
	if req, resp := httpSeen(pkts, l.client.ip, l.server.ip); !req || !resp {
		t.Errorf("HTTP request seen %v, response seen %v", req, resp)
	}
	for _, p := range pkts {
		if p.Time.Before(before) || p.Time.After(after) {
			t.Errorf("packet time %v outside the capture (%v to %v)", p.Time, before, after)
			break
		}
	}
	checkStats(t, c.Stats(), pkts)
	if st := interfaceStats(t, path); len(st) != 1 || st[0][0] < uint64(len(pkts)) || st[0][1] != 0 {
		t.Errorf("interface statistics %v, want one interface with at least %d received and none dropped", st, len(pkts))
	}
	tsharkReads(t, path)
}

func liveServiceEth0(t *testing.T, l *testLab) {
	eth0 := l.eth0Source()
	c, path := startFile(t, t.Context(), Options{Sources: []Source{eth0}})
	l.ping(t, 3)
	c.Stop()
	if err := c.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	ifaces, pkts := readFile(t, path)
	if len(ifaces) != 1 || ifaces[0].Name != "eth0" || ifaces[0].Description != eth0.Description {
		t.Fatalf("interfaces %+v", ifaces)
	}
	// Outgoing and incoming, each once.
	if req, rep := echoes(pkts, l.client.ip, l.server.ip); req != 3 || rep != 3 {
		t.Errorf("%d echo requests and %d replies, want 3 and 3", req, rep)
	}
	checkStats(t, c.Stats(), pkts)
}

func liveTwoSources(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	eth0 := l.eth0Source()
	c, path := startFile(t, t.Context(), Options{Sources: []Source{bridge, eth0}})
	l.ping(t, 2)
	c.Stop()
	ifaces, pkts := readFile(t, path)
	if len(ifaces) != 2 {
		t.Fatalf("%d interfaces, want 2", len(ifaces))
	}
	for i := range 2 {
		var on []pcapng.Packet
		for _, p := range pkts {
			if p.Interface == i {
				on = append(on, p)
			}
		}
		if req, rep := echoes(on, l.client.ip, l.server.ip); req != 2 || rep != 2 {
			t.Errorf("interface %d: %d echo requests and %d replies, want 2 and 2", i, req, rep)
		}
	}
}

func liveStopRightAfter(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	// Frames sent on the bridge are in the ring when send returns, but
	// in a block the kernel hands over only later: Stop waits for it.
	c, path := startFile(t, t.Context(), Options{Sources: []Source{bridge}})
	sendMarked(t, l.bridge, 5)
	c.Stop()
	_, pkts := readFile(t, path)
	marked := 0
	for _, p := range pkts {
		if isMarked(p.Data) {
			marked++
		}
	}
	if marked != 5 {
		t.Fatalf("%d of the 5 frames sent right before Stop are in the file", marked)
	}
}

func liveCount(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	c, path := startFile(t, t.Context(), Options{Sources: []Source{bridge}, Count: 2})
	l.ping(t, 3)
	waitDone(t, c)
	if err := c.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	if _, pkts := readFile(t, path); len(pkts) != 2 {
		t.Fatalf("%d packets, want 2", len(pkts))
	}
	if st := c.Stats(); st.Packets != 2 {
		t.Fatalf("Stats().Packets = %d, want 2", st.Packets)
	}
}

func liveDuration(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	c, path := startFile(t, t.Context(), Options{Sources: []Source{bridge}, Duration: 100 * time.Millisecond})
	waitDone(t, c)
	if err := c.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	readFile(t, path)
}

func liveContext(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	ctx, cancel := context.WithCancel(t.Context())
	c, path := startFile(t, ctx, Options{Sources: []Source{bridge}})
	cancel()
	waitDone(t, c)
	if err := c.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	readFile(t, path)
}

func liveFilter(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	filter, err := packet.ParseFilter("icmp")
	if err != nil {
		t.Fatal(err)
	}
	c, path := startFile(t, t.Context(), Options{Sources: []Source{bridge}, Filter: filter})
	l.fetch(t)
	l.ping(t, 3)
	l.fetch(t)
	c.Stop()
	_, pkts := readFile(t, path)
	for _, p := range pkts {
		if ip, ok := parseIPv4(p.Data); !ok || ip.proto != 1 {
			t.Fatalf("a packet that is not ICMP passed the filter: % x", p.Data)
		}
	}
	if req, rep := echoes(pkts, l.client.ip, l.server.ip); req != 3 || rep != 3 {
		t.Errorf("%d echo requests and %d replies, want 3 and 3", req, rep)
	}
	if st := c.Stats(); st.Packets != uint64(len(pkts)) {
		t.Errorf("Stats().Packets = %d, the file has %d", st.Packets, len(pkts))
	}
}

func liveSnapLength(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	c, path := startFile(t, t.Context(), Options{Sources: []Source{bridge}, SnapLen: 60})
	l.fetch(t)
	c.Stop()
	_, pkts := readFile(t, path)
	long := false
	for _, p := range pkts {
		if len(p.Data) > 60 {
			t.Fatalf("%d bytes kept with a snap length of 60", len(p.Data))
		}
		long = long || p.OrigLen > 60
	}
	if !long {
		t.Error("no packet longer than 60 bytes on the wire: the HTTP response should be")
	}
}

func liveSubscribe(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	c, path := startFile(t, t.Context(), Options{Sources: []Source{bridge}})
	live, cancel := c.Subscribe(10000)
	defer cancel()
	l.ping(t, 3)
	var got []Packet
	select {
	case p := <-live: // live: before the capture ends
		got = append(got, p)
	case <-time.After(failAfter):
		t.Fatal("no live packet")
	}
	c.Stop()
	for p := range live { // closed at the end
		got = append(got, p)
	}
	_, pkts := readFile(t, path)
	if len(got) != len(pkts) {
		t.Fatalf("subscriber got %d packets, the file has %d", len(got), len(pkts))
	}
	for i, p := range got {
		if p.N != int64(i+1) || !p.Time.Equal(pkts[i].Time) || p.Interface != 0 || p.Protocol == "" {
			t.Fatalf("live packet %d: %+v, file has time %v", i, p, pkts[i].Time)
		}
	}
	if st := c.Stats(); st.Missed != 0 {
		t.Errorf("missed %d", st.Missed)
	}
}

func liveSlowSubscriber(t *testing.T, l *testLab) {
	bridge := l.bridgeSource()
	c, _ := startFile(t, t.Context(), Options{Sources: []Source{bridge}})
	live, _ := c.Subscribe(1) // never read until the end
	l.ping(t, 3)
	c.Stop()
	st := c.Stats()
	if st.Packets < 6 || st.Missed != st.Packets-1 {
		t.Fatalf("%d packets written, %d missed: want at least 6, all but one missed", st.Packets, st.Missed)
	}
	if p, ok := <-live; !ok || p.N != 1 {
		t.Fatalf("buffered packet %+v (open %v), want the first", p, ok)
	}
	if _, ok := <-live; ok {
		t.Fatal("channel open after the end")
	}
}

// markType is the EtherType of the frames sendMarked sends: IEEE's
// local experimental one.
const markType = 0x88b5

// sendMarked sends n broadcast frames of type markType out of the
// host's interface ifname.
func sendMarked(t *testing.T, ifname string, n int) {
	t.Helper()
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	frame := make([]byte, 60)
	copy(frame, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	copy(frame[6:], ifi.HardwareAddr)
	binary.BigEndian.PutUint16(frame[12:], markType)
	copy(frame[14:], testPage)
	to := &unix.SockaddrLinklayer{Ifindex: ifi.Index, Protocol: htons(markType)}
	for range n {
		if err := unix.Sendto(fd, frame, 0, to); err != nil {
			t.Fatalf("send on %s: %v", ifname, err)
		}
	}
}

func isMarked(frame []byte) bool {
	return len(frame) >= 14+len(testPage) && binary.BigEndian.Uint16(frame[12:]) == markType &&
		string(frame[14:14+len(testPage)]) == testPage
}

// checkStats compares a finished capture's statistics with its file.
func checkStats(t *testing.T, st Stats, pkts []pcapng.Packet) {
	t.Helper()
	var bytes, byProto uint64
	for _, p := range pkts {
		bytes += uint64(len(p.Data))
	}
	for _, n := range st.ByProtocol {
		byProto += n
	}
	if st.Packets != uint64(len(pkts)) || st.Bytes != bytes || byProto != st.Packets {
		t.Errorf("stats %+v; the file has %d packets of %d bytes", st, len(pkts), bytes)
	}
	if st.Dropped != 0 {
		t.Errorf("%d dropped", st.Dropped)
	}
	if len(st.PerSecond) != 60 {
		t.Errorf("%d values per second, want 60", len(st.PerSecond))
	}
}

// interfaceStats reads the Interface Statistics Blocks of a file (as
// the capture writes it: one little-endian section): isb_ifrecv and
// isb_ifdrop by interface.
func interfaceStats(t *testing.T, path string) map[uint32][2]uint64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	stats := make(map[uint32][2]uint64)
	for len(b) >= 12 {
		typ, total := le.Uint32(b), int(le.Uint32(b[4:]))
		if total < 12 || total > len(b) {
			t.Fatalf("%s: bad block length %d", path, total)
		}
		if typ == 5 { // Interface Statistics Block
			body := b[8 : total-4]
			var st [2]uint64
			for opts := body[12:]; len(opts) >= 4; {
				code, n := le.Uint16(opts), int(le.Uint16(opts[2:]))
				if code == 0 || 4+n > len(opts) {
					break
				}
				if (code == 4 || code == 5) && n == 8 {
					st[code-4] = le.Uint64(opts[4:])
				}
				opts = opts[min(4+(n+3)&^3, len(opts)):]
			}
			stats[le.Uint32(body)] = st
		}
		b = b[total:]
	}
	return stats
}

// tsharkReads checks that tshark opens the file, when tshark is installed.
func tsharkReads(t *testing.T, path string) {
	t.Helper()
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Log("tshark not installed: not checked with it")
		return
	}
	out, err := exec.Command(tshark, "-r", path).CombinedOutput()
	if err != nil {
		t.Fatalf("tshark -r: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "ICMP") || !strings.Contains(string(out), "HTTP") {
		t.Errorf("tshark shows no ICMP or no HTTP:\n%s", out)
	}
}

func TestEndsWhenLabRemoved(t *testing.T) {
	needLive(t, true)
	l := newLab(t)
	c, path := startFile(t, t.Context(), Options{Sources: []Source{
		{Interface: l.bridge, Description: "network"},
		{PID: l.server.pid, Interface: "eth0", Description: "server"},
	}})
	l.ping(t, 1)
	l.remove(t)
	waitDone(t, c)
	if err := c.Err(); err != nil {
		t.Fatalf("Err() = %v, want nil when the interfaces went away", err)
	}
	_, pkts := readFile(t, path)
	for i := range 2 {
		var on []pcapng.Packet
		for _, p := range pkts {
			if p.Interface == i {
				on = append(on, p)
			}
		}
		if req, rep := echoes(on, l.client.ip, l.server.ip); req != 1 || rep != 1 {
			t.Errorf("interface %d: %d echo requests and %d replies, want 1 and 1", i, req, rep)
		}
	}
}

// openFDs counts the test process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestStartErrors(t *testing.T) {
	needLive(t, false)
	fds := openFDs(t)
	for _, tc := range []struct {
		sources []Source
		want    string
	}{
		{[]Source{{Interface: "dsp-no-such0"}}, "interface dsp-no-such0 of the host"},
		// The first source opens; the second's error closes it again.
		{[]Source{{Interface: "lo"}, {Interface: "dsp-no-such1"}}, "interface dsp-no-such1 of the host"},
		{[]Source{{Interface: "lo"}, {PID: 1 << 30, Interface: "eth0"}}, fmt.Sprintf("namespace of process %d", 1<<30)},
	} {
		c, err := Start(t.Context(), io.Discard, Options{Sources: tc.sources})
		if err == nil {
			c.Stop()
			t.Fatalf("%+v: no error", tc.sources)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %q, want one naming %q", tc.sources, err, tc.want)
		}
	}
	if now := openFDs(t); now != fds {
		t.Errorf("%d file descriptors open, %d before: a failed Start left some open", now, fds)
	}
}

// failingWriter fails every write after the first n bytes.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	needLive(t, true)
	l := newLab(t)
	var header bytes.Buffer
	if _, _, err := writeHeader(&header, []Source{{Interface: l.bridge}}, DefaultSnapLen); err != nil {
		t.Fatal(err)
	}
	c, err := Start(t.Context(), &failingWriter{n: header.Len()}, Options{Sources: []Source{{Interface: l.bridge}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	// The write error ends the capture: traffic until it does.
	deadline := time.Now().Add(failAfter)
	for time.Now().Before(deadline) {
		l.ping(t, 1)
		select {
		case <-c.Done():
			if err := c.Err(); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Fatalf("Err() = %v, want the write error", err)
			}
			return
		default:
		}
	}
	t.Fatalf("the capture did not end within %s of write errors", failAfter)
}

func TestWithVLAN(t *testing.T) {
	frame := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x08, 0x00, 0x45}
	got := withVLAN(nil, frame, 0x8100_0064)
	want := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00, 0x45}
	if !bytes.Equal(got, want) {
		t.Fatalf("withVLAN = % x, want % x", got, want)
	}
}
