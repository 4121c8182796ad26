package labtest

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/lab"
)

// Bounds of one attempt of a check, and the pause between attempts.
const (
	maxAttempt   = 10 * time.Second
	retryPause   = time.Second
	maxBodyBytes = 1 << 20
	maxOutput    = 4 << 10
	// unreachableAttempt is how long a connection may take before the
	// target counts as unreachable (a dropping firewall never answers).
	unreachableAttempt = 3 * time.Second
)

// attempt is what one try of a check found.
type attempt struct {
	ok     bool
	msg    string
	output string
	// final means trying again cannot help (a misconfiguration).
	final bool
}

// runCheck tries a check until it passes or its timeout runs out.
func runCheck(ctx context.Context, eng engine.Engine, ref engine.Ref, c lab.Check) Step {
	started := time.Now()
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var last attempt
	tries := 0
	for {
		tries++
		tryCtx, cancelTry := context.WithTimeout(ctx, maxAttempt)
		last = tryCheck(tryCtx, eng, ref, c)
		cancelTry()
		if last.ok || last.final {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(retryPause):
		}
		if ctx.Err() != nil {
			break
		}
	}
	step := Step{Kind: StepCheck, Name: c.Name, Status: Passed, Duration: since(started), Message: last.msg, Output: tail(last.output)}
	if !last.ok {
		step.Status = Failed
		if !last.final {
			attempts := "1 attempt"
			if tries > 1 {
				attempts = fmt.Sprintf("%d attempts", tries)
			}
			step.Message = fmt.Sprintf("%s (after %s in %s)", last.msg, attempts, c.Timeout)
		}
	}
	return step
}

func tryCheck(ctx context.Context, eng engine.Engine, ref engine.Ref, c lab.Check) attempt {
	if c.Unreachable {
		return tryUnreachable(ctx, eng, ref, c)
	}
	switch c.Kind {
	case lab.CheckCommand:
		return tryCommand(ctx, eng, ref, c)
	case lab.CheckTCP:
		return tryTCP(ctx, eng, ref, c)
	case lab.CheckHTTP:
		return tryHTTP(ctx, eng, ref, c)
	case lab.CheckHealthy:
		return tryHealthy(ctx, eng, ref, c)
	}
	return attempt{msg: fmt.Sprintf("unknown kind of check %q", c.Kind), final: true}
}

func tryCommand(ctx context.Context, eng engine.Engine, ref engine.Ref, c lab.Check) attempt {
	code, out, err := eng.Exec(ctx, ref, c.Service, c.Command, nil)
	if err != nil {
		return attempt{msg: fmt.Sprintf("run %s in %s: %v", c.Command[0], c.Service, err), output: out}
	}
	if code != c.ExitCode {
		return attempt{msg: fmt.Sprintf("%s exited with code %d, want %d", c.Describe(), code, c.ExitCode), output: out}
	}
	if c.Match != "" && !regexp.MustCompile(c.Match).MatchString(out) {
		return attempt{msg: fmt.Sprintf("the output of %s does not match %q", c.Describe(), c.Match), output: out}
	}
	msg := fmt.Sprintf("exit code %d", code)
	if c.Match != "" {
		msg += fmt.Sprintf(", output matches %q", c.Match)
	}
	return attempt{ok: true, msg: msg}
}

func tryTCP(ctx context.Context, eng engine.Engine, ref engine.Ref, c lab.Check) attempt {
	dialer, failed := serviceDialer(ctx, eng, ref, c)
	if failed != nil {
		return *failed
	}
	conn, err := dialer.DialContext(ctx, "tcp", c.Target)
	if err != nil {
		return attempt{msg: fmt.Sprintf("%s: %v", c.Describe(), err), final: cannotDial(err)}
	}
	conn.Close()
	return attempt{ok: true, msg: fmt.Sprintf("%s accepts connections from %s", c.Target, c.Service)}
}

func tryHTTP(ctx context.Context, eng engine.Engine, ref engine.Ref, c lab.Check) attempt {
	dialer, failed := serviceDialer(ctx, eng, ref, c)
	if failed != nil {
		return *failed
	}
	client := httpClient(dialer, maxAttempt)
	req, err := newGet(ctx, c.Target)
	if err != nil {
		return attempt{msg: err.Error(), final: true}
	}
	res, err := client.Do(req)
	if err != nil {
		return attempt{msg: fmt.Sprintf("%s: %v", c.Describe(), err), final: cannotDial(err)}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBodyBytes))
	if err != nil {
		return attempt{msg: fmt.Sprintf("%s: read the answer: %v", c.Describe(), err)}
	}
	if res.StatusCode != c.Status {
		return attempt{msg: fmt.Sprintf("%s answered %s, want %d", c.Describe(), res.Status, c.Status), output: string(body)}
	}
	if c.Match != "" && !regexp.MustCompile(c.Match).Match(body) {
		return attempt{msg: fmt.Sprintf("the page %s does not match %q", c.Target, c.Match), output: string(body)}
	}
	msg := fmt.Sprintf("%s answered %s", c.Target, res.Status)
	if c.Match != "" {
		msg += fmt.Sprintf(", body matches %q", c.Match)
	}
	return attempt{ok: true, msg: msg}
}

// tryUnreachable passes when the service cannot connect to the target
// within a short attempt: refused, no route, or no answer at all (a
// firewall that drops).
func tryUnreachable(ctx context.Context, eng engine.Engine, ref engine.Ref, c lab.Check) attempt {
	dialer, failed := serviceDialer(ctx, eng, ref, c)
	if failed != nil {
		return *failed
	}
	address := c.Target
	if c.Kind == lab.CheckHTTP {
		address = httpAddress(c.Target)
	}
	ctx, cancel := context.WithTimeout(ctx, unreachableAttempt)
	defer cancel()
	conn, err := dialer.DialContext(ctx, "tcp", address)
	switch {
	case err == nil:
		conn.Close()
		return attempt{msg: fmt.Sprintf("%s accepts connections from %s, but should be unreachable", address, c.Service)}
	case cannotDial(err):
		return attempt{msg: err.Error(), final: true}
	}
	return attempt{ok: true, msg: fmt.Sprintf("%s is unreachable from %s: %v", address, c.Service, err)}
}

// httpAddress is the host:port an http(s) URL connects to.
func httpAddress(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func tryHealthy(ctx context.Context, eng engine.Engine, ref engine.Ref, c lab.Check) attempt {
	st, err := eng.Status(ctx, ref, nil)
	if err != nil {
		return attempt{msg: err.Error()}
	}
	svc, ok := st.Service(c.Service)
	status := svc.Health
	switch {
	case !ok:
		return attempt{msg: fmt.Sprintf("service %s has no container", c.Service)}
	case status == "":
		return attempt{msg: fmt.Sprintf("service %s has no healthcheck (add one to the compose service or its image)", c.Service), final: true}
	case status != "healthy":
		return attempt{msg: fmt.Sprintf("service %s is %s", c.Service, status)}
	}
	return attempt{ok: true, msg: fmt.Sprintf("service %s is healthy", c.Service)}
}

// serviceDialer dials from the network namespace of the check's service.
func serviceDialer(ctx context.Context, eng engine.Engine, ref engine.Ref, c lab.Check) (engine.Dialer, *attempt) {
	d, err := eng.Dial(ctx, ref, c.Service)
	if err != nil {
		return nil, &attempt{msg: err.Error(), final: cerrdefs.IsUnavailable(err)}
	}
	return d, nil
}

// cannotDial reports an error that trying again will not help: the
// engine cannot dial from the service's namespace at all (dsp is not root
// on the Docker host, say).
func cannotDial(err error) bool { return cerrdefs.IsUnavailable(err) }

// httpClient returns a client whose connections start in the service's
// namespace. Lab certificates are self-signed, so they are not verified.
func httpClient(d engine.Dialer, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext:       d.DialContext,
			Proxy:             nil,
			DisableKeepAlives: true,
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // lab services use self-signed certificates
		},
	}
}

// tail keeps the end of a command's output.
func tail(s string) string {
	s = strings.TrimRight(s, "\n")
	if len(s) > maxOutput {
		s = "…" + s[len(s)-maxOutput:]
	}
	return s
}

func since(t time.Time) int64 { return time.Since(t).Milliseconds() }
