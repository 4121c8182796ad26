// Package dspserve runs `dsp serve` for the benchmarks: it starts the
// binary on a free loopback port, reads where it serves and logs in.
package dspserve

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Server is a running `dsp serve` and a logged-in client.
type Server struct {
	Base   string // http://127.0.0.1:PORT
	Client *http.Client
	cmd    *exec.Cmd
}

// Start runs `bin --home home serve` on 127.0.0.1:0 and logs in with the
// admin password it created.
func Start(bin, home string) (*Server, error) {
	cmd := exec.Command(bin, "--home", home, "serve", "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd}
	if s.Base, err = serverURL(stdout); err != nil {
		s.Stop()
		return nil, err
	}
	password, err := os.ReadFile(filepath.Join(home, ".dsp.d", "admin-password"))
	if err != nil {
		s.Stop()
		return nil, err
	}
	if s.Client, err = login(s.Base, strings.TrimSpace(string(password))); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Pid is the server's process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Stop interrupts the server (so it cleans up) and kills it after 10 s.
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
	}
}

func serverURL(stdout io.Reader) (string, error) {
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "dsp is serving on "); ok {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return strings.Fields(rest)[0], nil
		}
	}
	return "", fmt.Errorf("dsp serve did not say where it serves")
}

func login(base, password string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body, _ := json.Marshal(map[string]string{"password": password})
	req, _ := http.NewRequest("POST", base+"/api/login", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-DSP-Request", "1")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return nil, fmt.Errorf("login: %s", resp.Status)
	}
	return c, nil
}

// GetJSON GETs url and decodes the answer into v (nil: discard it).
func GetJSON(c *http.Client, url string, v any) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, data)
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(data, v)
}

// Post POSTs to url and expects 202 Accepted (an operation started).
func Post(c *http.Client, url string) error {
	req, _ := http.NewRequest("POST", url, nil)
	req.Header.Set("X-DSP-Request", "1")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		data, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("POST %s: %s: %s", url, resp.Status, data)
	}
	return nil
}
