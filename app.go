package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/aegis-iam/aegis/backend/app"
)

// desktop is the Wails lifecycle of the main window: it keeps the runtime
// context, attaches the event emitter, restores and remembers the window
// geometry through the SettingsService, serves the native menus and file
// dialogs (menu.go, files.go) and closes the services and the store.
type desktop struct {
	ctx     context.Context
	svc     *services
	closeDB func() error
	version string
	started time.Time // when main began: the cold-start clock
	logger  *slog.Logger
	window  app.WindowState // as saved by the last run
	theme   string          // as saved by the last run: system, dark or light
}

func newDesktop(svc *services, closeDB func() error, version string, started time.Time, logger *slog.Logger) *desktop {
	d := &desktop{svc: svc, closeDB: closeDB, version: version, started: started, logger: logger}
	if s, err := svc.settings.Get(); err != nil {
		logger.Warn("window state not restored", "err", err)
	} else {
		d.window, d.theme = s.Window, s.Theme
	}
	return d
}

// background is the window colour before the page paints, matching the
// page's own background so a dark-themed start does not flash white.
func (d *desktop) background() *options.RGBA {
	if d.theme == "dark" {
		return &options.RGBA{R: 11, G: 16, B: 32, A: 255}
	}
	return &options.RGBA{R: 241, G: 245, B: 255, A: 255}
}

func (d *desktop) startup(ctx context.Context) {
	d.logger.Info("startup", "since_start", time.Since(d.started).Round(time.Millisecond))
	d.ctx = ctx
	d.svc.events.Attach(app.NewWailsEmitter(ctx))
	d.listen()
	runtime.EventsOnce(ctx, "app:ready", func(...any) {
		d.logger.Info("first paint", "since_start", time.Since(d.started).Round(time.Millisecond))
	})
	if w := d.window; w.Width > 0 && !w.Maximised && (w.X != 0 || w.Y != 0) {
		runtime.WindowSetPosition(ctx, w.X, w.Y)
	}
}

func (d *desktop) domReady(context.Context) {
	d.logger.Info("dom ready", "since_start", time.Since(d.started).Round(time.Millisecond))
}

// beforeClose ends any open dialog (without that the process would not exit:
// see endModalDialogs) and remembers the window geometry; it never prevents
// closing. Wails calls it for the close button, File → Quit and SIGTERM alike.
func (d *desktop) beforeClose(ctx context.Context) bool {
	endModalDialogs()
	s, err := d.svc.settings.Get()
	if err != nil {
		d.logger.Warn("window state not saved", "err", err)
		return false
	}
	s.Window.Maximised = runtime.WindowIsMaximised(ctx)
	if !s.Window.Maximised {
		// A maximised window keeps its last normal geometry for the next start.
		s.Window.X, s.Window.Y = runtime.WindowGetPosition(ctx)
		s.Window.Width, s.Window.Height = runtime.WindowGetSize(ctx)
	}
	if _, err := d.svc.settings.Save(s); err != nil {
		d.logger.Warn("window state not saved", "err", err)
	}
	return false
}

func (d *desktop) shutdown(context.Context) {
	d.svc.cancel()
	if err := d.closeDB(); err != nil {
		d.logger.Error("closing the database", "err", err)
	}
}
