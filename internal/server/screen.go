package server

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/coder/websocket"

	"github.com/dsp-lab/dsp/internal/app"
)

// handleScreen bridges a browser's VNC client (noVNC, binary WebSocket
// messages) to a VM's screen inside its helper container.
func (s *Server) handleScreen(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.service(w, r)
	if !ok {
		return
	}
	// what refuses the screen is said to a plain request too (the page
	// asks why a WebSocket was refused); only then is the VM dialled
	if !svc.HasScreen() {
		writeErr(w, &app.NoScreenError{Service: svc.Name})
		return
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		writeError(w, http.StatusUpgradeRequired, "", "a VM's screen is a WebSocket: connect with a VNC client such as noVNC")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), opTimeout)
	screen, err := svc.Screen(ctx)
	cancel()
	if err != nil {
		writeErr(w, err)
		return
	}
	defer screen.Close()
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"binary"}})
	if err != nil {
		return // Accept answered
	}
	conn.SetReadLimit(1 << 20)
	ctx, cancel = context.WithCancel(r.Context())
	defer cancel()
	ws := websocket.NetConn(ctx, conn, websocket.MessageBinary)
	defer ws.Close()
	s.log.Info("screen opened", "lab", svc.Ref.String(), "service", svc.Name)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(screen, ws); done <- struct{}{} }()
	go func() { _, _ = io.Copy(ws, screen); done <- struct{}{} }()
	<-done
	s.log.Info("screen closed", "lab", svc.Ref.String(), "service", svc.Name)
}
