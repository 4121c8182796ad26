package server

import (
	"encoding/json"
	"sync"
)

// message is one server-sent event.
type message struct {
	name string
	data []byte
}

// hub fans events out to every open event stream. A subscriber that does
// not keep up loses events rather than slowing the others.
type hub struct {
	mu   sync.Mutex
	subs map[chan message]struct{}
}

func newHub() *hub { return &hub{subs: map[chan message]struct{}{}} }

func (h *hub) subscribe() chan message {
	ch := make(chan message, 256)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch
}

func (h *hub) unsubscribe(ch chan message) {
	h.mu.Lock()
	delete(h.subs, ch)
	h.mu.Unlock()
}

// publish sends a named event with a JSON payload to every subscriber.
func (h *hub) publish(name string, payload any) {
	data, err := json.Marshal(payload)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- message{name: name, data: data}:
		default:
		}
	}
}
