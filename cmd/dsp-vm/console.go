//go:build linux

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"regexp"
	"time"

	"golang.org/x/sys/unix"
)

// detachKey (Ctrl-]) ends `dsp-vm console` when its stdin is a terminal.
const detachKey = 0x1d

// runConsole is `dsp-vm console`: it connects stdin and stdout to the
// launcher's console socket, a raw copy both ways, until either side
// closes. On a terminal it puts the terminal in raw mode (the guest echoes
// and edits lines itself) and Ctrl-] detaches.
func runConsole(args []string) int {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	sock := fs.String("socket", consoleSock, "the launcher's console socket")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	c, err := net.Dial("unix", *sock)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dsp-vm console: %v (is the machine running?)\n", err)
		return 1
	}
	defer c.Close()

	tty := false
	if restore, err := makeRaw(int(os.Stdin.Fd())); err == nil {
		tty = true
		defer restore()
		fmt.Fprint(os.Stderr, "dsp-vm console: connected to the serial console (Ctrl-] detaches)\r\n")
	}
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(os.Stdout, c)
		done <- struct{}{}
	}()
	go func() {
		copyInput(c, os.Stdin, tty)
		done <- struct{}{}
	}()
	<-done
	if tty {
		fmt.Fprint(os.Stderr, "\r\ndsp-vm console: detached\r\n")
	}
	return 0
}

// copyInput copies in to the console until in ends or, when detachable,
// until the detach key.
func copyInput(c net.Conn, in io.Reader, detachable bool) {
	buf := make([]byte, 4096)
	for {
		n, err := in.Read(buf)
		chunk := buf[:n]
		if detachable {
			if i := bytes.IndexByte(chunk, detachKey); i >= 0 {
				_, _ = c.Write(chunk[:i])
				return
			}
		}
		if _, werr := c.Write(chunk); werr != nil {
			return
		}
		if err != nil {
			if uc, ok := c.(*net.UnixConn); ok && errors.Is(err, io.EOF) {
				// Let the guest's last output through before closing.
				_ = uc.CloseWrite()
				time.Sleep(200 * time.Millisecond)
			}
			return
		}
	}
}

// makeRaw puts terminal fd in raw mode (as cfmakeraw does) and returns the
// function that restores it; it fails when fd is not a terminal.
func makeRaw(fd int) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Oflag &^= unix.OPOST
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &raw); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }, nil
}

// waitPoll is how often `dsp-vm wait` reads the console log.
const waitPoll = 250 * time.Millisecond

// runWait is `dsp-vm wait --console REGEX [--timeout 2m]`: exit 0 as soon
// as the console log matches the regular expression, 1 on timeout, 2 on a
// usage error.
func runWait(args []string) int {
	fs := flag.NewFlagSet("wait", flag.ContinueOnError)
	pattern := fs.String("console", "", "the regular expression (Go syntax) the console log must match")
	timeout := fs.Duration("timeout", 2*time.Minute, "how long to wait")
	logPath := fs.String("log", consoleLog, "the console log")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *pattern == "" || fs.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: dsp-vm wait --console REGEX [--timeout 2m]")
		return 2
	}
	re, err := regexp.Compile(*pattern)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dsp-vm wait: %v\n", err)
		return 2
	}
	matched, err := waitForLog(*logPath, re, *timeout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dsp-vm wait: %v\n", err)
	}
	if !matched {
		return 1
	}
	return 0
}

// waitForLog reads the log every waitPoll until re matches it or the
// timeout passes (a log not yet there counts as empty).
func waitForLog(path string, re *regexp.Regexp, timeout time.Duration) (bool, error) {
	deadline := time.Now().Add(timeout)
	for {
		data, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("read the console log: %w", err)
		}
		if re.Match(data) {
			return true, nil
		}
		if time.Now().After(deadline) {
			return false, fmt.Errorf("%s did not match %q within %s", path, re, timeout)
		}
		time.Sleep(waitPoll)
	}
}
