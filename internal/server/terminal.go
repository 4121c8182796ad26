package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/dsp-lab/dsp/internal/app"
	"github.com/dsp-lab/dsp/internal/engine"
	"github.com/dsp-lab/dsp/internal/safepath"
)

// Terminal sizes accepted from clients.
const (
	defaultCols, defaultRows = 80, 24
	maxTermSize              = 1000
	maxCmdArgs               = 64
)

// terminals tracks the open terminals of a server, so that dsp serve can
// wait for their processes to be ended before it exits. It holds no
// target: each terminal is its own exec on its own websocket.
type terminals struct {
	wg sync.WaitGroup
}

// WaitTerminals waits (up to ctx) until every terminal has ended and
// cleaned up its process. Terminals end by themselves when the server's
// context ends.
func (s *Server) WaitTerminals(ctx context.Context) {
	done := make(chan struct{})
	go func() { s.terms.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// service resolves the {repo}, {lab}, {service} and instance of a
// terminal or file request to a service the user may reach into,
// answering the request itself when it cannot: 400 for bad names, 404 for
// an unknown lab or service, 403 when the lab forbids the shell for the
// service (which also forbids file transfer), 409 when the service has no
// running container.
func (s *Server) service(w http.ResponseWriter, r *http.Request) (*app.Service, bool) {
	t, ref, ok := s.target(w, r)
	if !ok {
		return nil, false
	}
	name := r.PathValue("service")
	if err := safepath.Name(name); err != nil {
		writeError(w, http.StatusBadRequest, "service", "service: %v", err)
		return nil, false
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	defer cancel()
	svc, err := s.app.Service(ctx, t, ref, name)
	if err != nil {
		field := ""
		if cerrdefs.IsNotFound(err) || cerrdefs.IsPermissionDenied(err) {
			field = "service"
		}
		writeError(w, statusFor(err), field, "%v", err)
		return nil, false
	}
	return svc, true
}

// termSize reads the cols or rows query parameter.
func termSize(w http.ResponseWriter, r *http.Request, name string, def uint) (uint, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n < 1 || n > maxTermSize {
		writeError(w, http.StatusBadRequest, name, "%s must be a whole number from 1 to %d", name, maxTermSize)
		return 0, false
	}
	return uint(n), true
}

// termMessage is a text frame of the terminal protocol.
type termMessage struct {
	Type    string `json:"type"`
	Cols    uint   `json:"cols,omitempty"`
	Rows    uint   `json:"rows,omitempty"`
	Code    *int   `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// handleTerminal serves GET .../services/{service}/terminal: a WebSocket
// to a new exec with a TTY in the service's container. Binary frames are
// the terminal's bytes both ways; the client sends {"type":"resize"} text
// frames; the server ends with {"type":"exit","code":N} (or
// {"type":"error"}) and a close frame. Closing the socket ends the process.
func (s *Server) handleTerminal(w http.ResponseWriter, r *http.Request) {
	cols, ok := termSize(w, r, "cols", defaultCols)
	if !ok {
		return
	}
	rows, ok := termSize(w, r, "rows", defaultRows)
	if !ok {
		return
	}
	cmd := r.URL.Query()["cmd"]
	if len(cmd) > maxCmdArgs {
		writeError(w, http.StatusBadRequest, "cmd", "at most %d cmd arguments", maxCmdArgs)
		return
	}
	for _, a := range cmd {
		if strings.ContainsRune(a, 0) || len(a) > 4096 {
			writeError(w, http.StatusBadRequest, "cmd", "a cmd argument contains NUL or is longer than 4096 bytes")
			return
		}
	}
	if len(cmd) > 0 && cmd[0] == "" {
		writeError(w, http.StatusBadRequest, "cmd", "the first cmd argument (the program) is empty")
		return
	}
	svc, ok := s.service(w, r)
	if !ok {
		return
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		writeError(w, http.StatusBadRequest, "Upgrade", "this route is a WebSocket: connect with Upgrade: websocket")
		return
	}
	// Accept checks that Origin names this host (the guard did too).
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept answered
	}
	s.terms.wg.Add(1)
	defer s.terms.wg.Done()
	conn.SetReadLimit(4 << 20) // a large paste
	s.runTerminal(r.Context(), conn, svc, engine.AttachOptions{Cmd: cmd, TTY: true, Cols: cols, Rows: rows})
}

// runTerminal pumps one terminal until its process ends or its socket
// closes, then makes sure the process is gone.
func (s *Server) runTerminal(parent context.Context, conn *websocket.Conn, svc *app.Service, opts engine.AttachOptions) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	service := svc.Name
	log := s.log.With("lab", svc.Ref.String(), "service", service)

	sess, err := svc.Attach(ctx, opts)
	if err != nil {
		log.Info("terminal failed to start", "err", err)
		sendTermMessage(ctx, conn, termMessage{Type: "error", Message: fmt.Sprintf("cannot start a shell in service %s: %v", service, err)})
		conn.Close(websocket.StatusInternalError, "exec failed")
		return
	}
	log.Info("terminal opened", "exec", sess.ID())
	defer func() {
		if err := sess.Close(); err != nil {
			log.Warn("terminal: the process may still run", "exec", sess.ID(), "err", err)
		}
		log.Info("terminal closed", "exec", sess.ID())
	}()

	outDone := make(chan struct{})
	go pumpOutput(ctx, cancel, conn, sess, outDone)
	go pumpInput(ctx, cancel, conn, sess)
	go pingPeer(ctx, cancel, conn)

	code, err := sess.Wait(ctx)
	endTerminal(ctx, conn, service, outDone, code, err)
}

// pumpOutput sends the process's output to the client as binary frames
// until the output ends; it closes done then. A client that cannot be
// written to ends the terminal.
func pumpOutput(ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn, sess engine.Session, done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 32<<10)
	for {
		n, err := sess.Read(buf)
		if n > 0 {
			if werr := conn.Write(ctx, websocket.MessageBinary, buf[:n]); werr != nil {
				cancel()
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// pumpInput passes the client's keys and resizes to the process. When the
// client goes, so does the process.
func pumpInput(ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn, sess engine.Session) {
	defer cancel()
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			return
		}
		if typ == websocket.MessageBinary {
			if _, err := sess.Write(data); err != nil {
				return
			}
			continue
		}
		resizeTerminal(ctx, sess, data)
	}
}

// resizeTerminal applies a text frame {"type":"resize"} of a sensible
// size; unknown control messages are ignored.
func resizeTerminal(ctx context.Context, sess engine.Session, data []byte) {
	var m termMessage
	if json.Unmarshal(data, &m) != nil || m.Type != "resize" {
		return
	}
	if m.Cols >= 1 && m.Cols <= maxTermSize && m.Rows >= 1 && m.Rows <= maxTermSize {
		_ = sess.Resize(ctx, m.Cols, m.Rows)
	}
}

// pingPeer notices, by pings, a peer that vanished without closing (a
// laptop put to sleep), and ends the terminal then.
func pingPeer(ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, pcancel := context.WithTimeout(ctx, 20*time.Second)
			err := conn.Ping(pctx)
			pcancel()
			if err != nil {
				cancel()
				return
			}
		}
	}
}

// endTerminal closes the socket once the process has ended (Wait returned
// code and err): with the exit frame, or an error frame, after the last
// output; at once when the terminal was ended from this side.
func endTerminal(ctx context.Context, conn *websocket.Conn, service string, outDone <-chan struct{}, code int, err error) {
	if ctx.Err() != nil {
		// The client closed the socket (or the server stops): the deferred
		// Close ends the process. The socket is given up, not closed
		// politely, so there is nothing to do with an error here.
		_ = conn.CloseNow()
		return
	}
	// Let the last output reach the client before the exit frame.
	select {
	case <-outDone:
	case <-time.After(2 * time.Second):
	}
	if err != nil {
		msg := err.Error()
		if errors.Is(err, engine.ErrGone) {
			msg = fmt.Sprintf("the container of service %s stopped (was the lab stopped?)", service)
		}
		sendTermMessage(ctx, conn, termMessage{Type: "error", Message: msg})
		conn.Close(websocket.StatusGoingAway, "container stopped")
		return
	}
	sendTermMessage(ctx, conn, termMessage{Type: "exit", Code: &code})
	conn.Close(websocket.StatusNormalClosure, "exited")
}

func sendTermMessage(ctx context.Context, conn *websocket.Conn, m termMessage) {
	data, _ := json.Marshal(m)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = conn.Write(wctx, websocket.MessageText, data)
}
