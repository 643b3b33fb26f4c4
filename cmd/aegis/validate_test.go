package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Fixed clock of the validate tests: the accepted risk of
// testdata/validate/accepted.yaml expiring 2026-01-31 has expired, the one
// expiring 2027-06-30 holds.
const validateNow = "--now=2026-11-28T12:00:00Z"

// terraformModule is a Terraform module directory: backend/source's own
// fixture, read where it is.
const terraformModule = "../../backend/source/testdata/terraform/lambda-role"

var validateFixtures = []string{
	"testdata/validate/bucket-policy.json", // raw resource policy
	"testdata/validate/lambda-role.yaml",   // CloudFormation
	terraformModule,
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
		{"medium finding meets fail-on medium", []string{"--fail-on", "MEDIUM", terraformModule}, "", ExitFindings, "at or above --fail-on medium"},
		{"clean policy from stdin", []string{"-", "--policy-type", "identity"}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/2026/*"}]}`, ExitOK, ""},
		{"admin policy from stdin", []string{"-"}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, ExitFindings, "at or above --fail-on high"},
		{"invalid JSON is a syntax finding", []string{"testdata/validate/broken.json"}, "", ExitFindings, "at or above --fail-on high"},
		{"YAML syntax error is an input error", []string{"--fail-on", "none", "testdata/validate/bad-syntax.yaml"}, "", ExitUsage, "1 problem kept policies from being read in full"},
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

// acceptedConfig writes a configuration that disables AEG-TRUST-013,
// lowers AEG-EXP-001 to low, accepts the AEG-TRUST-007 finding of
// lambda-role.yaml until 2027-06-30 and the AEG-EXP-003 finding of
// bucket-policy.json until 2026-01-31 (expired at validateNow). The
// fingerprints come from a first run, so the test follows the rules as they
// evolve.
func acceptedConfig(t *testing.T, dir string) string {
	t.Helper()
	code, stdout, stderr := runValidateCLI(t, "", "--format", "json", "--fail-on", "none",
		"testdata/validate/bucket-policy.json", "testdata/validate/lambda-role.yaml")
	var doc struct {
		Policies []struct {
			Findings []struct {
				ID          string `json:"id"`
				Fingerprint string `json:"fingerprint"`
			} `json:"findings"`
		} `json:"policies"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); code != ExitOK || err != nil {
		t.Fatalf("probe run: exit %d, %v, stderr %q", code, err, stderr)
	}
	fp := map[string]string{}
	for _, p := range doc.Policies {
		for _, f := range p.Findings {
			fp[f.ID] = f.Fingerprint
		}
	}
	if fp["AEG-TRUST-007"] == "" || fp["AEG-EXP-003"] == "" {
		t.Fatalf("the fixtures no longer give AEG-TRUST-007 and AEG-EXP-003 findings: %v", fp)
	}
	cfg := fmt.Sprintf(`version: 1
disable: [AEG-TRUST-013]
severityOverrides:
  AEG-EXP-001: low
acceptedRisks:
  - check: AEG-TRUST-007
    fingerprint: %s
    owner: platform-team@acme.example
    reason: Only Lambda functions of this account are deployed by the pipeline; reviewed in SEC-1234.
    expires: 2027-06-30
  - check: AEG-EXP-003
    fingerprint: %s
    owner: web-team@acme.example
    reason: Public website bucket until the CDN migration.
    expires: 2026-01-31
`, fp["AEG-TRUST-007"], fp["AEG-EXP-003"])
	path := filepath.Join(dir, defaultConfig)
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// validateJSON is the part of the JSON report the configuration tests read.
type validateJSON struct {
	Summary struct {
		Findings   int `json:"findings"`
		Suppressed int `json:"suppressed"`
	} `json:"summary"`
	Policies []struct {
		File     string `json:"file"`
		Findings []struct {
			ID       string `json:"id"`
			Severity string `json:"severity"`
		} `json:"findings"`
		Suppressed []struct {
			ID         string `json:"id"`
			Acceptance struct {
				Owner   string `json:"owner"`
				Expires string `json:"expires"`
			} `json:"acceptance"`
		} `json:"suppressed"`
	} `json:"policies"`
	Notes []struct {
		File    string `json:"file"`
		Message string `json:"message"`
	} `json:"notes"`
}

// TestValidateConfig checks a configuration's disabled check, severity
// override, an accepted risk (suppressed, listed, not counted) and an
// expired one (counted again, with a note).
func TestValidateConfig(t *testing.T) {
	isolateCache(t)
	cfg := acceptedConfig(t, t.TempDir())
	code, stdout, stderr := runValidateCLI(t, "", "--config", cfg, "--format", "json", "--framework", "cis-aws",
		"testdata/validate/bucket-policy.json", "testdata/validate/lambda-role.yaml")
	if code != ExitFindings || !strings.Contains(stderr, "at or above --fail-on high") {
		t.Errorf("exit %d, stderr %q; want 1: the expired acceptance's critical finding counts again", code, stderr)
	}
	var rep validateJSON
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var counted, suppressed []string
	for _, p := range rep.Policies {
		for _, f := range p.Findings {
			counted = append(counted, f.ID+" "+f.Severity)
		}
		for _, s := range p.Suppressed {
			suppressed = append(suppressed, s.ID+" "+s.Acceptance.Owner+" "+s.Acceptance.Expires)
		}
	}
	if diff := cmp.Diff([]string{"AEG-TRUST-007 platform-team@acme.example 2027-06-30"}, suppressed); diff != "" {
		t.Errorf("suppressed (-want +got):\n%s", diff)
	}
	for _, want := range []string{"AEG-EXP-003 critical", "AEG-EXP-001 low"} {
		if !slices.Contains(counted, want) {
			t.Errorf("counted findings %q lack %q", counted, want)
		}
	}
	for _, f := range counted {
		if strings.HasPrefix(f, "AEG-TRUST-013 ") || strings.HasPrefix(f, "AEG-TRUST-007 ") {
			t.Errorf("counted findings hold %q: disabled or accepted", f)
		}
	}
	if len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0].Message, "the accepted risk AEG-EXP-003") || !strings.Contains(rep.Notes[0].Message, "expired on 2026-01-31") {
		t.Errorf("notes = %+v, want one saying the AEG-EXP-003 acceptance expired", rep.Notes)
	}
	if rep.Summary.Suppressed != 1 || rep.Summary.Findings != len(counted) {
		t.Errorf("summary = %+v, want 1 suppressed and %d findings", rep.Summary, len(counted))
	}

	// With its high finding accepted, lambda-role.yaml passes a critical gate
	// and the accepted finding is not what fails a high one.
	code, _, stderr = runValidateCLI(t, "", "--config", cfg, "--fail-on", "critical", "testdata/validate/lambda-role.yaml")
	if code != ExitOK {
		t.Errorf("lambda-role.yaml with its high finding accepted, --fail-on critical: exit %d (stderr %q), want 0", code, stderr)
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
	dir := t.TempDir()
	acceptedConfig(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "lambda-role.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	_, stdout, stderr := runValidateCLI(t, "", "--format", "json", "lambda-role.yaml")
	var rep validateJSON
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || rep.Summary.Suppressed != 1 {
		t.Errorf("summary.suppressed = %d (err %v, stderr %q), want 1: ./.aegis.yaml accepts the AEG-TRUST-007 finding", rep.Summary.Suppressed, err, stderr)
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

func TestIsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if isTerminal(w) || isTerminal(&bytes.Buffer{}) {
		t.Error("isTerminal is true for a pipe or a buffer: --color auto would colour redirected output")
	}
}
