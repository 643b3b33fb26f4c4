package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// maxPolicyFile bounds what Open reads: IAM's largest policy is 10 KB, and a
// CloudFormation template tops out at 1 MB; anything bigger is a wrong file.
const maxPolicyFile = 4 << 20

var policyFilters = []runtime.FileFilter{
	{DisplayName: "Policies and templates (*.json, *.yaml, *.yml, *.tf)", Pattern: "*.json;*.yaml;*.yml;*.tf"},
	{DisplayName: "All files", Pattern: "*"},
}

// Payloads of the file events; the frontend's src/api/events.ts mirrors them.
type (
	fileOpened struct {
		Path string `json:"path"`
		Text string `json:"text"`
	}
	fileSaved struct {
		Path string `json:"path"`
	}
	fileError struct {
		Message string `json:"message"`
	}
	// pathRequest asks for a file (or, with Directory, a folder) for one
	// input of a page; pathPicked answers with the same Field.
	pathRequest struct {
		Field     string `json:"field"`
		Title     string `json:"title"`
		Directory bool   `json:"directory"`
	}
	pathPicked struct {
		Field string `json:"field"`
		Path  string `json:"path"`
	}
	saveRequest struct {
		Text          string `json:"text"`
		SuggestedName string `json:"suggestedName"`
	}
)

// listen subscribes to the frontend's file requests (Ctrl+O / Ctrl+S in the page).
func (d *desktop) listen() {
	runtime.EventsOn(d.ctx, "app:open-policy", func(...any) { go d.openPolicy() })
	runtime.EventsOn(d.ctx, "app:save-policy", func(data ...any) {
		req, err := decodeSaveRequest(data)
		if err != nil {
			d.fileError(err)
			return
		}
		go d.savePolicy(req)
	})
	runtime.EventsOn(d.ctx, "app:pick-path", func(data ...any) {
		var req pathRequest
		if err := decodeRequest("path request", data, &req); err != nil {
			d.fileError(err)
			return
		}
		go d.pickPath(req)
	})
}

// pickPath shows a file or folder dialog and emits the choice ("app:path-picked").
func (d *desktop) pickPath(req pathRequest) {
	var path string
	var err error
	if req.Directory {
		path, err = runtime.OpenDirectoryDialog(d.ctx, runtime.OpenDialogOptions{Title: req.Title})
	} else {
		path, err = runtime.OpenFileDialog(d.ctx, runtime.OpenDialogOptions{Title: req.Title})
	}
	if err != nil {
		d.fileError(fmt.Errorf("open dialog: %w", err))
		return
	}
	if path != "" {
		runtime.EventsEmit(d.ctx, "app:path-picked", pathPicked{Field: req.Field, Path: path})
	}
}

func decodeSaveRequest(data []any) (saveRequest, error) {
	var req saveRequest
	return req, decodeRequest("save request", data, &req)
}

// decodeRequest reads the one payload of a frontend request (what names it
// in errors) into req.
func decodeRequest(what string, data []any, req any) error {
	if len(data) != 1 {
		return fmt.Errorf("%s: want one payload, got %d", what, len(data))
	}
	b, err := json.Marshal(data[0])
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := json.Unmarshal(b, req); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (d *desktop) openPolicy() {
	path, err := runtime.OpenFileDialog(d.ctx, runtime.OpenDialogOptions{Title: "Open Policy", Filters: policyFilters})
	if err != nil {
		d.fileError(fmt.Errorf("open dialog: %w", err))
		return
	}
	if path == "" {
		return // cancelled
	}
	text, err := readPolicyFile(path)
	if err != nil {
		d.fileError(err)
		return
	}
	runtime.EventsEmit(d.ctx, "app:file-opened", fileOpened{Path: path, Text: text})
}

func (d *desktop) savePolicy(req saveRequest) {
	path, err := runtime.SaveFileDialog(d.ctx, runtime.SaveDialogOptions{
		Title:           "Save Policy",
		DefaultFilename: filepath.Base(req.SuggestedName),
		Filters:         policyFilters,
	})
	if err != nil {
		d.fileError(fmt.Errorf("save dialog: %w", err))
		return
	}
	if path == "" {
		return // cancelled
	}
	if err := os.WriteFile(path, []byte(req.Text), 0o644); err != nil {
		d.fileError(fmt.Errorf("saving the policy: %w", err))
		return
	}
	runtime.EventsEmit(d.ctx, "app:file-saved", fileSaved{Path: path})
}

func (d *desktop) fileError(err error) {
	d.logger.Warn("file operation", "err", err)
	runtime.EventsEmit(d.ctx, "app:file-error", fileError{Message: err.Error()})
}

var errTooLarge = errors.New("file too large")

// readPolicyFile reads a UTF-8 text file of at most maxPolicyFile bytes.
func readPolicyFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("opening the policy: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPolicyFile+1))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	if len(b) > maxPolicyFile {
		return "", fmt.Errorf("reading %s: %w (over %d MiB)", path, errTooLarge, maxPolicyFile>>20)
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("reading %s: not UTF-8 text", path)
	}
	return string(b), nil
}
