package app

import (
	"flag"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/store"
)

var update = flag.Bool("update", false, "rewrite golden files")

// event is one Emit a recordingEmitter saw.
type event struct {
	Name    string
	Payload any
}

// recordingEmitter is the test Emitter: it keeps every event.
type recordingEmitter struct {
	mu     sync.Mutex
	events []event
}

func (r *recordingEmitter) Emit(name string, payload any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, event{name, payload})
}

func (r *recordingEmitter) all() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events...)
}

// tempStore opens a store in a temporary directory with a clock that
// advances one minute per record.
func tempStore(t *testing.T) *store.Store {
	t.Helper()
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	st, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{
		Clock: func() time.Time { now = now.Add(time.Minute); return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestRelayEmitter(t *testing.T) {
	var relay RelayEmitter
	relay.Emit("early", 1) // no target yet: dropped
	rec := &recordingEmitter{}
	relay.Attach(rec)
	relay.Emit(EventSSOStatus, SSOStatus{Profile: "p"})
	got := rec.all()
	if len(got) != 1 || got[0].Name != EventSSOStatus {
		t.Errorf("events after Attach = %+v, want the one sso:status", got)
	}
}
