package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a time the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestLoginBackoff: failed logins slow down their client, each wait twice
// the one before, without locking anybody else out: a browser that logged
// in before (it holds its device cookie) and the one-time login URL still
// log in while guesses from the same address wait.
func TestLoginBackoff(t *testing.T) {
	env := newEnv(t)
	clk := &clock{t: time.Now()}
	env.srv.auth.backoff.now = clk.now

	// The admin's browser logged in before: it has a device cookie.
	admin := env.login()
	logout := env.do(admin, "POST", "/api/logout", nil)
	expect(t, logout, http.StatusNoContent)

	guesser := env.client()
	guess := func() response {
		return env.do(guesser, "POST", "/api/login", map[string]string{"password": "guess"})
	}
	for range freeFailures {
		expectError(t, guess(), http.StatusUnauthorized, "password")
	}
	for _, want := range []int{1, 2, 4, 8} {
		res := guess()
		expectError(t, res, http.StatusTooManyRequests, "")
		if got, _ := strconv.Atoi(res.Header.Get("Retry-After")); got != want {
			t.Errorf("Retry-After = %q, want %d", res.Header.Get("Retry-After"), want)
		}
		// The admin's browser is not slowed down by the guesses.
		expectError(t, env.do(admin, "POST", "/api/login", map[string]string{"password": "typo"}), http.StatusUnauthorized, "password")
		clk.advance(time.Duration(want) * time.Second)
		expectError(t, guess(), http.StatusUnauthorized, "password")
	}
	// Still waiting: even the right password is refused from the guesser.
	res := env.do(guesser, "POST", "/api/login", map[string]string{"password": env.password})
	expectError(t, res, http.StatusTooManyRequests, "")
	if res.Header.Get("Set-Cookie") != "" {
		t.Error("a refused login set a cookie")
	}
	if e := res.apiErr(t); !strings.Contains(e.Error, "login URL") {
		t.Errorf("the refusal %q does not point at the one-time login URL", e.Error)
	}
	// The admin logs in with the password, and with a one-time URL.
	expect(t, env.do(admin, "POST", "/api/login", map[string]string{"password": env.password}), http.StatusNoContent)
	link := env.srv.LoginURL(env.ts.URL)
	u, _ := url.Parse(link)
	tokenRes := env.do(env.client(), "GET", u.RequestURI(), nil)
	if tokenRes.StatusCode != http.StatusSeeOther || !strings.Contains(tokenRes.Header.Get("Set-Cookie"), sessionCookie) {
		t.Errorf("the one-time URL while guesses wait: %d, cookies %q", tokenRes.StatusCode, tokenRes.Header.Values("Set-Cookie"))
	}
	// Waits never grow past the ceiling, and are forgotten in time.
	for range 30 {
		env.srv.auth.backoff.fail("address:127.0.0.1")
	}
	if w := env.srv.auth.backoff.wait("address:127.0.0.1"); w > longestWait {
		t.Errorf("wait after many failures = %s, more than %s", w, longestWait)
	}
	clk.advance(forgetAfter + time.Second)
	expectError(t, guess(), http.StatusUnauthorized, "password")
	// A forged device cookie is an address like any other.
	forged := env.client()
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: deviceCookie, Value: "forged.signature", Path: "/api/login"}})
	if env.srv.auth.validDevice("forged.signature") {
		t.Error("a forged device cookie is valid")
	}
}
