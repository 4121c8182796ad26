package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// TestAPIRoutesNeedSession sends every /api route of Server.Handler (read
// from server.go) without a session: 401 with a JSON error, whatever the
// method, and the same for unknown API paths.
func TestAPIRoutesNeedSession(t *testing.T) {
	env := newEnv(t)
	c := env.client()
	for _, r := range apiRoutes(t) {
		if publicAPI[r.String()] {
			continue
		}
		var body any
		if r.method == "POST" {
			body = map[string]string{}
		}
		res := env.do(c, r.method, r.concrete(), body)
		e := expectError(t, res, http.StatusUnauthorized, "")
		if !strings.Contains(e.Error, "log in") {
			t.Errorf("%s: error %q does not say to log in", r, e.Error)
		}
	}
	// Unknown API routes are behind the session too; with one they are 404.
	for _, p := range []string{"/api/nope", "/api/labs/examples", "/api/labs/examples/hello-flag/nope", "/api/"} {
		expectError(t, env.do(c, "GET", p, nil), http.StatusUnauthorized, "")
	}
	logged := env.login()
	for _, p := range []string{"/api/nope", "/api/labs/examples", "/api/labs/examples/hello-flag/nope"} {
		expectError(t, env.do(logged, "GET", p, nil), http.StatusNotFound, "")
	}
	expectError(t, env.do(logged, "DELETE", "/api/labs", nil), http.StatusNotFound, "")
	// A made-up cookie is no session.
	forged := env.client()
	u, _ := url.Parse(env.ts.URL)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: "forged"}})
	expectError(t, env.do(forged, "GET", "/api/labs", nil), http.StatusUnauthorized, "")
	expectError(t, env.do(forged, "GET", "/api/session", nil), http.StatusUnauthorized, "")
}

// TestPasswordLogin covers POST /api/login and GET /api/session.
func TestPasswordLogin(t *testing.T) {
	env := newEnv(t)
	c := env.client()
	expectError(t, env.do(c, "GET", "/api/session", nil), http.StatusUnauthorized, "")

	res := env.do(c, "POST", "/api/login", map[string]string{"password": "not-the-password"})
	expectError(t, res, http.StatusUnauthorized, "password")
	if res.Header.Get("Set-Cookie") != "" {
		t.Errorf("a failed login set a cookie: %s", res.Header.Get("Set-Cookie"))
	}
	// Malformed bodies are 400 (and do not count as failed logins).
	expectError(t, env.do(c, "POST", "/api/login", `{"password":`), http.StatusBadRequest, "")
	expectError(t, env.do(c, "POST", "/api/login", map[string]string{"password": env.password, "user": "admin"}), http.StatusBadRequest, "")
	expectError(t, env.do(c, "POST", "/api/login", nil), http.StatusBadRequest, "Content-Type")
	expectError(t, env.do(c, "POST", "/api/login", `{"password":"`+env.password+`"}`, "Content-Type", "text/plain"), http.StatusBadRequest, "Content-Type")
	expectError(t, env.do(c, "POST", "/api/login", strings.Repeat(" ", 70<<10)+"{}"), http.StatusBadRequest, "")
	expectError(t, env.do(c, "GET", "/api/session", nil), http.StatusUnauthorized, "")

	res = env.do(c, "POST", "/api/login", map[string]string{"password": env.password})
	expect(t, res, http.StatusNoContent)
	checkSessionCookie(t, res.Response)

	res = env.do(c, "GET", "/api/session", nil)
	expect(t, res, http.StatusOK)
	var s map[string]any
	res.json(t, &s)
	if s["authenticated"] != true {
		t.Errorf("session = %s", res.body)
	}
	conforms(t, "Session", res.body)
}

// checkSessionCookie checks the session cookie's attributes on the raw
// Set-Cookie header: HttpOnly, SameSite=Strict, Path=/.
func checkSessionCookie(t *testing.T, res *http.Response) {
	t.Helper()
	var found bool
	for _, raw := range res.Header.Values("Set-Cookie") {
		if !strings.HasPrefix(raw, sessionCookie+"=") {
			continue
		}
		found = true
		attrs := strings.Split(raw, "; ")
		has := func(a string) bool {
			for _, x := range attrs[1:] {
				if strings.EqualFold(x, a) {
					return true
				}
			}
			return false
		}
		if !has("HttpOnly") || !has("SameSite=Strict") || !has("Path=/") {
			t.Errorf("session cookie %q: want HttpOnly, SameSite=Strict and Path=/", raw)
		}
		if len(strings.TrimPrefix(attrs[0], sessionCookie+"=")) < 32 {
			t.Errorf("session id %q is short", attrs[0])
		}
	}
	if !found {
		t.Errorf("no %s cookie set: %v", sessionCookie, res.Header.Values("Set-Cookie"))
	}
}

// TestLoginRateLimit: the 6th failed login within a minute is 429 with
// Retry-After, and so is the right password then.
func TestLoginRateLimit(t *testing.T) {
	env := newEnv(t)
	c := env.client()
	for i := 1; i <= freeFailures; i++ {
		expectError(t, env.do(c, "POST", "/api/login", map[string]string{"password": "wrong-" + strconv.Itoa(i)}), http.StatusUnauthorized, "password")
	}
	res := env.do(c, "POST", "/api/login", map[string]string{"password": "wrong-again"})
	expectError(t, res, http.StatusTooManyRequests, "")
	retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 60 {
		t.Errorf("Retry-After = %q, want 1..60 seconds", res.Header.Get("Retry-After"))
	}
	res = env.do(c, "POST", "/api/login", map[string]string{"password": env.password})
	expectError(t, res, http.StatusTooManyRequests, "")
	if res.Header.Get("Set-Cookie") != "" {
		t.Errorf("a blocked login set a cookie")
	}
}

// TestStateChangesNeedCSRFHeader sends every non-GET route without (and
// with a wrong) X-DSP-Request: 403 naming the header, and nothing happens.
func TestStateChangesNeedCSRFHeader(t *testing.T) {
	env := newEnv(t)
	logged := env.login()
	anon := env.client()
	var n int
	for _, r := range handlerRoutes(t) {
		if r.method == "" || r.method == "GET" {
			continue
		}
		n++
		for _, c := range []*http.Client{logged, anon} {
			for _, value := range []string{"", "0", "true"} {
				body := map[string]string{}
				switch r.path {
				case "/api/login":
					body["password"] = env.password
				case "/api/images/pull":
					body["image"] = "registry.invalid/dsp-srvtest/csrf:1"
				}
				path := r.concrete()
				if r.method == "DELETE" {
					path += "?ref=" + url.QueryEscape(helloImage)
				}
				res := env.do(c, r.method, path, body, "X-DSP-Request", value)
				expectError(t, res, http.StatusForbidden, "X-DSP-Request")
				if res.Header.Get("Set-Cookie") != "" {
					t.Errorf("%s without X-DSP-Request set a cookie", r)
				}
			}
		}
	}
	if n < 6 {
		t.Errorf("only %d state-changing routes found", n)
	}
	// Nothing was started, pulled or removed; the session still works.
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("operations were started without the header: %+v", ops)
	}
	expect(t, env.do(logged, "GET", "/api/session", nil), http.StatusOK)
	res := env.do(logged, "GET", labURL("examples", "hello-flag", "images"), nil)
	expect(t, res, http.StatusOK)
	if !strings.Contains(string(res.body), `"present":true`) {
		t.Errorf("image gone after a refused DELETE: %s", res.body)
	}
	// Other methods on the UI are refused too (405 after the header check).
	expectError(t, env.do(anon, "PUT", "/", "x", "X-DSP-Request", ""), http.StatusForbidden, "X-DSP-Request")
	expectError(t, env.do(anon, "PUT", "/", "x"), http.StatusMethodNotAllowed, "")
	expectError(t, env.do(anon, "OPTIONS", "/api/labs", nil, "Origin", env.ts.URL, "Access-Control-Request-Method", "POST", "X-DSP-Request", ""), http.StatusForbidden, "X-DSP-Request")
}

// TestForeignOriginRefused: a request from another origin is 403 on every
// kind of route; the server's own origin passes.
func TestForeignOriginRefused(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	for _, origin := range []string{"http://evil.example", "null", "https://evil.example", strings.Replace(env.ts.URL, "127.0.0.1", "localhost", 1), env.ts.URL + ".evil.example"} {
		for _, r := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/api/labs", nil},
			{"GET", "/api/events", nil},
			{"POST", "/api/login", map[string]string{"password": env.password}},
			{"POST", labURL("examples", "hello-flag", "up"), nil},
			{"DELETE", "/api/images?ref=" + url.QueryEscape(helloImage), nil},
			{"GET", "/", nil},
			{"GET", "/login?token=x", nil},
		} {
			res := env.do(c, r.method, r.path, r.body, "Origin", origin)
			expectError(t, res, http.StatusForbidden, "Origin")
		}
	}
	if ops := env.app.Operations(); len(ops) != 0 {
		t.Errorf("a foreign origin started operations: %+v", ops)
	}
	expect(t, env.do(c, "GET", "/api/labs", nil, "Origin", env.ts.URL), http.StatusOK)
	expect(t, env.do(c, "POST", "/api/login", map[string]string{"password": env.password}, "Origin", env.ts.URL), http.StatusNoContent)
}

// TestForeignHostRefused: on loopback, a Host that is not a loopback name is
// 421 (DNS rebinding), before anything else.
func TestForeignHostRefused(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	port := env.ts.URL[strings.LastIndex(env.ts.URL, ":"):]
	for _, host := range []string{"evil.example", "evil.example" + port, "127.0.0.1.evil.example" + port, "10.0.0.1" + port} {
		for _, r := range []struct{ method, path string }{{"GET", "/api/labs"}, {"GET", "/"}, {"POST", "/api/login"}, {"GET", "/api/session"}, {"GET", "/login?token=x"}} {
			req := env.request(r.method, r.path, nil)
			req.Host = host
			req.Header.Set("X-DSP-Request", "1")
			res := env.send(c, req)
			expectError(t, res, http.StatusMisdirectedRequest, "Host")
		}
	}
	u, _ := url.Parse(env.ts.URL)
	for _, host := range []string{"localhost" + port, "127.0.0.1" + port, "localhost", "[::1]" + port} {
		req := env.request("GET", "/api/session", nil)
		req.Host = host
		// The jar picks cookies by Host: give the session explicitly.
		for _, ck := range c.Jar.Cookies(u) {
			req.AddCookie(ck)
		}
		if res := env.send(env.client(), req); res.StatusCode != http.StatusOK {
			t.Errorf("Host %s: %d %s; want 200", host, res.StatusCode, res.body)
		}
	}
}

// TestStaticFilesArePublic: the UI is served without a session, /api is
// not; index.html is not cached, assets are.
func TestStaticFilesArePublic(t *testing.T) {
	env := newEnv(t)
	c := env.client()
	for _, p := range []string{"/", "/labs/examples/hello-flag", "/login", "/assets/missing.js", "/assets"} {
		res := env.do(c, "GET", p, nil)
		expect(t, res, http.StatusOK)
		if string(res.body) != indexHTML {
			t.Errorf("GET %s: %q, want index.html", p, res.body)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", p, res.Header.Get("Cache-Control"))
		}
		if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: Content-Type %q", p, res.Header.Get("Content-Type"))
		}
	}
	// Paths that climb out are cleaned: never a file from outside the UI.
	for _, p := range []string{"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2fserver.go", "/..%5c..%5cetc/passwd"} {
		res := env.do(c, "GET", p, nil)
		switch {
		case res.StatusCode == http.StatusOK && string(res.body) == indexHTML:
		case res.StatusCode >= 300 && res.StatusCode < 400:
		default:
			t.Errorf("GET %s: %d %q", p, res.StatusCode, res.body)
		}
	}
	res := env.do(c, "GET", "/index.html", nil)
	if res.StatusCode != http.StatusMovedPermanently && string(res.body) != indexHTML {
		t.Errorf("GET /index.html: %d %q", res.StatusCode, res.body)
	}
	res = env.do(c, "GET", "/assets/app.js", nil)
	expect(t, res, http.StatusOK)
	if string(res.body) != appJS || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("GET /assets/app.js: %q, Cache-Control %q", res.body, res.Header.Get("Cache-Control"))
	}
	res = env.do(c, "HEAD", "/", nil)
	expect(t, res, http.StatusOK)
	expectError(t, env.do(c, "POST", "/", "{}"), http.StatusMethodNotAllowed, "")
	expectError(t, env.do(c, "GET", "/api/labs", nil), http.StatusUnauthorized, "")

	// Without a built UI: 503 saying how to build it; the API still works.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bare, _, err := New(ctx, Options{App: env.app, Logger: quietLog, Loopback: true})
	if err != nil {
		t.Fatal(err)
	}
	env2 := env.with(bare)
	e := expectError(t, env2.do(c, "GET", "/", nil), http.StatusServiceUnavailable, "")
	if !strings.Contains(e.Error, "make web") {
		t.Errorf("no-UI error %q does not say how to build it", e.Error)
	}
	// An assets folder without index.html is the same.
	empty, _, err := New(ctx, Options{App: env.app, Assets: fstest.MapFS{}, Logger: quietLog, Loopback: true})
	if err != nil {
		t.Fatal(err)
	}
	env2 = env.with(empty)
	expectError(t, env2.do(c, "GET", "/anything", nil), http.StatusServiceUnavailable, "")
	// The same password file is used: no new secret on a second start.
	expect(t, env2.do(env2.client(), "POST", "/api/login", map[string]string{"password": env.password}), http.StatusNoContent)
}

// TestOneTimeLoginURL: the URL printed by dsp serve logs in once.
func TestOneTimeLoginURL(t *testing.T) {
	env := newEnv(t)
	link := env.srv.LoginURL(env.ts.URL + "/")
	if !strings.HasPrefix(link, env.ts.URL+"/login?token=") {
		t.Fatalf("LoginURL = %q", link)
	}
	path := strings.TrimPrefix(link, env.ts.URL)

	c := env.client()
	res := env.do(c, "GET", path, nil)
	expect(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("first use redirects to %q, want /", loc)
	}
	checkSessionCookie(t, res.Response)
	expect(t, env.do(c, "GET", "/api/labs", nil), http.StatusOK)

	// Second use, from another browser: expired, no cookie.
	other := env.client()
	res = env.do(other, "GET", path, nil)
	expect(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/#/login?expired=1" {
		t.Errorf("second use redirects to %q, want /#/login?expired=1", loc)
	}
	if res.Header.Get("Set-Cookie") != "" {
		t.Errorf("second use set a cookie: %s", res.Header.Get("Set-Cookie"))
	}
	expectError(t, env.do(other, "GET", "/api/labs", nil), http.StatusUnauthorized, "")

	// Unknown tokens are the same; no token is the UI.
	res = env.do(other, "GET", "/login?token=made-up", nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/#/login?expired=1" || res.Header.Get("Set-Cookie") != "" {
		t.Errorf("unknown token: %d %q %q", res.StatusCode, res.Header.Get("Location"), res.Header.Get("Set-Cookie"))
	}
	res = env.do(other, "GET", "/login", nil)
	expect(t, res, http.StatusOK)
	if string(res.body) != indexHTML {
		t.Errorf("GET /login without a token: %q, want the UI", res.body)
	}
	// Two URLs are independent.
	a, b := env.srv.LoginURL(env.ts.URL), env.srv.LoginURL(env.ts.URL)
	if a == b {
		t.Errorf("two login URLs are equal")
	}
	expect(t, env.do(env.client(), "GET", strings.TrimPrefix(b, env.ts.URL), nil), http.StatusSeeOther)
	res = env.do(env.client(), "GET", strings.TrimPrefix(a, env.ts.URL), nil)
	if res.Header.Get("Location") != "/" {
		t.Errorf("using one URL spent another")
	}
}

// TestLogout ends the session: the cookie is cleared and no longer works,
// even when replayed.
func TestLogout(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	u, _ := url.Parse(env.ts.URL)
	old := c.Jar.Cookies(u)
	other := env.login() // another session is not affected

	res := env.do(c, "POST", "/api/logout", nil)
	expect(t, res, http.StatusNoContent)
	cleared := false
	for _, ck := range res.Cookies() {
		if ck.Name == sessionCookie && ck.MaxAge < 0 {
			cleared = true
		}
	}
	if !cleared {
		t.Errorf("logout did not clear the cookie: %v", res.Header.Values("Set-Cookie"))
	}
	expectError(t, env.do(c, "GET", "/api/labs", nil), http.StatusUnauthorized, "")
	replay := env.client()
	replay.Jar.SetCookies(u, old)
	expectError(t, env.do(replay, "GET", "/api/labs", nil), http.StatusUnauthorized, "")
	expectError(t, env.do(replay, "GET", "/api/session", nil), http.StatusUnauthorized, "")
	expectError(t, env.do(replay, "POST", "/api/logout", nil), http.StatusUnauthorized, "")
	expect(t, env.do(other, "GET", "/api/labs", nil), http.StatusOK)
}

// TestSecurityHeaders: every answer, error or not, carries the security
// headers; none carries CORS headers (also checked after every test).
func TestSecurityHeaders(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	for _, r := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/assets/app.js"}, {"GET", "/api/labs"}, {"GET", "/api/nope"},
		{"POST", "/api/logout"}, {"GET", "/api/labs"}, {"OPTIONS", "/api/labs"},
	} {
		res := env.do(c, r.method, r.path, nil, "Origin", env.ts.URL)
		h := res.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Referrer-Policy") != "no-referrer" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("%s %s: security headers missing: %v", r.method, r.path, h)
		}
		if strings.HasPrefix(h.Get("Content-Type"), "application/json") && h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: JSON without Cache-Control: no-store", r.method, r.path)
		}
	}
}
