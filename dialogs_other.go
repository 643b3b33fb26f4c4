//go:build !linux || !(dev || production)

package main

// endModalDialogs is a no-op outside the Linux window: builds without GTK
// (tests, binding generation) have no dialogs, and the macOS and Windows
// frontends do not run dialogs in a nested GTK loop (see dialogs_gtk.go).
func endModalDialogs() {}
