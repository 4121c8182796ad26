package server

import (
	"context"
	"io"
	"net/http"

	"github.com/coder/websocket"
)

// handleScreen bridges a browser's VNC client (noVNC, binary WebSocket
// messages) to a VM's screen inside its helper container.
func (s *Server) handleScreen(w http.ResponseWriter, r *http.Request) {
	svc, ok := s.service(w, r)
	if !ok {
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
