//go:build tools

// Package tools records the Wails CLI as a dependency of this module.
package tools

import _ "github.com/wailsapp/wails/v2/cmd/wails"
