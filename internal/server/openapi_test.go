package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// route is one pattern registered in Server.Handler.
type route struct {
	method string // "" for method-less patterns ("/", "/api/")
	path   string
}

func (r route) String() string { return strings.TrimSpace(r.method + " " + r.path) }

// handlerRoutes reads the patterns registered in Server.Handler from
// server.go, so that a route added there is covered by these tests (and must
// be documented) without anyone remembering to list it.
func handlerRoutes(t *testing.T) []route {
	t.Helper()
	src, err := os.ReadFile("server.go")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)
	start := strings.Index(body, "func (s *Server) Handler() http.Handler {")
	if start < 0 {
		t.Fatal("server.go: no Handler method")
	}
	body = body[start:]
	body = body[:strings.Index(body, "\n}\n")]
	re := regexp.MustCompile(`(?:mux|api)\.Handle(?:Func)?\("(?:([A-Z]+) )?([^"]+)"`)
	seen := map[route]bool{}
	var out []route
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		r := route{method: m[1], path: m[2]}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	if len(out) < 15 {
		t.Fatalf("found only %d routes in server.go: %v", len(out), out)
	}
	return out
}

// apiRoutes are the routes under /api/ with a method (the catch-all left out).
func apiRoutes(t *testing.T) []route {
	var out []route
	for _, r := range handlerRoutes(t) {
		if r.method != "" && strings.HasPrefix(r.path, "/api/") {
			out = append(out, r)
		}
	}
	return out
}

// concrete fills a route's path values with names that exist.
func (r route) concrete() string {
	return strings.NewReplacer("{repo}", "examples", "{lab}", "hello-flag", "{id}", "op-1").Replace(r.path)
}

// publicAPI are the /api routes that answer without a session.
var publicAPI = map[string]bool{"POST /api/login": true, "GET /api/session": true}

func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc
}

// TestOpenAPIDocument checks the embedded document without a server: it is
// OpenAPI 3.1, every $ref resolves, every route of Server.Handler is
// documented and nothing else is, and the guard's rules (session, CSRF
// header, status codes) are stated on every operation.
func TestOpenAPIDocument(t *testing.T) {
	doc := openAPIDoc(t)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}

	// Every $ref resolves.
	checkRefsResolve(t, doc)
	// The security scheme is the session cookie.
	checkSecurityScheme(t, doc)

	paths, _ := doc["paths"].(map[string]any)
	checkRoutesDocumented(t, paths)
	checkGuardDocumented(t, doc, paths)
	// The status codes the API uses all appear.
	checkStatusCodesAppear(t, paths)
	// The SSE stream describes its events.
	checkEventsDescribed(t, doc)
	// Every schema compiles (JSON Schema 2020-12, OpenAPI 3.1's dialect).
	checkSchemasCompile(t, doc)
	// The schemas do reject what the server must not answer, so that
	// conforms() checks something.
	checkSchemasReject(t)
}

// checkRefsResolve checks that every $ref of the document resolves.
func checkRefsResolve(t *testing.T, doc map[string]any) {
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					ref, _ := x.(string)
					if _, ok := resolvePointer(doc, ref); !ok {
						t.Errorf("%s: $ref %q does not resolve", at, ref)
					}
					continue
				}
				walk(x, at+"/"+k)
			}
		case []any:
			for _, x := range v {
				walk(x, at)
			}
		}
	}
	walk(doc, "#")
}

// checkSecurityScheme checks that the security scheme is the session
// cookie.
func checkSecurityScheme(t *testing.T, doc map[string]any) {
	scheme, _ := resolvePointer(doc, "#/components/securitySchemes/sessionCookie")
	sm, _ := scheme.(map[string]any)
	if sm["type"] != "apiKey" || sm["in"] != "cookie" || sm["name"] != sessionCookie {
		t.Errorf("security scheme = %v, want apiKey in cookie %s", sm, sessionCookie)
	}
	if d, _ := sm["description"].(string); !strings.Contains(d, "HttpOnly") || !strings.Contains(d, "SameSite=Strict") {
		t.Errorf("security scheme description does not say HttpOnly and SameSite=Strict: %q", d)
	}
}

// checkRoutesDocumented checks that every route of Server.Handler is
// documented in paths, and nothing else is.
func checkRoutesDocumented(t *testing.T, paths map[string]any) {
	documented := map[string]bool{}
	for p, item := range paths {
		for m := range item.(map[string]any) {
			if m != "parameters" {
				documented[strings.ToUpper(m)+" "+p] = true
			}
		}
	}
	for _, r := range handlerRoutes(t) {
		switch {
		case r.path == "/api/":
			continue // the API's 404 catch-all, described in info
		case r.method == "":
			if !documented["GET "+r.path] {
				t.Errorf("route %s is not documented (as GET)", r)
			}
			delete(documented, "GET "+r.path)
			continue
		}
		if !documented[r.String()] {
			t.Errorf("route %s is not documented in openapi.json", r)
		}
		delete(documented, r.String())
	}
	for extra := range documented {
		t.Errorf("openapi.json documents %s, which Server.Handler does not serve", extra)
	}
}

// checkGuardDocumented checks that the guard's rules (session, CSRF
// header, status codes) are stated on every operation of paths.
func checkGuardDocumented(t *testing.T, doc map[string]any, paths map[string]any) {
	globalSecurity, _ := json.Marshal(doc["security"])
	for p, item := range paths {
		for m, o := range item.(map[string]any) {
			if m == "parameters" {
				continue
			}
			checkOperationGuard(t, doc, globalSecurity, p, item.(map[string]any), m, o.(map[string]any))
		}
	}
}

// checkOperationGuard checks the guard's rules on the operation op, method
// m of the path item of p.
func checkOperationGuard(t *testing.T, doc map[string]any, globalSecurity []byte, p string, item map[string]any, m string, op map[string]any) {
	name := strings.ToUpper(m) + " " + p
	responses, _ := op["responses"].(map[string]any)
	for _, code := range []string{"403", "421"} {
		if responses[code] == nil {
			t.Errorf("%s: no %s answer (request guard)", name, code)
		}
	}
	sec, hasSec := op["security"]
	secured := !hasSec
	if hasSec {
		b, _ := json.Marshal(sec)
		secured = bytes.Equal(b, globalSecurity)
	}
	if strings.HasPrefix(p, "/api/") && !publicAPI[name] {
		if !secured {
			t.Errorf("%s: needs a session but its security is %v", name, sec)
		}
		if responses["401"] == nil {
			t.Errorf("%s: no 401 answer", name)
		}
	}
	if publicAPI[name] || !strings.HasPrefix(p, "/api/") {
		if secured {
			t.Errorf("%s: is public but documented as needing a session", name)
		}
	}
	if m != "get" && m != "head" {
		if !hasParam(doc, op, "header", "X-DSP-Request") {
			t.Errorf("%s: does not document the X-DSP-Request header", name)
		}
	}
	if strings.Contains(p, "{repo}") && !hasParam(doc, item, "path", "repo") {
		t.Errorf("%s: does not document the repo path parameter", name)
	}
	for code := range responses {
		if code[0] < '1' || code[0] > '5' || len(code) != 3 {
			t.Errorf("%s: odd status %q", name, code)
		}
	}
}

// checkStatusCodesAppear checks that the status codes the API uses all
// appear in paths.
func checkStatusCodesAppear(t *testing.T, paths map[string]any) {
	all := map[string]bool{}
	for _, item := range paths {
		for m, o := range item.(map[string]any) {
			if m == "parameters" {
				continue
			}
			for code := range o.(map[string]any)["responses"].(map[string]any) {
				all[code] = true
			}
		}
	}
	for _, code := range []string{"200", "202", "204", "303", "400", "401", "403", "404", "409", "421", "429", "500", "503"} {
		if !all[code] {
			t.Errorf("no operation documents status %s", code)
		}
	}
}

// checkEventsDescribed checks that the SSE stream describes its events.
func checkEventsDescribed(t *testing.T, doc map[string]any) {
	events, _ := resolvePointer(doc, "#/paths/~1api~1events/get")
	desc, _ := events.(map[string]any)["description"].(string)
	for _, name := range []string{"`state`", "`progress`", "`operation`", "`repos`", "text/event-stream"} {
		if !strings.Contains(desc, name) && !strings.Contains(string(mustJSON(events)), name) {
			t.Errorf("/api/events does not describe %s", name)
		}
	}
}

// checkSchemasCompile checks that every schema of the document compiles
// (JSON Schema 2020-12, OpenAPI 3.1's dialect).
func checkSchemasCompile(t *testing.T, doc map[string]any) {
	schemas, _ := resolvePointer(doc, "#/components/schemas")
	var names []string
	for n := range schemas.(map[string]any) {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := compiledSchema(n); err != nil {
			t.Errorf("schema %s: %v", n, err)
		}
	}
}

// checkSchemasReject checks that the schemas reject what the server must
// not answer, so that conforms() checks something.
func checkSchemasReject(t *testing.T) {
	for schema, bad := range map[string]string{
		"Error":     `{"error":"x","extra":1}`,
		"Session":   `{"authenticated":false}`,
		"Status":    `{"repo":"r","lab":"l","instance":"default","project":"p","state":"sleeping","services":[],"networks":[]}`,
		"Operation": `{"id":"op-1","kind":"up","lab":"r/l","state":"running"}`,
		"Details":   `{"repo":"r"}`,
		"LabImages": `{"images":[{"name":"x","services":[],"build":false,"present":"yes","size":0}]}`,
	} {
		s, err := compiledSchema(schema)
		if err != nil {
			continue
		}
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(bad))
		if s.Validate(v) == nil {
			t.Errorf("schema %s accepts %s", schema, bad)
		}
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// hasParam reports whether an operation or path item lists a parameter,
// directly or through a $ref.
func hasParam(doc map[string]any, op map[string]any, in, name string) bool {
	params, _ := op["parameters"].([]any)
	for _, p := range params {
		pm, _ := p.(map[string]any)
		if ref, ok := pm["$ref"].(string); ok {
			v, _ := resolvePointer(doc, ref)
			pm, _ = v.(map[string]any)
		}
		if pm["in"] == in && pm["name"] == name && (in != "header" && in != "path" || pm["required"] == true) {
			return true
		}
	}
	return false
}

// resolvePointer resolves a local JSON pointer ("#/a/b").
func resolvePointer(doc any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	cur := doc
	for _, part := range strings.Split(ref[2:], "/") {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// schemaSet compiles the schemas of one version of openapi.json.
type schemaSet struct {
	name  string // the resource's name
	doc   func() ([]byte, error)
	once  sync.Once
	c     *jsonschema.Compiler
	err   error
	mu    sync.Mutex
	cache map[string]*jsonschema.Schema
}

// compile compiles the schema at a JSON pointer of the document.
func (set *schemaSet) compile(pointer string) (*jsonschema.Schema, error) {
	set.once.Do(func() {
		data, err := set.doc()
		if err != nil {
			set.err = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			set.err = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		if err := c.AddResource(set.name, doc); err != nil {
			set.err = err
			return
		}
		set.c, set.cache = c, map[string]*jsonschema.Schema{}
	})
	if set.err != nil {
		return nil, set.err
	}
	set.mu.Lock()
	defer set.mu.Unlock()
	if s, ok := set.cache[pointer]; ok {
		return s, nil
	}
	s, err := set.c.Compile(set.name + pointer)
	if err != nil {
		return nil, err
	}
	set.cache[pointer] = s
	return s, nil
}

// documented are the schemas of openapi.json as it is.
var documented = &schemaSet{name: "openapi.json", doc: func() ([]byte, error) { return openAPI, nil }}

// strict are the schemas of openapi.json where an object may have only the
// properties the document names: what the server answers beyond them is
// missing from the documentation (and from the web UI's generated types).
var strict = &schemaSet{name: "strict.json", doc: func() ([]byte, error) {
	var doc any
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		return nil, err
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if _, ok := v["properties"]; ok {
				if _, set := v["additionalProperties"]; !set {
					v["additionalProperties"] = false
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
	return json.Marshal(doc)
}}

// compiledSchema compiles #/components/schemas/<name> of the embedded
// document.
func compiledSchema(name string) (*jsonschema.Schema, error) {
	return compiledAt("#/components/schemas/" + name)
}

// compiledAt compiles the schema at a JSON pointer of the embedded
// document.
func compiledAt(pointer string) (*jsonschema.Schema, error) { return documented.compile(pointer) }

// conforms checks a JSON document against a schema of openapi.json: the
// documentation and the server must agree.
func conforms(t *testing.T, schema string, data []byte) {
	t.Helper()
	s, err := compiledSchema(schema)
	if err != nil {
		t.Fatalf("schema %s: %v", schema, err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("answer does not conform to openapi.json's %s: %v\n%s", schema, err, data)
	}
}

// TestOpenAPIServed checks GET /api/openapi.json: behind the session, the
// embedded document, listing every route.
func TestOpenAPIServed(t *testing.T) {
	env := newEnv(t)
	expectError(t, env.do(env.client(), "GET", "/api/openapi.json", nil), http.StatusUnauthorized, "")
	c := env.login()
	res := env.do(c, "GET", "/api/openapi.json", nil)
	expect(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	res.json(t, &doc)
	if !bytes.Equal(res.body, openAPI) {
		t.Errorf("served document differs from the embedded openapi.json")
	}
	for _, r := range handlerRoutes(t) {
		if r.path == "/api/" {
			continue
		}
		m := strings.ToLower(r.method)
		if m == "" {
			m = "get"
		}
		if doc.Paths[r.path][m] == nil {
			t.Errorf("served document lacks %s", r)
		}
	}
}

// docPath is a path of openapi.json as a pattern: each {name} is one
// escaped path segment.
type docPath struct {
	template string
	re       *regexp.Regexp
}

var (
	docPathsOnce sync.Once
	docPaths     []docPath
)

// documentedPath returns the path of openapi.json that an escaped request
// path falls under: an /api path, /login, or / (the UI's files answer
// every other path); "" for an /api path that is no route.
func documentedPath(t *testing.T, escaped string) string {
	docPathsOnce.Do(func() {
		param := regexp.MustCompile(`\\\{[^}]+\\\}`) // {name}, once quoted
		for p := range openAPIDoc(t)["paths"].(map[string]any) {
			docPaths = append(docPaths, docPath{template: p, re: regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(p), `[^/]+`) + "$")})
		}
	})
	for _, p := range docPaths {
		if p.re.MatchString(escaped) {
			return p.template
		}
	}
	if strings.HasPrefix(escaped, "/api/") {
		return ""
	}
	return "/"
}

// checkDocumented reports, as errors of t, what answerProblems finds.
func checkDocumented(t *testing.T, r response) {
	t.Helper()
	for _, p := range answerProblems(t, r) {
		t.Errorf("openapi.json: %s", p)
	}
}

// answerProblems checks an answer against openapi.json: the route's
// operation documents its status, and a JSON body conforms to the schema
// documented for it. Answers of methods a route does not serve, and of
// /api paths that are no route, must be the guard's, the session check's
// or the router's, with an Error body. Redirects of the router to a
// cleaned path (an unescaped .. in the path) are not the API's.
func answerProblems(t *testing.T, r response) []string {
	t.Helper()
	return answerProblemsIn(t, documented, r)
}

// answerProblemsIn is answerProblems with the schemas of set.
func answerProblemsIn(t *testing.T, set *schemaSet, r response) []string {
	t.Helper()
	req := r.Request
	what := fmt.Sprintf("%s %s: %d", req.Method, req.URL.RequestURI(), r.StatusCode)
	if r.StatusCode == http.StatusMovedPermanently || r.StatusCode == http.StatusTemporaryRedirect {
		return nil
	}
	isJSON := strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	p := documentedPath(t, req.URL.EscapedPath())
	method := strings.ToLower(req.Method)
	if method == "head" {
		method = "get"
	}
	op, _ := resolvePointer(openAPIDoc(t), "#/paths/"+pointerEscape(p)+"/"+method)
	if p == "" || op == nil {
		var out []string
		switch r.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusMisdirectedRequest:
		default:
			out = append(out, fmt.Sprintf("%s, but the document has no %s %s", what, strings.ToUpper(method), p))
		}
		if isJSON {
			out = append(out, schemaProblems(set, what, "#/components/schemas/Error", r.body)...)
		}
		return out
	}
	code := fmt.Sprint(r.StatusCode)
	at := "#/paths/" + pointerEscape(p) + "/" + method + "/responses/" + code
	answer, ok := resolvePointer(openAPIDoc(t), at)
	if !ok {
		return []string{fmt.Sprintf("%s: the document has no answer %s for %s %s (body %.200s)", what, code, strings.ToUpper(method), p, r.body)}
	}
	if ref, ok := answer.(map[string]any)["$ref"].(string); ok {
		at = ref
	}
	if !isJSON {
		return nil
	}
	if _, ok := resolvePointer(openAPIDoc(t), at+"/content/application~1json/schema"); !ok {
		return []string{fmt.Sprintf("%s: the document has no JSON body for %s %s %s, the server answered one: %.200s", what, strings.ToUpper(method), p, code, r.body)}
	}
	return schemaProblems(set, what, at+"/content/application~1json/schema", r.body)
}

// schemaProblems checks a JSON document against the schema at a pointer of
// openapi.json.
func schemaProblems(set *schemaSet, what, pointer string, data []byte) []string {
	s, err := set.compile(pointer)
	if err != nil {
		return []string{fmt.Sprintf("%s: schema %s: %v", what, pointer, err)}
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return []string{fmt.Sprintf("%s: body is not JSON: %v\n%.300s", what, err, data)}
	}
	if err := s.Validate(v); err != nil {
		return []string{fmt.Sprintf("%s: the answer does not conform to %s: %v\n%.500s", what, pointer, err, data)}
	}
	return nil
}

// TestAnswerChecks: the check every test's answers go through finds an
// undocumented status, a body that breaks its schema, and an unknown
// route answering what only a route may answer; it accepts documented
// answers.
func TestAnswerChecks(t *testing.T) {
	answer := func(method, target string, status int, body string) response {
		req := httptest.NewRequest(method, target, nil)
		h := http.Header{}
		if body != "" {
			h.Set("Content-Type", "application/json")
		}
		return response{Response: &http.Response{Request: req, StatusCode: status, Header: h}, body: []byte(body)}
	}
	for _, tc := range []struct {
		r    response
		fine bool
	}{
		{answer("GET", "/api/labs/examples/hello%20flag/status", 404, `{"error":"no lab"}`), true},
		{answer("GET", "/api/labs/examples/a%2Fb", 400, `{"error":"lab: bad","field":"lab"}`), true},
		{answer("POST", "/api/labs/r/l/up?instance=x", 202, `{"operation":"op-1","kind":"up","lab":"r/l","instance":"x"}`), true},
		{answer("GET", "/labs/anything", 200, ""), true},
		{answer("PUT", "/", 405, `{"error":"no"}`), true},
		{answer("GET", "/api/nope", 404, `{"error":"no API route"}`), true},
		{answer("GET", "/api/labs/r/l/status", 418, `{"error":"teapot"}`), false},
		{answer("GET", "/api/labs/r/l/status", 404, `{"error":"x","extra":1}`), false},
		{answer("POST", "/api/labs/r/l/up", 202, `{"operation":"op-1","kind":"fly","lab":"r/l","instance":"default"}`), false},
		{answer("GET", "/api/nope", 200, `{}`), false},
	} {
		problems := answerProblems(t, tc.r)
		if tc.fine != (len(problems) == 0) {
			t.Errorf("%s %s %d %s: problems %v", tc.r.Request.Method, tc.r.Request.URL, tc.r.StatusCode, tc.r.body, problems)
		}
	}
}

// pointerEscape escapes a JSON pointer token.
func pointerEscape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// TestAnswersDocumentEveryField: what the API answers has no property
// openapi.json leaves out — the web UI's types are generated from the
// document, so a field it lacks does not exist for the UI. A tour of the
// API on the fake engine: the catalogue, the details of valid, invalid
// and risky labs (a risk of a service and one of a network outside the
// lab), status, instances, images, settings, a start, checks and their
// report, a flag, an upload, a failed pull, and the events of all that.
func TestAnswersDocumentEveryField(t *testing.T) {
	env := newEnv(t)
	c := env.login()
	events := env.events(c)
	repo := uniqueName("strict-")
	env.writeLab(repo, "risky", map[string]string{
		"compose.yaml": "services:\n  a:\n    image: " + baseImage + "\n    privileged: true\n    networks: [outer]\nnetworks:\n  outer:\n    external: true\n",
	})
	env.writeLab(repo, "invalid", map[string]string{
		"compose.yaml": "x-dsp:\n  title: Bad\n  frobnicate: 1\nservices:\n  a:\n    image: " + baseImage + "\n    networks:\n      lan:\n        ipv4_address: 10.99.1.300\nnetworks:\n  lan:\n    ipam:\n      config:\n        - subnet: 10.99.1.0/24\n",
	})
	env.cleanupLab("examples", "hello-flag")

	env.catalogue(c)
	for _, p := range []string{labURL(repo, "risky"), labURL(repo, "invalid"), labURL("examples", "routed-network"), labURL("examples", "hello-flag", "images"), "/api/images", "/api/settings"} {
		expect(t, env.do(c, "GET", p, nil), http.StatusOK)
	}
	up := env.start(c, "POST", labURL("examples", "hello-flag", "up"), nil)
	env.waitOperation(c, up.Operation, time.Minute)
	checks := env.start(c, "POST", labURL("examples", "hello-flag", "checks"), nil)
	env.waitOperation(c, checks.Operation, time.Minute)
	env.details(c, "examples", "hello-flag", "")
	env.status(c, "examples", "hello-flag", "")
	env.instances(c, "examples", "hello-flag")
	env.catalogue(c)
	env.submitFlag(c, "examples", "hello-flag", "FLAG{guess}")
	expect(t, env.upload(c, filesURL("examples", "hello-flag", "target", "/tmp"), []uploadFile{{"a.txt", []byte("a")}}), http.StatusOK)
	pull := env.start(c, "POST", "/api/images/pull", map[string]string{"image": "registry.invalid/dsp-srvtest/strict:1"})
	env.waitOperation(c, pull.Operation, time.Minute)
	down := env.start(c, "POST", labURL("examples", "hello-flag", "down"), nil)
	env.waitOperation(c, down.Operation, time.Minute)
	events.wait("state event (stopped)", 5*time.Second, stateEvent("examples/hello-flag", "stopped"))

	env.mu.Lock()
	answers := append([]response(nil), env.answers...)
	env.mu.Unlock()
	seen := map[string]bool{}
	for _, r := range answers {
		for _, p := range answerProblemsIn(t, strict, r) {
			// One report per kind of answer and problem.
			key := r.Request.Method + " " + documentedPath(t, r.Request.URL.EscapedPath()) + " " + p[strings.Index(p, ": ")+2:]
			if i := strings.Index(key, "\n"); i > 0 {
				key = key[:i]
			}
			if !seen[key] {
				seen[key] = true
				t.Errorf("undocumented: %s", p)
			}
		}
	}
	for _, ev := range events.seen {
		for _, p := range schemaProblems(strict, ev.Name+" event", "#/components/schemas/"+eventSchemas[ev.Name], []byte(ev.Raw)) {
			key := ev.Name + p[:min(len(p), 120)]
			if !seen[key] {
				seen[key] = true
				t.Errorf("undocumented: %s", p)
			}
		}
	}
}
