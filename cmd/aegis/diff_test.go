package main

import (
	"path/filepath"
	"testing"
)

func TestDiffCLI(t *testing.T) {
	isolateCache(t)
	d := func(name string) string { return filepath.Join("testdata", "diff", name) }
	tests := []struct {
		name string
		args []string
	}{
		{"proven", []string{"diff", "--no-new-access", d("old.json"), d("narrower.json")}},
		{"new-access", []string{"diff", "--no-new-access", d("old.json"), d("wider.json")}},
		{"new-access-json", []string{"diff", "--no-new-access", "--format", "json", d("old.json"), d("wider.json")}},
		{"deny-dropped", []string{"diff", "--no-new-access", d("old-tls.json"), d("new-no-tls.json")}},
		{"possibly", []string{"diff", "--no-new-access", d("old-quarantine.json"), d("new-no-tls.json")}},
		{"usage-lost", []string{"diff", "--usage", d("usage.json"), d("old.json"), d("narrower.json")}},
		{"usage-and-proof-json", []string{"diff", "--no-new-access", "--usage", d("usage.json"), "--format", "json", d("old.json"), d("narrower.json")}},
		{"invalid-policy", []string{"diff", "--no-new-access", d("old.json"), d("invalid.json")}},
		{"missing-file", []string{"diff", "--no-new-access", d("old.json"), d("nope.json")}},
		{"no-mode", []string{"diff", d("old.json"), d("narrower.json")}},
		{"one-arg", []string{"diff", "--no-new-access", d("old.json")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, filepath.Join("diff", tt.name+".golden"), runCLI(t, tt.args))
		})
	}
}
