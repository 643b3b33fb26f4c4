// Command aegis-iam is the Aegis IAM desktop app: the composition root that
// opens the local store, builds the backend/app services the frontend binds,
// and runs the Wails window with its native menus. See docs/desktop.md.
package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/aegis-iam/aegis/backend/store"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

const title = "Aegis IAM"

// Default and minimum window sizes; the last size used is restored.
const (
	defaultWidth, defaultHeight = 1280, 800
	minWidth, minHeight         = 960, 640
)

func main() {
	started := time.Now()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(started, logger); err != nil {
		fmt.Fprintf(os.Stderr, "aegis-iam: %v\n", err)
		os.Exit(1)
	}
}

func run(started time.Time, logger *slog.Logger) error {
	dir, err := store.DataDir(os.Getenv)
	if err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if errors.Is(err, store.ErrAlreadyRunning) {
		return alreadyRunning(err)
	}
	if err != nil {
		return fmt.Errorf("opening the local database: %w", err)
	}
	svc, err := newServices(st, version, logger)
	if err != nil {
		return errors.Join(err, st.Close())
	}
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		return errors.Join(err, st.Close())
	}
	d := newDesktop(svc, st.Close, version, started, logger)
	window := d.window
	return wails.Run(&options.App{
		Title:            title,
		Width:            orDefault(window.Width, defaultWidth),
		Height:           orDefault(window.Height, defaultHeight),
		MinWidth:         minWidth,
		MinHeight:        minHeight,
		WindowStartState: startState(window.Maximised),
		BackgroundColour: d.background(),
		AssetServer:      &assetserver.Options{Assets: dist, Middleware: withIndexNonce(dist)},
		Menu:             d.menu(),
		OnStartup:        d.startup,
		OnDomReady:       d.domReady,
		OnBeforeClose:    d.beforeClose,
		OnShutdown:       d.shutdown,
		Bind:             svc.bindings(),
		Linux:            &linux.Options{Icon: icon, ProgramName: "aegis-iam", WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
	})
}

// alreadyRunning tells the user, in a native dialog as well as on stderr
// (a desktop launcher has no terminal), that another instance holds the
// database, and returns the error so the process exits with status 1.
func alreadyRunning(cause error) error {
	msg := "Aegis IAM is already running. Switch to its window, or close it before starting another one."
	err := wails.Run(&options.App{
		Title:       title + " is already running",
		Width:       420,
		Height:      160,
		StartHidden: true,
		AssetServer: &assetserver.Options{Assets: assets},
		OnStartup: func(ctx context.Context) {
			go func() {
				_, _ = runtime.MessageDialog(ctx, runtime.MessageDialogOptions{
					Type: runtime.ErrorDialog, Title: title + " is already running", Message: msg,
				})
				runtime.Quit(ctx)
			}()
		},
		Linux: &linux.Options{Icon: icon, ProgramName: "aegis-iam"},
	})
	if err != nil {
		return fmt.Errorf("%w (showing the dialog failed: %v)", cause, err)
	}
	return cause
}

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func startState(maximised bool) options.WindowStartState {
	if maximised {
		return options.Maximised
	}
	return options.Normal
}
