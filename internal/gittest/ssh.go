package gittest

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// Debian's sshd (package openssh-server) and the git programs it runs for a client.
const (
	sshdPath      = "/usr/sbin/sshd"
	gitUploadPack = "/usr/bin/git-upload-pack"
	sshdPrivsep   = "/run/sshd" // sshd refuses to start without its privilege separation folder
)

// sshdStartTimeout bounds how long NewSSHServer and ChangeHostKey wait for sshd's banner.
const sshdStartTimeout = 15 * time.Second

// SSHServer is Debian's sshd (/usr/sbin/sshd -D -e -f CONFIG) on 127.0.0.1:FREEPORT with a
// throw-away ed25519 host key, accepting only the given authorized public key for the current
// user (root here), so that `ssh://root@127.0.0.1:PORT/abs/path/repo.git` clones and pushes work
// through git-upload-pack and git-receive-pack. Its methods are for the test's goroutine; they
// are not safe for concurrent use.
type SSHServer struct {
	config  string // path of sshd_config, beside the keys and the pid file
	hostKey string // path of the host's private key
	port    int
	user    string

	hostPub ssh.PublicKey
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has been waited for
	stderr  *lockedBuffer
	logs    []string // stderr of earlier sshd processes (before ChangeHostKey)
}

// NewSSHServer starts sshd on a free loopback port, accepting only authorized for the current
// user, and stops it in t.Cleanup. It returns once sshd answers with its SSH banner, and fails
// with sshd's stderr when it does not within 15 s. When the test fails, sshd's log (LogLevel
// VERBOSE) is logged.
func NewSSHServer(t testing.TB, authorized ssh.PublicKey) *SSHServer {
	t.Helper()
	requireFile(t, sshdPath, "openssh-server")
	requireFile(t, gitUploadPack, "git")
	if err := os.MkdirAll(sshdPrivsep, 0o755); err != nil {
		skipOrFail(t, "gittest: sshd needs %s: %v", sshdPrivsep, err)
	}
	current, err := user.Current()
	if err != nil {
		t.Fatalf("gittest: current user: %v", err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("gittest: %v", err)
	}
	dir := t.TempDir()
	s := &SSHServer{
		config:  filepath.Join(dir, "sshd_config"),
		hostKey: filepath.Join(dir, "ssh_host_ed25519_key"),
		port:    port,
		user:    current.Username,
	}
	authorizedKeys := filepath.Join(dir, "authorized_keys")
	// "restrict": no pty, no forwarding, no ~/.ssh/rc; commands (git-upload-pack …) still run.
	line := "restrict " + string(ssh.MarshalAuthorizedKey(authorized))
	if err := os.WriteFile(authorizedKeys, []byte(line), 0o600); err != nil {
		t.Fatalf("gittest: write authorized keys: %v", err)
	}
	if err := os.WriteFile(s.config, []byte(sshdConfig(port, s.hostKey, authorizedKeys, filepath.Join(dir, "sshd.pid"), s.user)), 0o600); err != nil {
		t.Fatalf("gittest: write sshd config: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		if t.Failed() {
			t.Logf("sshd log:\n%s", s.Log())
		}
	})
	if err := s.start(); err != nil {
		t.Fatalf("gittest: %v", err)
	}
	return s
}

// sshdConfig is the whole sshd configuration: nothing comes from /etc/ssh.
func sshdConfig(port int, hostKey, authorizedKeys, pidFile, user string) string {
	return strings.Join([]string{
		"ListenAddress 127.0.0.1:" + strconv.Itoa(port),
		"HostKey " + hostKey,
		"PidFile " + pidFile,
		"AuthorizedKeysFile " + authorizedKeys,
		"AllowUsers " + user,
		"UsePAM no",
		"StrictModes no",
		"PermitRootLogin prohibit-password",
		"PubkeyAuthentication yes",
		"PasswordAuthentication no",
		"KbdInteractiveAuthentication no",
		"AuthenticationMethods publickey",
		"PermitUserEnvironment no",
		"AllowTcpForwarding no",
		"AllowAgentForwarding no",
		"X11Forwarding no",
		"PrintMotd no",
		"PrintLastLog no",
		"UseDNS no",
		"LogLevel VERBOSE",
		"",
	}, "\n")
}

// URL returns the ssh clone URL of the repository at repoDir:
// ssh://USER@127.0.0.1:PORT/<absolute repoDir>, USER being the current user.
func (s *SSHServer) URL(repoDir string) string {
	abs, err := filepath.Abs(repoDir)
	if err != nil {
		panic(fmt.Sprintf("gittest: URL of %s: %v", repoDir, err))
	}
	u := url.URL{Scheme: "ssh", User: url.User(s.user), Host: s.Addr(), Path: filepath.ToSlash(abs)}
	return u.String()
}

// Addr returns the server's address, 127.0.0.1:PORT.
func (s *SSHServer) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// HostKey returns the public host key sshd presents now.
func (s *SSHServer) HostKey() ssh.PublicKey { return s.hostPub }

// Fingerprint returns ssh.FingerprintSHA256(HostKey()), "SHA256:…".
func (s *SSHServer) Fingerprint() string { return ssh.FingerprintSHA256(s.hostPub) }

// Log returns what sshd (LogLevel VERBOSE) wrote to stderr so far, across restarts: accepted
// and refused keys, the commands clients ran.
func (s *SSHServer) Log() string {
	return strings.Join(append(slices.Clone(s.logs), s.stderr.String()), "\n--- sshd restarted ---\n")
}

// ChangeHostKey restarts sshd on the same port with a new host key, for tests that a changed
// host key is refused. It returns once the new sshd answers.
func (s *SSHServer) ChangeHostKey(t testing.TB) {
	t.Helper()
	s.stop()
	s.logs = append(s.logs, s.stderr.String())
	if err := s.start(); err != nil {
		t.Fatalf("gittest: restart sshd with a new host key: %v", err)
	}
}

// Close stops sshd and the sessions it serves. It is safe to call more than once;
// NewSSHServer also calls it in t.Cleanup.
func (s *SSHServer) Close() { s.stop() }

// start writes a new host key and starts sshd, returning when it answers with a banner.
func (s *SSHServer) start() error {
	pub, err := writeEd25519Key(s.hostKey)
	if err != nil {
		return fmt.Errorf("write sshd host key: %w", err)
	}
	s.hostPub = pub
	s.stderr = &lockedBuffer{}
	// sshd re-executes itself for every connection, so it must be started by absolute path.
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", s.config)
	cmd.Stdout = s.stderr
	cmd.Stderr = s.stderr
	// Its own process group, so that stop ends the per-connection children too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// Children that outlive sshd hold its stderr; do not wait for them forever.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", sshdPath, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait() // its outcome shows in stderr
		close(exited)
	}()
	s.cmd, s.exited = cmd, exited
	if err := waitForBanner(s.Addr(), exited, sshdStartTimeout); err != nil {
		s.stop()
		return fmt.Errorf("sshd on %s: %w; its stderr:\n%s", s.Addr(), err, s.stderr.String())
	}
	return nil
}

// stop ends sshd's process group and waits until sshd has exited.
func (s *SSHServer) stop() {
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.exited
	}
	s.cmd, s.exited = nil, nil
}

// waitForBanner polls addr until it accepts a connection and sends an SSH identification line,
// until exited is closed (the server died) or timeout passes.
func waitForBanner(addr string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-exited:
			return errors.New("sshd exited before it answered")
		default:
		}
		// Short attempts, so that a silent listener does not hide sshd's exit; and never a zero
		// timeout, which would mean none.
		err := readBanner(addr, min(max(time.Until(deadline), 100*time.Millisecond), time.Second))
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no SSH banner within %s: %w", timeout, err)
		}
		select {
		case <-exited:
		case <-time.After(20 * time.Millisecond): // poll interval
		}
	}
}

// readBanner connects to addr and reads the server's first line, which must start with "SSH-".
func readBanner(addr string, timeout time.Duration) error {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	// Say who we are, so that sshd logs a closed connection rather than a malformed banner.
	if _, err := io.WriteString(conn, "SSH-2.0-gittest-probe\r\n"); err != nil {
		return fmt.Errorf("write banner: %w", err)
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("read banner: %w", err)
	}
	if !strings.HasPrefix(line, "SSH-") {
		return fmt.Errorf("answer %q is no SSH banner", line)
	}
	return nil
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ClientKey writes a fresh unencrypted ed25519 private key in OpenSSH format (mode 0600) into
// t.TempDir() and returns its path and public key.
func ClientKey(t testing.TB) (path string, pub ssh.PublicKey) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "id_ed25519")
	pub, err := writeEd25519Key(path)
	if err != nil {
		t.Fatalf("gittest: client key: %v", err)
	}
	return path, pub
}

// writeEd25519Key writes a new unencrypted ed25519 private key in OpenSSH format to path
// (mode 0600, replacing any file there) and returns its public key.
func writeEd25519Key(path string) (ssh.PublicKey, error) {
	public, private, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate ed25519 key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(private, "")
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	_ = os.Remove(path) // WriteFile keeps the mode of an existing file
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	pub, err := ssh.NewPublicKey(public)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return pub, nil
}
