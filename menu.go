package main

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/wailsapp/wails/v2/pkg/menu"
	"github.com/wailsapp/wails/v2/pkg/menu/keys"
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// pages are the frontend's routes in navigation order (frontend/src/lib/routes.ts);
// View → page N has the accelerator Ctrl/Cmd+N, as in the frontend.
var pages = [...]struct{ route, label string }{
	{"generate", "Generate"},
	{"validate", "Validate"},
	{"audit", "Audit"},
	{"history", "History"},
	{"settings", "Settings"},
}

// menuAction is the "app:menu" event payload.
type menuAction struct {
	Action string `json:"action"` // "open-policy" | "save-policy" | "navigate"
	Route  string `json:"route,omitempty"`
}

// editCommands are run in the page's focused field: Linux has no native Edit
// menu roles, and the webview already handles the keyboard shortcuts, so the
// items carry no accelerators that would steal the keys from text fields.
// Paste is the exception to document.execCommand: WebKit refuses a scripted
// "paste" (a page may not read the clipboard), so the shell reads the
// clipboard itself and inserts the text (pasteJS).
var editCommands = [...]struct{ label, command string }{
	{"Undo", "undo"},
	{"Redo", "redo"},
	{"Cut", "cut"},
	{"Copy", "copy"},
	{"Paste", "paste"},
	{"Select All", "selectAll"},
}

// pasteJS is the script that inserts text at the caret as a typed paste
// would: through the editing commands, so it fires input events and can be
// undone. JSON encoding makes text a safe JavaScript string literal (Go
// escapes U+2028, U+2029, <, > and &).
func pasteJS(text string) string {
	lit, _ := json.Marshal(text) // a string always encodes
	return "document.execCommand('insertText', false, " + string(lit) + ")"
}

func (d *desktop) paste() {
	text, err := runtime.ClipboardGetText(d.ctx)
	if err != nil {
		d.logger.Warn("paste", "err", err)
		return
	}
	if text != "" {
		runtime.WindowExecJS(d.ctx, pasteJS(text))
	}
}

func (d *desktop) menu() *menu.Menu {
	m := menu.NewMenu()

	file := m.AddSubmenu("File")
	file.AddText("Open Policy…", keys.CmdOrCtrl("o"), func(*menu.CallbackData) { d.openPolicy() })
	file.AddText("Save Policy…", keys.CmdOrCtrl("s"), func(*menu.CallbackData) {
		// The text lives in the frontend: it answers with "app:save-policy".
		runtime.EventsEmit(d.ctx, "app:menu", menuAction{Action: "save-policy"})
	})
	file.AddSeparator()
	file.AddText("Quit", keys.CmdOrCtrl("q"), func(*menu.CallbackData) { runtime.Quit(d.ctx) })

	edit := m.AddSubmenu("Edit")
	for i, c := range editCommands {
		if i == 2 || i == 5 {
			edit.AddSeparator()
		}
		if c.command == "paste" {
			edit.AddText(c.label, nil, func(*menu.CallbackData) { d.paste() })
			continue
		}
		js := fmt.Sprintf("document.execCommand(%q)", c.command)
		edit.AddText(c.label, nil, func(*menu.CallbackData) { runtime.WindowExecJS(d.ctx, js) })
	}

	view := m.AddSubmenu("View")
	for i, p := range pages {
		route := p.route
		view.AddText(p.label, keys.CmdOrCtrl(strconv.Itoa(i+1)), func(*menu.CallbackData) {
			runtime.EventsEmit(d.ctx, "app:menu", menuAction{Action: "navigate", Route: route})
		})
	}

	help := m.AddSubmenu("Help")
	help.AddText("About Aegis IAM", nil, func(*menu.CallbackData) { d.about() })
	return m
}

// about shows the version and the IAM database's date and source.
func (d *desktop) about() {
	msg := "Aegis IAM " + d.version
	if info, err := d.svc.app.Info(); err != nil {
		msg += "\n\nIAM data: unavailable (" + err.Error() + ")"
	} else {
		msg += fmt.Sprintf("\n\nIAM data: %s\n%d services, %d actions\nSource: %s\n\nLocal data: %s",
			info.IAMDataDate, info.Services, info.Actions, info.IAMDataSource, info.DataDir)
	}
	if _, err := runtime.MessageDialog(d.ctx, runtime.MessageDialogOptions{
		Type:    runtime.InfoDialog,
		Title:   "About Aegis IAM",
		Message: msg,
	}); err != nil {
		d.logger.Warn("about dialog", "err", err)
	}
}
