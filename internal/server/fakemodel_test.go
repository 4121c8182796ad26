package server

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/dsp-lab/dsp/examples"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/engine/fake"
)

// exampleImages stands in, on the fake engine, for what the example labs'
// images do and the fake has not: hello-target's adduser action (users in
// /etc/passwd, passwords in /etc/shadow), id, its telnet server on port 23
// and web server on port 80 (the staff page of target/www), and
// hello-flag's solution script (a telnet login as a user whose password
// is wonderland, then cat proof.txt). Everything else is the fake's own
// behaviour.
type exampleImages struct {
	e *fake.Engine
}

// The files of the hello-target model.
const (
	passwdFile = "/etc/passwd"
	shadowFile = "/etc/shadow"
)

func (m *exampleImages) exec(ctx context.Context, p *fake.Process) (int, error) {
	if len(p.Argv) == 0 {
		return p.Default(ctx)
	}
	switch name := path.Base(p.Argv[0]); {
	case p.Action == "adduser" && (name == "adduser" || name == "adduser.sh"):
		return m.adduser(ctx, p)
	case name == "id":
		return m.id(p)
	case p.Service == "target" && strings.HasPrefix(name, "dsp-solve-"):
		return m.solveHelloFlag(p)
	}
	return p.Default(ctx)
}

// adduser is hello-target's /adduser.sh --name NAME --password PASSWORD.
func (m *exampleImages) adduser(ctx context.Context, p *fake.Process) (int, error) {
	var name, password string
	for i := 1; i+1 < len(p.Argv); i += 2 {
		switch p.Argv[i] {
		case "--name":
			name = p.Argv[i+1]
		case "--password":
			password = p.Argv[i+1]
		}
	}
	if name == "" || password == "" {
		fmt.Fprintln(p.Stderr, "usage: /adduser.sh --name NAME --password PASSWORD")
		return 2, nil
	}
	passwd, _ := p.ReadFile(passwdFile)
	if len(passwd) == 0 {
		passwd = []byte("root:x:0:0:root:/root:/bin/sh\n")
	}
	passwd = append(passwd, fmt.Sprintf("%s:x:1000:1000:%s:/home/%s:/bin/sh\n", name, name, name)...)
	shadow, _ := p.ReadFile(shadowFile)
	shadow = append(shadow, fmt.Sprintf("%s:%s\n", name, password)...)
	if err := p.WriteFile(passwdFile, passwd, 0o644); err != nil {
		return 0, err
	}
	if err := p.WriteFile(shadowFile, shadow, 0o600); err != nil {
		return 0, err
	}
	mkdir := *p
	mkdir.Argv = []string{"mkdir", "-p", "/home/" + name}
	if code, err := mkdir.Default(ctx); code != 0 || err != nil {
		return code, err
	}
	fmt.Fprintf(p.Stdout, "adduser: created %s (uid 1000, home /home/%s)\n", name, name)
	return 0, nil
}

// id is busybox id USER, for the users adduser made.
func (m *exampleImages) id(p *fake.Process) (int, error) {
	user := "root"
	if len(p.Argv) > 1 {
		user = p.Argv[1]
	}
	passwd, _ := p.ReadFile(passwdFile)
	for _, line := range strings.Split(string(passwd), "\n") {
		f := strings.Split(line, ":")
		if len(f) > 3 && f[0] == user {
			fmt.Fprintf(p.Stdout, "uid=%s(%s) gid=%s(%s) groups=%s(%s)\n", f[2], user, f[3], user, f[3], user)
			return 0, nil
		}
	}
	fmt.Fprintf(p.Stderr, "id: unknown user %s\n", user)
	return 1, nil
}

// solveHelloFlag is what hello-flag's solve.sh does: log in over telnet as
// alice with the password wonderland and print the flag in her home.
func (m *exampleImages) solveHelloFlag(p *fake.Process) (int, error) {
	shadow, _ := p.ReadFile(shadowFile)
	proof, err := p.ReadFile("/home/alice/proof.txt")
	if !strings.Contains("\n"+string(shadow), "\nalice:wonderland\n") || err != nil {
		fmt.Fprintln(p.Stderr, "no flag: the telnet login as alice failed")
		return 1, nil
	}
	fmt.Fprintln(p.Stdout, strings.TrimSpace(string(proof)))
	return 0, nil
}

// dial answers connections to hello-target's telnet (23) and web (80)
// servers; anything else is refused, as the fake does.
func (m *exampleImages) dial(ctx context.Context, r *fake.DialRequest) (net.Conn, error) {
	host, port, err := net.SplitHostPort(r.Address)
	if err != nil || (port != "23" && port != "80") || !m.runsHelloTarget(ctx, r, host) {
		return r.Default(ctx)
	}
	client, server := net.Pipe()
	go func() {
		defer server.Close()
		_ = server.SetDeadline(time.Now().Add(30 * time.Second))
		if port == "23" {
			_, _ = io.WriteString(server, "\r\nhello-target login: ")
			return
		}
		req, err := http.ReadRequest(bufio.NewReader(server))
		if err != nil {
			return
		}
		page, _ := fs.ReadFile(examples.FS(), "hello-flag/target/www/index.html")
		status := "200 OK"
		if req.URL.Path != "/" && req.URL.Path != "/index.html" {
			status, page = "404 Not Found", []byte("404 Not Found\n")
		}
		fmt.Fprintf(server, "HTTP/1.1 %s\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", status, len(page), page)
	}()
	return client, nil
}

// runsHelloTarget reports whether host names a running container of the
// instance whose image is hello-target.
func (m *exampleImages) runsHelloTarget(ctx context.Context, r *fake.DialRequest, host string) bool {
	ip, ok := r.Lookup(host)
	if !ok {
		return false
	}
	st, err := m.e.Status(ctx, r.Ref, nil)
	if err != nil {
		return false
	}
	for _, s := range st.Services {
		if s.Image != helloImage || s.State != engine.ServiceRunning {
			continue
		}
		if ip.IsLoopback() && s.Name == r.Service {
			return true
		}
		for _, n := range s.Networks {
			if n.IP == ip.String() {
				return true
			}
		}
	}
	return false
}

// imageFiles gives a hello-target container on the fake engine the files
// its image ships and the tests read: the web root and a busybox binary
// with /bin/sh a symbolic link to it. The real image has them already.
func (env *testEnv) imageFiles(ref engine.Ref, service string) {
	env.t.Helper()
	if env.fake == nil {
		return
	}
	page, err := fs.ReadFile(examples.FS(), "hello-flag/target/www/index.html")
	if err != nil {
		env.t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	for _, h := range []*tar.Header{
		{Typeflag: tar.TypeDir, Name: "bin/", Mode: 0o755, ModTime: now},
		{Typeflag: tar.TypeReg, Name: "bin/busybox", Mode: 0o755, Size: 1 << 20, ModTime: now},
		{Typeflag: tar.TypeSymlink, Name: "bin/sh", Linkname: "busybox", Mode: 0o777, ModTime: now},
		{Typeflag: tar.TypeDir, Name: "var/", Mode: 0o755, ModTime: now},
		{Typeflag: tar.TypeDir, Name: "var/www/", Mode: 0o755, ModTime: now},
		{Typeflag: tar.TypeReg, Name: "var/www/index.html", Mode: 0o644, Size: int64(len(page)), ModTime: now},
	} {
		if err := tw.WriteHeader(h); err != nil {
			env.t.Fatal(err)
		}
		switch h.Name {
		case "bin/busybox":
			_, err = tw.Write(bytes.Repeat([]byte{0x7f, 'E', 'L', 'F'}, 1<<18))
		case "var/www/index.html":
			_, err = tw.Write(page)
		}
		if err != nil {
			env.t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		env.t.Fatal(err)
	}
	if err := env.eng.CopyIn(context.Background(), ref, service, "/", &buf); err != nil {
		env.t.Fatal(err)
	}
}
