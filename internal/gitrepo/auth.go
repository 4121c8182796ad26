package gitrepo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/dsp-lab/dsp/internal/atomicfile"
)

// Auth is what a remote needs to let dsp in. It lives in memory and in the
// Credentials file only.
type Auth struct {
	Username string `json:"username,omitempty"`
	// Token is an HTTPS password or access token.
	Token string `json:"token,omitempty"`
	// SSHKey is the path of a private key file (the key stays in the
	// user's file).
	SSHKey string `json:"sshKey,omitempty"`
}

// IsZero reports whether no credential is set.
func (a Auth) IsZero() bool { return a == Auth{} }

// Credentials is dsp's one file of secrets (mode 0600), keyed by
// repository name.
type Credentials struct {
	path string
	mu   sync.Mutex
}

// NewCredentials opens the credentials file at path (created on first
// save).
func NewCredentials(path string) *Credentials { return &Credentials{path: path} }

// Get returns the credentials kept for a repository (zero when none).
func (c *Credentials) Get(repo string) (Auth, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	all, err := c.read()
	return all[repo], err
}

// Set keeps credentials for a repository, replacing what it had; a zero
// Auth forgets them.
func (c *Credentials) Set(repo string, auth Auth) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	all, err := c.read()
	if err != nil {
		return err
	}
	if auth.IsZero() {
		if _, ok := all[repo]; !ok {
			return nil
		}
		delete(all, repo)
	} else {
		all[repo] = auth
	}
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o700); err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	if err := atomicfile.Write(c.path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("credentials: %w", err)
	}
	return nil
}

func (c *Credentials) read() (map[string]Auth, error) {
	all := map[string]Auth{}
	data, err := os.ReadFile(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return all, nil
	}
	if err != nil {
		return nil, fmt.Errorf("credentials: %w", err)
	}
	if st, err := os.Stat(c.path); err == nil && st.Mode().Perm()&0o077 != 0 {
		// Someone loosened it: tighten it again before using it.
		if err := os.Chmod(c.path, 0o600); err != nil {
			return nil, fmt.Errorf("credentials %s are readable by others and cannot be made private: %w", c.path, err)
		}
	}
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("credentials %s: %w", c.path, err)
	}
	return all, nil
}

// KnownHosts is dsp's own known_hosts file: SSH host keys the user
// accepted.
type KnownHosts struct {
	path string
	mu   sync.Mutex
}

// NewKnownHosts opens the known_hosts file at path (created when a key is
// first accepted).
func NewKnownHosts(path string) *KnownHosts { return &KnownHosts{path: path} }

// Path is the file's location, for messages.
func (k *KnownHosts) Path() string { return k.path }

// check verifies a host key. A known key passes. An unknown one passes
// when its fingerprint is accept (and is then recorded); otherwise, and
// for a changed key, the answer is a *HostKeyError.
func (k *KnownHosts) check(hostname string, remote net.Addr, key ssh.PublicKey, accept string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.ensure(); err != nil {
		return err
	}
	verify, err := knownhosts.New(k.path)
	if err != nil {
		return fmt.Errorf("known_hosts %s: %w", k.path, err)
	}
	err = verify(hostname, remote, key)
	var keyErr *knownhosts.KeyError
	if !errors.As(err, &keyErr) {
		return err
	}
	found := &HostKeyError{Host: hostname, Fingerprint: ssh.FingerprintSHA256(key), Key: key, Changed: len(keyErr.Want) > 0}
	if found.Changed || accept == "" || accept != found.Fingerprint {
		return found
	}
	return k.add(hostname, key)
}

func (k *KnownHosts) ensure() error {
	if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
		return fmt.Errorf("known_hosts: %w", err)
	}
	f, err := os.OpenFile(k.path, os.O_CREATE|os.O_RDONLY, 0o600)
	if err != nil {
		return fmt.Errorf("known_hosts: %w", err)
	}
	return f.Close()
}

func (k *KnownHosts) add(hostname string, key ssh.PublicKey) error {
	f, err := os.OpenFile(k.path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("known_hosts: %w", err)
	}
	line := knownhosts.Line([]string{knownhosts.Normalize(hostname)}, key) + "\n"
	if _, err := f.WriteString(line); err != nil {
		_ = f.Close()
		return fmt.Errorf("known_hosts: %w", err)
	}
	return f.Close()
}

// session is the auth of one git operation, with the host key problem it
// met (go-git may wrap the callback's error beyond recognition).
type session struct {
	method  transport.AuthMethod
	mu      sync.Mutex
	hostKey *HostKeyError
	// sshLogin says an SSH server's host key passed and dsp tried to log
	// in: a failure that is not the network's is then the server saying no
	// (x/crypto/ssh gives that refusal no type of its own).
	sshLogin bool
}

func (s *session) err(err error, auth Auth, remote string) error {
	s.mu.Lock()
	hk := s.hostKey
	s.mu.Unlock()
	if hk != nil {
		return hk.classified()
	}
	var netErr net.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return &AuthError{Remote: remote, Err: scrub(err, auth)}
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return &NotFoundError{Remote: remote, What: "no such repository (or it is private: give credentials)"}
	case s.loginTried() && !errors.As(err, &netErr):
		return &AuthError{Remote: remote, Err: err}
	}
	return scrub(err, auth)
}

func (s *session) loginTried() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sshLogin
}

func (s *session) triedLogin() {
	s.mu.Lock()
	s.sshLogin = true
	s.mu.Unlock()
}

// newSession builds the go-git auth for a remote.
func newSession(r Remote, auth Auth, hosts *KnownHosts, accept string) (*session, error) {
	s := &session{}
	switch r.Kind {
	case HTTPS:
		if auth.Token != "" || auth.Username != "" {
			user := auth.Username
			if user == "" {
				user = "git" // servers that take a token ignore the user name
			}
			s.method = &githttp.BasicAuth{Username: user, Password: auth.Token}
		}
	case SSH:
		user := r.User
		if auth.Username != "" {
			user = auth.Username
		}
		callback := func(hostname string, remote net.Addr, key ssh.PublicKey) error {
			err := hosts.check(hostname, remote, key, accept)
			var hk *HostKeyError
			if errors.As(err, &hk) {
				s.mu.Lock()
				s.hostKey = hk
				s.mu.Unlock()
			}
			return err
		}
		helper := gitssh.HostKeyCallbackHelper{HostKeyCallback: callback}
		switch {
		case auth.SSHKey != "":
			signer, err := readKey(auth.SSHKey)
			if err != nil {
				return nil, err
			}
			s.method = &sshLogin{user: user, helper: helper, signers: []ssh.Signer{signer}, tried: s.triedLogin}
		case os.Getenv("SSH_AUTH_SOCK") != "":
			agent, err := gitssh.NewSSHAgentAuth(user)
			if err != nil {
				return nil, fmt.Errorf("ssh agent: %w", err)
			}
			agent.HostKeyCallbackHelper = helper
			s.method = agent
		default:
			// Without a key the host key is still checked, and the server
			// refuses: the error says what to give.
			s.method = &sshLogin{user: user, helper: helper, tried: s.triedLogin}
		}
	}
	return s, nil
}

// KeyError means an SSH key file cannot be used.
type KeyError struct {
	Path string
	Err  error
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("SSH key %s: %v (dsp takes an unencrypted key file, or keys from a running ssh-agent)", e.Path, e.Err)
}

func (e *KeyError) Unwrap() error { return e.Err }

// InvalidParameter classifies the error (errdefs).
func (e *KeyError) InvalidParameter() {}

// readKey reads an unencrypted private key file.
func readKey(path string) (ssh.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &KeyError{Path: path, Err: err}
	}
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		return nil, &KeyError{Path: path, Err: err}
	}
	return signer, nil
}

// sshLogin is SSH auth with the given keys (none at all: the handshake,
// and its host key check, happen and the login fails). It notes when the
// server got as far as asking for them.
type sshLogin struct {
	user    string
	helper  gitssh.HostKeyCallbackHelper
	signers []ssh.Signer
	tried   func()
}

func (l *sshLogin) Name() string   { return "ssh-public-keys" }
func (l *sshLogin) String() string { return fmt.Sprintf("user: %s, %d keys", l.user, len(l.signers)) }
func (l *sshLogin) ClientConfig() (*ssh.ClientConfig, error) {
	cfg := &ssh.ClientConfig{User: l.user, Auth: []ssh.AuthMethod{ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
		l.tried()
		return l.signers, nil
	})}}
	return l.helper.SetHostKeyCallback(cfg)
}
