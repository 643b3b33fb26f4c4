package main

import (
	"strings"
	"testing"
)

// TestValidateCustomChecksGolden runs the custom checks and guardrails of
// testdata/validate/custom/aegis.yaml over the policies beside it: a CEL
// check on a queue policy and on an IAM grant without MFA, a guardrail
// broken through a service wildcard and one through a bucket wildcard, and
// one a Deny statement keeps.
func TestValidateCustomChecksGolden(t *testing.T) {
	isolateCache(t)
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"validate/custom/report.golden", []string{"--color", "never"}},
		{"validate/custom/report.golden.json", []string{"--format", "json"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			args := append([]string{"--config", "testdata/validate/custom/aegis.yaml"}, tt.args...)
			code, stdout, stderr := runValidateCLI(t, "", append(args, "testdata/validate/custom/policies")...)
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d (critical findings); stderr:\n%s", code, ExitFindings, stderr)
			}
			if strings.HasSuffix(tt.golden, ".json") {
				checkJSONGolden(t, tt.golden, stdout)
				return
			}
			checkGolden(t, tt.golden, stdout)
		})
	}
}

// TestValidateCustomCheckError checks that an expression that does not
// type-check stops the run with its place in the configuration file.
func TestValidateCustomCheckError(t *testing.T) {
	isolateCache(t)
	code, _, stderr := runValidateCLI(t, "", "--config", "testdata/validate/custom/bad-expression.yaml", "testdata/validate/custom/policies")
	want := "testdata/validate/custom/bad-expression.yaml:10:18: customChecks[0].expression: undefined field 'resorces'"
	if code != ExitUsage || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, ExitUsage, want)
	}
}
