//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

const (
	// quitGrace is how long qemu has to quit after QMP's quit before it is
	// killed.
	quitGrace = time.Second
	// serialDialTimeout bounds the wait for qemu's serial socket.
	serialDialTimeout = 30 * time.Second
	// drainTimeout is how long the last output may take to reach the log
	// once qemu has exited.
	drainTimeout = 500 * time.Millisecond
)

// runLauncher boots the machine the configuration file describes and runs
// until qemu exits; it returns the exit code for the container.
func runLauncher(configFile string) int {
	var cfg Config
	var err error
	if env := os.Getenv(configEnv); env != "" {
		// dsp passes the configuration in the environment: no file to
		// write on the host and mount
		if cfg, err = parseConfig([]byte(env)); err != nil {
			err = fmt.Errorf("configuration in $%s: %w", configEnv, err)
		}
	} else {
		cfg, err = loadConfig(configFile)
	}
	if err != nil {
		logf("%v", err)
		return 2
	}
	code, err := launch(cfg)
	if err != nil {
		logf("%v", err)
		return 1
	}
	return code
}

// launch prepares the machine (files, network, disk), starts qemu and
// supervises it: see supervise.
func launch(cfg Config) (int, error) {
	if err := checkFiles(cfg); err != nil {
		return 0, err
	}
	if err := prepareRunDir(); err != nil {
		return 0, err
	}
	cfg, err := setupNICs(cfg)
	if err != nil {
		return 0, err
	}
	for i, n := range cfg.NICs {
		logf("card %d: %s bridged to %s as %s, guest MAC %s, IP %s, gateway %s",
			i, n.Interface, tapName(i), bridgeName(i), n.MAC, orNone(n.IP), orNone(n.Gateway))
	}
	if cfg.Disk != "" {
		if err := prepareOverlay(cfg); err != nil {
			return 0, err
		}
	}
	accel, reason := detectAccel()
	logf("accelerator: %s (%s)", accel, reason)

	logFile, err := os.OpenFile(consoleLog, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
	if err != nil {
		return 0, fmt.Errorf("open the console log: %w", err)
	}
	defer logFile.Close()
	consoleListener, err := net.Listen("unix", consoleSock)
	if err != nil {
		return 0, fmt.Errorf("listen on the console socket: %w", err)
	}
	defer consoleListener.Close()

	// Registered before qemu starts, so that no SIGCHLD is missed.
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGCHLD)
	defer signal.Stop(signals)

	args := qemuArgs(cfg, accel)
	logf("starting %s", strings.Join(args, " "))
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout = os.Stderr // qemu's own messages, not the guest's
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start qemu: %w", err)
	}
	mux := &consoleMux{log: logFile, out: os.Stdout}
	s := &supervisor{qemu: cmd.Process, signals: signals, exited: make(chan struct{})}
	pumped := make(chan struct{})
	go func() {
		defer close(pumped)
		serial, err := dialSerial(serialSock, s.exited, serialDialTimeout)
		if err != nil {
			logf("%v", err)
			s.kill()
			return
		}
		defer serial.Close()
		mux.serial = serial
		go mux.serve(consoleListener)
		_ = mux.pump()
	}()
	code := s.run()
	select {
	case <-pumped:
	case <-time.After(drainTimeout):
	}
	return code, nil
}

// supervisor waits for qemu as the container's PID 1 does: it reaps every
// child (orphans that exec'd processes leave included), asks qemu to quit
// on SIGTERM or SIGINT and kills it when it does not within quitGrace.
type supervisor struct {
	qemu    *os.Process
	signals chan os.Signal
	exited  chan struct{} // closed once qemu is reaped
	killAt  <-chan time.Time
}

// run returns qemu's exit code: its status, or 128 + the signal that
// killed it.
func (s *supervisor) run() int {
	for {
		select {
		case sig := <-s.signals:
			if sig == syscall.SIGCHLD {
				if code, done := s.reap(); done {
					return code
				}
				continue
			}
			if s.killAt == nil {
				logf("%v: asking the machine to quit", sig)
				if err := qmpQuit(qmpSock, quitGrace); err != nil {
					logf("%v", err)
				}
				s.killAt = time.After(quitGrace)
			}
		case <-s.killAt:
			logf("qemu did not quit within %s: killing it", quitGrace)
			s.kill()
			s.killAt = nil
		}
	}
}

// reap collects every child that has exited; done is true once qemu is
// one of them.
func (s *supervisor) reap() (code int, done bool) {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil || pid <= 0 {
			return code, done
		}
		if pid != s.qemu.Pid {
			continue
		}
		done = true
		close(s.exited)
		switch {
		case status.Exited():
			code = status.ExitStatus()
			logf("qemu exited with status %d", code)
		case status.Signaled():
			code = 128 + int(status.Signal())
			logf("qemu was killed by %v", status.Signal())
		}
	}
}

// kill ends qemu at once.
func (s *supervisor) kill() {
	if err := s.qemu.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		logf("kill qemu: %v", err)
	}
}

// qmpQuit tells qemu to quit through its QMP socket: the greeting, the
// capabilities negotiation, then quit.
func qmpQuit(path string, timeout time.Duration) error {
	c, err := net.DialTimeout("unix", path, timeout)
	if err != nil {
		return fmt.Errorf("QMP: %w", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	r := bufio.NewReader(c)
	if _, err := r.ReadBytes('\n'); err != nil {
		return fmt.Errorf("QMP greeting: %w", err)
	}
	for _, command := range []string{"qmp_capabilities", "quit"} {
		if _, err := fmt.Fprintf(c, "{\"execute\":%q}\n", command); err != nil {
			return fmt.Errorf("QMP %s: %w", command, err)
		}
		if err := qmpReply(r); err != nil {
			return fmt.Errorf("QMP %s: %w", command, err)
		}
	}
	return nil
}

// qmpReply reads QMP messages up to the reply to a command, skipping
// events.
func qmpReply(r *bufio.Reader) error {
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			return err
		}
		var msg struct {
			Return json.RawMessage `json:"return"`
			Error  *struct {
				Desc string `json:"desc"`
			} `json:"error"`
		}
		if err := json.Unmarshal(line, &msg); err != nil {
			return fmt.Errorf("decode %q: %w", line, err)
		}
		if msg.Error != nil {
			return errors.New(msg.Error.Desc)
		}
		if msg.Return != nil {
			return nil
		}
	}
}

// checkFiles reports a kernel, initrd or disk the container cannot read.
func checkFiles(cfg Config) error {
	for _, f := range []struct{ key, path string }{
		{"kernel", cfg.Kernel}, {"initrd", cfg.Initrd}, {"disk", cfg.Disk},
	} {
		if f.path == "" {
			continue
		}
		st, err := os.Stat(f.path)
		if err != nil {
			return fmt.Errorf("%s: %w (is the lab's folder mounted?)", f.key, err)
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s %s: not a regular file", f.key, f.path)
		}
	}
	return nil
}

// prepareRunDir makes /run/dsp-vm and removes the sockets a previous run
// of the container left.
func prepareRunDir() error {
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return fmt.Errorf("make %s: %w", runDir, err)
	}
	for _, sock := range []string{serialSock, consoleSock, qmpSock} {
		if err := os.Remove(sock); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove the old %s: %w", sock, err)
		}
	}
	return nil
}

// prepareOverlay makes the copy-on-write disk over the pristine image, or
// reuses the one this container (or, with keepDisk, the state volume)
// already has when it sits on the same image.
func prepareOverlay(cfg Config) error {
	overlay := overlayPath(cfg)
	if overlay == cfg.Disk {
		return fmt.Errorf("disk %s: the overlay's own path", cfg.Disk)
	}
	if _, err := os.Stat(overlay); err == nil {
		backing, err := backingFile(overlay)
		if err != nil {
			return err
		}
		if backing != cfg.Disk {
			return fmt.Errorf("the kept disk %s sits on %s, not on %s: remove it to start afresh", overlay, backing, cfg.Disk)
		}
		logf("disk: reusing %s over %s", overlay, cfg.Disk)
		return nil
	}
	if err := os.MkdirAll(strings.TrimSuffix(overlay, "/"+overlayName), 0o755); err != nil {
		return fmt.Errorf("make the overlay's folder: %w", err)
	}
	args := qemuImgCreateArgs(cfg)
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		return fmt.Errorf("create the overlay %s: %w: %s", overlay, err, strings.TrimSpace(string(out)))
	}
	logf("disk: %s over %s (%s, never written)", overlay, cfg.Disk, cfg.DiskFormat)
	return nil
}

// backingFile is the backing file an overlay names.
func backingFile(overlay string) (string, error) {
	out, err := exec.Command(qemuImgBinary, "info", "--output=json", overlay).Output()
	if err != nil {
		return "", fmt.Errorf("qemu-img info %s: %w", overlay, err)
	}
	var info struct {
		Backing string `json:"backing-filename"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("qemu-img info %s: %w", overlay, err)
	}
	return info.Backing, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
