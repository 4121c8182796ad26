//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"
)

const (
	// replaySize is how much of the latest output a new console client
	// gets first, so that it sees the prompt it is typing at.
	replaySize = 4096
	// clientWriteTimeout drops a console client that stops reading, so
	// that it never holds the guest's output back.
	clientWriteTimeout = 5 * time.Second
)

// consoleMux owns the guest's serial port. Everything the guest prints goes
// to the console log, to the launcher's stdout (docker logs) and to the
// console client attached, if any; what the client types goes to the
// guest. One client at a time: a new one replaces the old.
type consoleMux struct {
	serial net.Conn
	log    io.Writer
	out    io.Writer

	mu     sync.Mutex
	client net.Conn
	recent []byte // the last replaySize bytes of output
}

// pump copies the guest's output until the serial port closes (qemu
// exited). It returns the first error writing the log, or nil.
func (m *consoleMux) pump() error {
	var logErr error
	buf := make([]byte, 32*1024)
	for {
		n, err := m.serial.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if _, werr := m.log.Write(chunk); werr != nil && logErr == nil {
				logErr = fmt.Errorf("write the console log: %w", werr)
				logf("%v", logErr)
			}
			_, _ = m.out.Write(chunk)
			m.toClient(chunk)
		}
		if err != nil {
			return logErr
		}
	}
}

// toClient remembers chunk for the replay and sends it to the client.
func (m *consoleMux) toClient(chunk []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recent = append(m.recent, chunk...)
	if extra := len(m.recent) - replaySize; extra > 0 {
		m.recent = append(m.recent[:0], m.recent[extra:]...)
	}
	if m.client == nil {
		return
	}
	_ = m.client.SetWriteDeadline(time.Now().Add(clientWriteTimeout))
	if _, err := m.client.Write(chunk); err != nil {
		m.client.Close()
		m.client = nil
	}
}

// serve accepts console clients until the listener closes.
func (m *consoleMux) serve(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				logf("console socket: %v", err)
			}
			return
		}
		m.attach(c)
		go m.fromClient(c)
	}
}

// attach makes c the client, replacing (and disconnecting) the previous
// one, and replays the latest output to it.
func (m *consoleMux) attach(c net.Conn) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.client != nil {
		m.client.Close()
	}
	m.client = c
	_ = c.SetWriteDeadline(time.Now().Add(clientWriteTimeout))
	if _, err := c.Write(m.recent); err != nil {
		c.Close()
		m.client = nil
	}
}

// fromClient copies what client c types to the guest until c goes away,
// then detaches it if it is still the client.
func (m *consoleMux) fromClient(c net.Conn) {
	_, _ = io.Copy(m.serial, c)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.client == c {
		m.client.Close()
		m.client = nil
	}
}

// dialSerial connects to qemu's serial socket, which appears once qemu has
// started (and which qemu waits on before it runs the guest). It gives up
// when exited is closed or after the timeout.
func dialSerial(path string, exited <-chan struct{}, timeout time.Duration) (net.Conn, error) {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.Dial("unix", path)
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("connect to qemu's serial port %s: %w", path, err)
		}
		select {
		case <-exited:
			return nil, errors.New("qemu exited before its serial port was up")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// logf prints one line of the launcher's own log on stderr.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "dsp-vm: "+format+"\n", args...)
}
