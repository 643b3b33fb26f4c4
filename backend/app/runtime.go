package app

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// wailsEmitter sends events to the frontend through the Wails runtime.
type wailsEmitter struct{ ctx context.Context }

// NewWailsEmitter returns the Emitter of the running desktop app; ctx is
// the context Wails passes to OnStartup.
func NewWailsEmitter(ctx context.Context) Emitter { return wailsEmitter{ctx: ctx} }

func (w wailsEmitter) Emit(event string, payload any) { runtime.EventsEmit(w.ctx, event, payload) }
