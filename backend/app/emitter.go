package app

import "sync"

// Emitter is the one seam for runtime calls: tests inject a recorder, the
// desktop injects the Wails runtime (NewWailsEmitter).
type Emitter interface {
	Emit(event string, payload any)
}

// Event names the frontend subscribes to.
const (
	// EventSSOStatus carries SSOStatus while a device sign-in runs.
	EventSSOStatus = "sso:status"
	// EventMenu carries MenuAction for native menu items.
	EventMenu = "app:menu"
	// EventFileOpened carries OpenedFile after File → Open.
	EventFileOpened = "app:file-opened"
)

// SSOStatus is the payload of EventSSOStatus.
type SSOStatus struct {
	Profile string `json:"profile"`
	State   string `json:"state"` // pending, approved, expired or denied
	Message string `json:"message"`
}

// MenuAction is the payload of EventMenu.
type MenuAction struct {
	Action string `json:"action"` // open-policy, save-policy or navigate
	Path   string `json:"path,omitempty"`
	Route  string `json:"route,omitempty"`
}

// OpenedFile is the payload of EventFileOpened.
type OpenedFile struct {
	Path string `json:"path"`
	Text string `json:"text"`
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
