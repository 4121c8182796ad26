package server

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dsp-lab/dsp/internal/atomicfile"
)

const (
	sessionCookie   = "dsp_session"
	sessionLifetime = 12 * time.Hour
	tokenLifetime   = 15 * time.Minute
	// PasswordFile is the admin secret's file in dsp's state folder.
	PasswordFile = "admin-password"
)

// auth holds the admin secret, the sessions and the one-time login tokens.
// Sessions live in memory: restarting dsp logs everyone out.
type auth struct {
	password string

	mu       sync.Mutex
	sessions map[string]time.Time // id -> expiry
	tokens   map[string]time.Time // one-time login token -> expiry
	backoff  *backoff             // failed logins per client (backoff.go)
}

// newAuth loads the admin secret from stateDir, creating it (mode 0600) on
// first start; created says whether it was created now.
func newAuth(stateDir string) (a *auth, created bool, err error) {
	path := filepath.Join(stateDir, PasswordFile)
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
	case errors.Is(err, os.ErrNotExist):
		data = []byte(randomString(18))
		if err := atomicfile.Write(path, append(data, '\n'), 0o600); err != nil {
			return nil, false, fmt.Errorf("create admin secret %s: %w", path, err)
		}
		created = true
	default:
		return nil, false, fmt.Errorf("read admin secret %s: %w", path, err)
	}
	password := strings.TrimSpace(string(data))
	if len(password) < 8 {
		return nil, false, fmt.Errorf("admin secret in %s is shorter than 8 characters", path)
	}
	return &auth{
		password: password,
		sessions: map[string]time.Time{},
		tokens:   map[string]time.Time{},
		backoff:  newBackoff(time.Now),
	}, created, nil
}

// checkPassword compares in constant time.
func (a *auth) checkPassword(pw string) bool {
	return subtle.ConstantTimeCompare([]byte(pw), []byte(a.password)) == 1
}

// newLoginToken makes a token that logs in once, within tokenLifetime.
func (a *auth) newLoginToken() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := randomString(24)
	a.tokens[t] = time.Now().Add(tokenLifetime)
	return t
}

// consumeToken reports whether the token was valid, and spends it.
func (a *auth) consumeToken(t string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.tokens[t]
	delete(a.tokens, t)
	return ok && time.Now().Before(exp)
}

func (a *auth) newSession() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	id := randomString(32)
	a.sessions[id] = time.Now().Add(sessionLifetime)
	return id
}

// valid reports whether a session id is live, extending it when it is.
func (a *auth) valid(id string) bool {
	if id == "" {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.sessions[id]
	if !ok || time.Now().After(exp) {
		delete(a.sessions, id)
		return false
	}
	a.sessions[id] = time.Now().Add(sessionLifetime)
	return true
}

func (a *auth) end(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, id)
}

// loginLimiter refuses a key (a session and a lab's flag) after too many
// attempts in a window.
type loginLimiter struct {
	mu       sync.Mutex
	max      int
	window   time.Duration
	failures map[string][]time.Time
}

func newLoginLimiter(max int, window time.Duration) *loginLimiter {
	return &loginLimiter{max: max, window: window, failures: map[string][]time.Time{}}
}

// wait returns how long the client must wait before trying again (0: it may try).
func (l *loginLimiter) wait(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.prune(client)
	if len(recent) < l.max {
		return 0
	}
	return time.Until(recent[0].Add(l.window)).Round(time.Second)
}

func (l *loginLimiter) fail(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[client] = append(l.prune(client), time.Now())
}

func (l *loginLimiter) prune(client string) []time.Time {
	cutoff := time.Now().Add(-l.window)
	var recent []time.Time
	for _, t := range l.failures[client] {
		if t.After(cutoff) {
			recent = append(recent, t)
		}
	}
	if recent == nil {
		delete(l.failures, client)
	} else {
		l.failures[client] = recent
	}
	return recent
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
