package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/google/go-cmp/cmp"
)

// Fixed clock of the validate tests: the accepted risk of
// testdata/validate/accepted.yaml expiring 2026-01-31 has expired, the one
// expiring 2027-06-30 holds.
const validateNow = "--now=2026-11-28T12:00:00Z"

var validateFixtures = []string{
	"testdata/validate/bucket-policy.json", // raw resource policy
	"testdata/validate/lambda-role.yaml",   // CloudFormation
	"testdata/validate/terraform",          // a Terraform module directory
}

// runValidateCLI runs "aegis validate args..." with stdin and returns the
// exit code and outputs.
func runValidateCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"validate", validateNow}, args...),
		&Env{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr})
	return code, stdout.String(), stderr.String()
}

func TestValidateFormatsGolden(t *testing.T) {
	isolateCache(t)
	tests := []struct {
		golden string
		args   []string
		json   bool
	}{
		{"validate/fixtures.table.golden", []string{"--framework", "cis-aws-3.0"}, false},
		{"validate/fixtures.color.golden", []string{"--framework", "cis-aws-3.0", "--color", "always"}, false},
		{"validate/fixtures.golden.json", []string{"--format", "json", "--framework", "pci-dss-4.0"}, true},
		{"validate/fixtures.golden.sarif", []string{"--format", "sarif"}, true},
		{"validate/fixtures.golden.md", []string{"--format", "markdown", "--framework", "soc2"}, false},
		{"validate/fixtures.golden.html", []string{"--format", "html", "--framework", "sox"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			code, stdout, stderr := runValidateCLI(t, "", append(tt.args, validateFixtures...)...)
			if code != ExitFindings || !strings.HasSuffix(stderr, "at or above --fail-on high\n") {
				t.Errorf("exit %d, stderr %q; want exit 1 (a critical finding), saying so", code, stderr)
			}
			if tt.json {
				checkJSONGolden(t, tt.golden, stdout)
			} else {
				checkGolden(t, tt.golden, stdout)
			}
		})
	}
}

// checkJSONGolden compares JSON output with testdata/<name> semantically,
// or rewrites it under -update.
func checkJSONGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updateGolden() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, got)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestValidateExitCodes(t *testing.T) {
	isolateCache(t)
	tests := []struct {
		name   string
		args   []string
		stdin  string
		want   int
		stderr string // a substring of standard error
	}{
		{"critical finding fails the default gate", []string{"testdata/validate/bucket-policy.json"}, "", ExitFindings, "aegis: 1 finding at or above --fail-on high\n"},
		{"fail-on none never fails on findings", []string{"--fail-on", "none", "testdata/validate/bucket-policy.json"}, "", ExitOK, ""},
		{"high finding under fail-on critical passes", []string{"--fail-on", "critical", "testdata/validate/lambda-role.yaml"}, "", ExitOK, ""},
		{"medium finding meets fail-on medium", []string{"--fail-on", "MEDIUM", "testdata/validate/terraform"}, "", ExitFindings, "at or above --fail-on medium"},
		{"clean policy from stdin", []string{"-", "--policy-type", "identity"}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/2026/*"}]}`, ExitOK, ""},
		{"admin policy from stdin", []string{"-"}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, ExitFindings, "at or above --fail-on high"},
		{"broken policy is invalid input", []string{"--fail-on", "none", "testdata/validate/broken.json"}, "", ExitUsage, "kept policies from being read"},
		{"missing path", []string{"testdata/validate/nope.json"}, "", ExitUsage, "no such file"},
		{"unknown format", []string{"--format", "xml", "testdata/validate/bucket-policy.json"}, "", ExitUsage, `unknown report format "xml"`},
		{"unknown fail-on", []string{"--fail-on", "severe", "testdata/validate/bucket-policy.json"}, "", ExitUsage, `--fail-on "severe": want critical, high, medium, low, info or none`},
		{"unknown policy type", []string{"--policy-type", "role", "testdata/validate/bucket-policy.json"}, "", ExitUsage, `--policy-type: unknown policy kind "role"`},
		{"unknown framework", []string{"--framework", "iso-27001", "testdata/validate/bucket-policy.json"}, "", ExitUsage, `--framework "iso-27001": unknown framework`},
		{"bad colour", []string{"--color", "sometimes", "testdata/validate/bucket-policy.json"}, "", ExitUsage, "--color"},
		{"missing config", []string{"--config", "testdata/validate/nope.yaml", "testdata/validate/bucket-policy.json"}, "", ExitUsage, "reading the configuration"},
		{"invalid config", []string{"--config", "testdata/validate/invalid.yaml", "testdata/validate/bucket-policy.json"}, "", ExitUsage, `invalid.yaml:4:16: severityOverrides.AEG-EXP-001: unknown severity "hgh"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runValidateCLI(t, tt.stdin, tt.args...)
			if code != tt.want || !strings.Contains(stderr, tt.stderr) || (tt.stderr == "" && stderr != "") {
				t.Errorf("validate %q: exit %d, stderr %q; want exit %d, stderr containing %q\nstdout:\n%s", tt.args, code, stderr, tt.want, tt.stderr, stdout)
			}
		})
	}
}

// TestValidateConfig checks a configuration's disabled check, severity
// override, an accepted risk (suppressed, listed, not counted) and an
// expired one (counted again, with a note).
func TestValidateConfig(t *testing.T) {
	isolateCache(t)
	args := []string{"--config", "testdata/validate/accepted.yaml", "--format", "json", "--framework", "cis-aws",
		"testdata/validate/bucket-policy.json", "testdata/validate/lambda-role.yaml"}
	code, stdout, stderr := runValidateCLI(t, "", args...)
	if code != ExitFindings || stderr != "aegis: 1 finding at or above --fail-on high\n" {
		t.Errorf("exit %d, stderr %q; want 1: the expired acceptance's critical finding counts again", code, stderr)
	}
	checkJSONGolden(t, "validate/config.golden.json", stdout)

	// Without the expired acceptance's finding (fail-on critical is met only
	// by it), the accepted high finding does not fail the gate either.
	code, _, stderr = runValidateCLI(t, "", "--config", "testdata/validate/accepted.yaml", "--fail-on", "high", "testdata/validate/lambda-role.yaml")
	if code != ExitOK {
		t.Errorf("lambda-role.yaml with its high finding accepted: exit %d (stderr %q), want 0", code, stderr)
	}
}

// TestValidateDefaultConfig checks that .aegis.yaml in the current
// directory is read when --config is not given.
func TestValidateDefaultConfig(t *testing.T) {
	isolateCache(t)
	src, err := os.ReadFile("testdata/validate/lambda-role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile("testdata/validate/accepted.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{"lambda-role.yaml": src, defaultConfig: cfg} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	code, stdout, stderr := runValidateCLI(t, "", "--format", "json", "lambda-role.yaml")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %q; want 0 with the high finding accepted by ./.aegis.yaml", code, stderr)
	}
	var doc struct {
		Summary struct{ Suppressed int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil || doc.Summary.Suppressed != 1 {
		t.Errorf("summary.suppressed = %d (err %v), want 1", doc.Summary.Suppressed, err)
	}
}

func TestValidateOutputFile(t *testing.T) {
	isolateCache(t)
	out := filepath.Join(t.TempDir(), "aegis.sarif")
	code, stdout, stderr := runValidateCLI(t, "", "--format", "sarif", "--output", out, "testdata/validate/bucket-policy.json")
	if code != ExitFindings || stdout != "" || !strings.Contains(stderr, "at or above") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 1, no report on stdout, the gate's verdict on stderr", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil || log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Errorf("--output file is not a SARIF log with results (err %v):\n%s", err, data)
	}
}

func TestValidateNotesUnrecognizedFiles(t *testing.T) {
	isolateCache(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"app","version":"1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runValidateCLI(t, "", dir)
	if code != ExitOK || stderr != "" {
		t.Errorf("exit %d, stderr %q; want 0: a file that is not a policy is a note, not a failure", code, stderr)
	}
	if want := filepath.Join(dir, "package.json") + ": skipped: not a policy"; !strings.Contains(stdout, want) {
		t.Errorf("output does not note %q:\n%s", want, stdout)
	}
}

// TestValidateSourceFixtures validates the CloudFormation and Terraform
// fixtures of backend/source: every finding and input problem points at
// the original file:line:column. Exit 2 comes from the fixtures with
// syntax errors.
func TestValidateSourceFixtures(t *testing.T) {
	isolateCache(t)
	for _, dir := range []string{"cfn", "terraform"} {
		t.Run(dir, func(t *testing.T) {
			got := runCLI(t, []string{"validate", validateNow, "--fail-on", "none", "--framework", "cis-aws", filepath.Join("../../backend/source/testdata", dir)})
			checkGolden(t, "validate/source-"+dir+".golden", got)
		})
	}
}

func TestErrorsByFile(t *testing.T) {
	list := policy.ErrorList{
		{Filename: "a.tf", Pos: policy.Pos{Line: 1}, Code: "hcl-syntax", Msg: "x"},
		{Filename: "b.tf", Pos: policy.Pos{Line: 2}, Code: "hcl-syntax", Msg: "y"},
		{Filename: "a.tf", Pos: policy.Pos{Line: 3}, Code: "hcl-syntax", Msg: "z"},
	}
	var got []string
	for _, e := range errorsByFile(list) {
		got = append(got, fmt.Sprintf("%s:%d", e.File, len(e.Errors)))
	}
	if diff := cmp.Diff([]string{"a.tf:2", "b.tf:1"}, got); diff != "" {
		t.Errorf("errorsByFile (-want +got):\n%s", diff)
	}
}
