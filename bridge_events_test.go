package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
)

// eventStream is an app.Emitter for the browser test: every event goes to
// the pages listening on /__events as a server-sent event
// {"name": ..., "data": ...}, which bridgeJS hands to EventsOn's callbacks
// as the Wails runtime would.
type eventStream struct {
	mu   sync.Mutex
	subs map[chan []byte]bool
}

func newEventStream() *eventStream { return &eventStream{subs: map[chan []byte]bool{}} }

// Emit sends one event to every listening page; a page that falls behind
// by more than the buffer loses events, as a test failure will show.
func (e *eventStream) Emit(name string, payload any) {
	data, err := json.Marshal(map[string]any{"name": name, "data": payload})
	if err != nil {
		data, _ = json.Marshal(map[string]any{"name": name, "data": err.Error()})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for c := range e.subs {
		select {
		case c <- data:
		default:
		}
	}
}

func (e *eventStream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := make(chan []byte, 256)
	e.mu.Lock()
	e.subs[c] = true
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.subs, c)
		e.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case data := <-c:
			fmt.Fprintf(w, "data: %s\n\n", data)
			flusher.Flush()
		}
	}
}
