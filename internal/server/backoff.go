package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Password guessing is slowed per client, never stopped for everyone: a
// few failures are free, then each further attempt of that client must
// wait twice as long as the one before (up to a ceiling). A client is a
// browser that logged in before (it holds a device cookie, which only this
// server can make), else its address. So a process that guesses from the
// same machine slows only itself and other cookie-less clients of that
// address: the admin's browser logs in as usual, and the one-time login
// URL that dsp serve prints always works.
const (
	freeFailures = 3
	firstWait    = time.Second
	longestWait  = 5 * time.Minute
	// forgetAfter is how long a client's failures count.
	forgetAfter = 15 * time.Minute

	deviceCookie   = "dsp_device"
	deviceLifetime = 365 * 24 * time.Hour
)

// backoff counts each client's recent failed logins.
type backoff struct {
	mu      sync.Mutex
	now     func() time.Time
	clients map[string]*failures
}

type failures struct {
	count int
	last  time.Time
}

func newBackoff(now func() time.Time) *backoff {
	return &backoff{now: now, clients: map[string]*failures{}}
}

// wait returns how long the client must wait before its next attempt (0:
// it may try now).
func (b *backoff) wait(client string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.current(client)
	if f == nil || f.count < freeFailures {
		return 0
	}
	delay := firstWait << min(f.count-freeFailures, 20)
	delay = min(delay, longestWait)
	return max(f.last.Add(delay).Sub(b.now()), 0)
}

func (b *backoff) fail(client string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.current(client)
	if f == nil {
		f = &failures{}
		b.clients[client] = f
	}
	f.count++
	f.last = b.now()
}

func (b *backoff) succeed(client string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.clients, client)
}

// current returns the client's failures that still count; b.mu is held.
func (b *backoff) current(client string) *failures {
	f := b.clients[client]
	if f != nil && b.now().Sub(f.last) > forgetAfter {
		delete(b.clients, client)
		return nil
	}
	return f
}

// loginClient names the client of a login attempt for the back-off: its
// device, when it holds a device cookie this server made, else its
// address.
func (a *auth) loginClient(r *http.Request) string {
	if c, err := r.Cookie(deviceCookie); err == nil && a.validDevice(c.Value) {
		return "device:" + c.Value
	}
	return "address:" + clientIP(r)
}

// newDevice makes a device cookie value: a random id and its signature
// with the admin secret, so that it needs no storage and survives restarts.
func (a *auth) newDevice() string {
	id := randomString(18)
	return id + "." + a.signDevice(id)
}

func (a *auth) validDevice(value string) bool {
	id, sig, ok := strings.Cut(value, ".")
	return ok && id != "" && hmac.Equal([]byte(sig), []byte(a.signDevice(id)))
}

func (a *auth) signDevice(id string) string {
	m := hmac.New(sha256.New, []byte("dsp device\x00"+a.password))
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// setDevice gives a browser that logged in a device cookie, unless it has
// a valid one.
func (s *Server) setDevice(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(deviceCookie); err == nil && s.auth.validDevice(c.Value) {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: s.auth.newDevice(), Path: "/api/login", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: int(deviceLifetime.Seconds())})
}
