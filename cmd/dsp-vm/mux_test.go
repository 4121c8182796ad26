//go:build linux

package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the pump's goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// readUntil reads from c until the output contains want.
func readUntil(t *testing.T, c net.Conn, want string) string {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var got []byte
	buf := make([]byte, 1024)
	for !bytes.Contains(got, []byte(want)) {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("read %q so far, want %q: %v", got, want, err)
		}
	}
	return string(got)
}

func TestConsoleMux(t *testing.T) {
	guest, serial := net.Pipe()
	var logBuf, outBuf syncBuffer
	m := &consoleMux{serial: serial, log: &logBuf, out: &outBuf}
	pumped := make(chan error, 1)
	go func() { pumped <- m.pump() }()

	l, err := net.Listen("unix", filepath.Join(t.TempDir(), "console.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go m.serve(l)

	// Output before any client is logged and replayed to the first one.
	if _, err := guest.Write([]byte("boot\r\n")); err != nil {
		t.Fatal(err)
	}
	first, err := net.Dial("unix", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	readUntil(t, first, "boot\r\n")

	// The client's input reaches the guest, the guest's output the client.
	if _, err := first.Write([]byte("id\r")); err != nil {
		t.Fatal(err)
	}
	in := bufio.NewReader(guest)
	if line, err := in.ReadString('\r'); err != nil || line != "id\r" {
		t.Fatalf("guest read %q, %v", line, err)
	}
	if _, err := guest.Write([]byte("uid=0(root)\r\n")); err != nil {
		t.Fatal(err)
	}
	readUntil(t, first, "uid=0(root)")

	// A second client replaces the first, which is disconnected.
	second, err := net.Dial("unix", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	readUntil(t, second, "uid=0(root)")
	_ = first.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(first); err != nil {
		t.Errorf("the first client was not closed: %v", err)
	}
	if _, err := guest.Write([]byte("second\r\n")); err != nil {
		t.Fatal(err)
	}
	readUntil(t, second, "second")

	guest.Close()
	if err := <-pumped; err != nil {
		t.Fatal(err)
	}
	want := "boot\r\nuid=0(root)\r\nsecond\r\n"
	if logBuf.String() != want || outBuf.String() != want {
		t.Errorf("log %q, stdout %q, want %q", logBuf.String(), outBuf.String(), want)
	}
}

func TestConsoleMuxReplayIsBounded(t *testing.T) {
	m := &consoleMux{}
	m.toClient(bytes.Repeat([]byte("a"), replaySize))
	m.toClient([]byte("tail"))
	if len(m.recent) != replaySize || !strings.HasSuffix(string(m.recent), "tail") {
		t.Errorf("recent: %d bytes ending %q", len(m.recent), m.recent[len(m.recent)-8:])
	}
}

// fakeQMP answers one QMP session on a UNIX socket as qemu does and returns
// the commands it received.
func fakeQMP(t *testing.T, path string) <-chan []string {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []string, 1)
	go func() {
		defer l.Close()
		c, err := l.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		var commands []string
		_, _ = io.WriteString(c, `{"QMP": {"version": {}, "capabilities": []}}`+"\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				break
			}
			commands = append(commands, strings.TrimSpace(line))
			if strings.Contains(line, "quit") {
				_, _ = io.WriteString(c, `{"timestamp": {}, "event": "SHUTDOWN"}`+"\n")
			}
			_, _ = io.WriteString(c, `{"return": {}}`+"\n")
		}
		got <- commands
	}()
	return got
}

func TestQMPQuit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qmp.sock")
	got := fakeQMP(t, path)
	if err := qmpQuit(path, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	commands := <-got
	want := []string{`{"execute":"qmp_capabilities"}`, `{"execute":"quit"}`}
	if strings.Join(commands, "\n") != strings.Join(want, "\n") {
		t.Errorf("commands %q, want %q", commands, want)
	}
}

func TestQMPQuitNoSocket(t *testing.T) {
	if err := qmpQuit(filepath.Join(t.TempDir(), "none.sock"), 100*time.Millisecond); err == nil {
		t.Error("no error without a socket")
	}
}

func TestWaitForLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "console.log")
	re := regexp.MustCompile(`dsp-vm-ready`)
	// No log yet, then a log without the pattern: a timeout.
	if ok, err := waitForLog(path, re, 10*time.Millisecond); ok || err == nil {
		t.Errorf("no log: %v, %v", ok, err)
	}
	if err := os.WriteFile(path, []byte("booting\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err == nil {
			_, _ = f.WriteString("init: eth0 10.77.3.20/24\r\ndsp-vm-ready\r\n")
			f.Close()
		}
	}()
	if ok, err := waitForLog(path, re, 5*time.Second); !ok || err != nil {
		t.Errorf("waitForLog = %v, %v", ok, err)
	}
}

func TestRunWaitUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"--console", "("}, {"--console", "x", "extra"}, {"--nope"}} {
		if code := runWait(args); code != 2 {
			t.Errorf("runWait(%q) = %d, want 2", args, code)
		}
	}
	path := filepath.Join(t.TempDir(), "console.log")
	if err := os.WriteFile(path, []byte("login: "), 0o644); err != nil {
		t.Fatal(err)
	}
	if code := runWait([]string{"--console", "login:", "--log", path}); code != 0 {
		t.Errorf("match: %d", code)
	}
	if code := runWait([]string{"--console", "ready", "--log", path, "--timeout", "10ms"}); code != 1 {
		t.Errorf("timeout: %d", code)
	}
}
