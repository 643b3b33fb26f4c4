package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckReferenceIsCurrent keeps docs/checks.md (which reports link to
// as the rules' help) equal to "aegis checks --format markdown".
func TestCheckReferenceIsCurrent(t *testing.T) {
	got := runCLI(t, []string{"checks"})
	out, ok := strings.CutPrefix(got, "exit: 0\n--- stdout\n")
	if !ok {
		t.Fatalf("aegis checks: %s", got)
	}
	out, _, _ = strings.Cut(out, "--- stderr\n")
	checkFile(t, filepath.Join("..", "..", "docs", "checks.md"), out)
}

func TestChecksJSON(t *testing.T) {
	got := runCLI(t, []string{"checks", "--format", "json"})
	out, ok := strings.CutPrefix(got, "exit: 0\n--- stdout\n")
	if !ok {
		t.Fatalf("aegis checks: %s", got)
	}
	out, _, _ = strings.Cut(out, "--- stderr\n")
	var docs []struct {
		ID         string `json:"id"`
		Severity   string `json:"severity"`
		Compliance []struct{ Framework, ID string }
	}
	if err := json.Unmarshal([]byte(out), &docs); err != nil {
		t.Fatal(err)
	}
	if len(docs) < 90 {
		t.Fatalf("%d checks", len(docs))
	}
	frameworks := map[string]bool{}
	for _, d := range docs {
		if d.ID == "" || d.Severity == "" {
			t.Errorf("incomplete check %+v", d)
		}
		for _, c := range d.Compliance {
			frameworks[c.Framework] = true
		}
	}
	for _, fw := range []string{"pci-dss-4.0", "hipaa", "sox", "gdpr", "cis-aws", "nist-800-53-r5", "soc2"} {
		if !frameworks[fw] {
			t.Errorf("no check maps to %s (have %v)", fw, frameworks)
		}
	}
	if got := runCLI(t, []string{"checks", "--format", "xml"}); !strings.HasPrefix(got, "exit: 2") {
		t.Errorf("bad format: %s", got)
	}
}
