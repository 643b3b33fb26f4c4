package app

import "sync"

// Emitter is the one seam for runtime calls: tests inject a recorder, the
// desktop injects the Wails runtime (NewWailsEmitter).
type Emitter interface {
	Emit(event string, payload any)
}

// EventSSOStatus carries SSOStatus while a device sign-in runs. (The
// shell's own events, "app:menu" and the file events, are emitted by the
// desktop's main package.)
const EventSSOStatus = "sso:status"

// SSOStatus is the payload of EventSSOStatus.
type SSOStatus struct {
	Profile string `json:"profile"`
	State   string `json:"state"` // pending, approved, expired or denied
	Message string `json:"message"`
}

// RelayEmitter forwards to an Emitter attached later. Services are built
// (and bound) before Wails starts, but the runtime context exists only once
// OnStartup runs: main.go gives services a RelayEmitter and attaches
// NewWailsEmitter(ctx) in OnStartup. Events emitted before that are
// dropped, as there is no window to receive them.
type RelayEmitter struct {
	mu     sync.RWMutex
	target Emitter
}

// Attach sets the Emitter events go to.
func (r *RelayEmitter) Attach(e Emitter) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.target = e
}

// Emit forwards to the attached Emitter, if any.
func (r *RelayEmitter) Emit(event string, payload any) {
	r.mu.RLock()
	target := r.target
	r.mu.RUnlock()
	if target != nil {
		target.Emit(event, payload)
	}
}
