package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateBaseline records a baseline of a risky policy, then checks
// that the same findings no longer fail the gate while a new statement's do.
func TestValidateBaseline(t *testing.T) {
	isolateCache(t)
	dir := t.TempDir()
	policy := filepath.Join(dir, "deploy.json")
	baseline := filepath.Join(dir, "baseline.json")
	write := func(stmts string) {
		if err := os.WriteFile(policy, []byte(`{"Version":"2012-10-17","Statement":[`+stmts+`]}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const deploy = `{"Sid":"Deploy","Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction"],"Resource":"*"}`
	write(deploy)
	if got := runCLI(t, []string{"validate", policy, "--format", "json", "-o", baseline, "--fail-on", "none"}); !strings.HasPrefix(got, "exit: 0") {
		t.Fatalf("recording the baseline: %s", got)
	}
	if got := runCLI(t, []string{"validate", policy, "--baseline", baseline}); !strings.HasPrefix(got, "exit: 0") || !strings.Contains(got, "present in the baseline") {
		t.Errorf("the baselined findings still fail: %s", got)
	}
	write("\n\n" + deploy + `,{"Sid":"New","Effect":"Allow","Action":"iam:*","Resource":"*"}`)
	got := runCLI(t, []string{"validate", policy, "--baseline", baseline})
	if !strings.HasPrefix(got, "exit: 1") || !strings.Contains(got, "(New)") || strings.Contains(got, "(Deploy)  HIGH") {
		t.Errorf("only the new statement should fail: %s", got)
	}
	if got := runCLI(t, []string{"validate", policy, "--baseline", policy}); !strings.HasPrefix(got, "exit: 2") || !strings.Contains(got, "--baseline") {
		t.Errorf("a policy given as baseline: %s", got)
	}
}
