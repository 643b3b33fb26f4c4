package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit/render"
)

// TestAuditSample checks aegis audit --sample: every --format through the
// normal audit's renderer (goldens; the table is the default), JSON marked
// "sample": true, and no input flag beside it.
func TestAuditSample(t *testing.T) {
	isolateCache(t)
	checkGolden(t, filepath.Join("audit", "sample-table.golden"), runCLI(t, []string{"audit", "--sample"}))
	for _, format := range render.Formats {
		t.Run(format, func(t *testing.T) {
			checkGolden(t, filepath.Join("audit", "sample-"+format+".golden"), runCLI(t, []string{"audit", "--sample", "--format", format}))
		})
	}

	out := runCLI(t, []string{"audit", "--sample", "--format", "json"})
	body, _, ok := strings.Cut(strings.TrimPrefix(out, "exit: 0\n--- stdout\n"), "--- stderr\n")
	if !ok || !strings.HasPrefix(out, "exit: 0\n") {
		t.Fatalf("aegis audit --sample --format json:\n%.400s", out)
	}
	var a struct {
		Sample     bool  `json:"sample"`
		Principals []any `json:"principals"`
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil || !a.Sample || len(a.Principals) == 0 {
		t.Errorf("JSON: sample %v, %d principals, %v; want a sample audit", a.Sample, len(a.Principals), err)
	}

	for _, args := range [][]string{{"audit", "--sample", "--authz", "gaad.json"}, {"audit", "--sample", "--window", "7d"}} {
		if got := runCLI(t, args); !strings.HasPrefix(got, "exit: 2\n") || !strings.Contains(got, "--sample takes no input") {
			t.Errorf("%v:\n%s\nwant a usage error", args, got)
		}
	}
}
