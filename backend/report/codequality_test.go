package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
)

// TestCodeQualityFields checks every issue against the fields GitLab's Code
// Quality format requires, and the fingerprint rules: unique within a
// report, unchanged when a finding only moves to another line.
func TestCodeQualityFields(t *testing.T) {
	r := fixture(t)
	// The same finding twice (e.g. one rule firing twice on one statement)
	// must still give two distinct issues.
	in := &r.Inputs[2] // policies/admin.json
	in.Findings = append(in.Findings, in.Findings[0])
	issues := decodeCodeQuality(t, r)
	if len(issues) == 0 {
		t.Fatal("no issues")
	}
	fps := map[string]bool{}
	for _, is := range issues {
		if is.Description == "" || is.CheckName == "" || is.Location.Path == "" || is.Location.Lines.Begin < 1 {
			t.Errorf("issue misses a required field: %+v", is)
		}
		if !slices.Contains([]string{"info", "minor", "major", "critical", "blocker"}, is.Severity) {
			t.Errorf("severity %q is not one of GitLab's", is.Severity)
		}
		if fps[is.Fingerprint] {
			t.Errorf("fingerprint %s used twice", is.Fingerprint)
		}
		fps[is.Fingerprint] = true
	}

	moved := fixture(t)
	for i := range moved.Inputs {
		for j := range moved.Inputs[i].Findings {
			moved.Inputs[i].Findings[j].Location.Line += 7
		}
	}
	a, b := decodeCodeQuality(t, fixture(t)), decodeCodeQuality(t, moved)
	for i := range a {
		if a[i].CheckName != "aegis/input-error" && a[i].Fingerprint != b[i].Fingerprint {
			t.Errorf("%s: fingerprint changed when the finding moved down 7 lines", a[i].CheckName)
		}
	}
}

func decodeCodeQuality(t *testing.T, r *Report) []codeQualityIssue {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCodeQuality(&buf, r); err != nil {
		t.Fatal(err)
	}
	var issues []codeQualityIssue
	if err := json.Unmarshal(buf.Bytes(), &issues); err != nil {
		t.Fatalf("not a JSON array: %v", err)
	}
	return issues
}
