// Package gittest runs real git servers on loopback for tests of dsp's git client.
//
// A [Repo] is a bare repository on disk that a test changes like an upstream author would.
// [HTTPServer] serves bare repositories over git's smart HTTP protocol (Debian's
// git-http-backend behind net/http/cgi), optionally behind HTTP basic auth. [SSHServer] is
// Debian's sshd on a free loopback port with a throw-away host key, accepting one client key.
//
// dsp itself never runs the git binary; only these test servers do. When a server's binary is
// missing the test is skipped with the apt-get command that installs it, unless CI=true, when it
// fails instead.
package gittest

import (
	"bytes"
	"os"
	"sync"
	"testing"
)

// requireFile skips the test (or fails it when CI=true) when the program at path is missing,
// naming the Debian package that provides it.
func requireFile(t testing.TB, path, debianPackage string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		skipOrFail(t, "gittest: %s is missing (%v): apt-get update && apt-get install -y %s", path, err, debianPackage)
	}
}

// skipOrFail skips the test with the message, or fails it when the environment variable CI is
// "true": on CI a missing tool is a broken machine, not a reason to test less.
func skipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// lockedBuffer is a bytes.Buffer safe for the concurrent writes of a child process's output
// copier and the test's reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
