package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The -update flag rewrites golden files. Another test file of this package
// may define it too; define it only once.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// cliResult renders one CLI run for a golden file.
func cliResult(code int, stdout, stderr string) string {
	return fmt.Sprintf("exit: %d\n--- stdout\n%s--- stderr\n%s", code, stdout, stderr)
}

// runCLI runs aegis with args and returns the rendered result, with each
// replace pair applied (temporary paths, server URLs).
func runCLI(t *testing.T, args []string, replace ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr})
	return strings.NewReplacer(replace...).Replace(cliResult(code, stdout.String(), stderr.String()))
}

// checkGolden compares got with testdata/<name>, or rewrites it under -update.
func checkGolden(t *testing.T, name, got string) {
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
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// isolateCache points the user cache directory at an empty temporary one.
func isolateCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	return dir
}

func TestExpandCLI(t *testing.T) {
	isolateCache(t)
	tests := []struct {
		name string
		args []string
	}{
		{"s3-get", []string{"expand", "s3:Get*"}},
		{"question-mark-json", []string{"expand", "ec2:Describe?pc*", "--format", "json"}},
		{"union", []string{"expand", "s3:GetObject", "S3:getobject*", "kms:Decrypt"}},
		{"access-filter", []string{"expand", "iam:*Role*", "--access", "permissions-management"}},
		{"not", []string{"expand", "--not", "*:*e*", "*:*a*", "*:*i*", "*:*o*"}},
		{"not-json", []string{"expand", "--not", "*:*e*", "*:*a*", "*:*i*", "--format", "json"}},
		{"not-everything", []string{"expand", "--not", "*"}},
		{"no-match", []string{"expand", "s3:GetNothing*", "mobilehub:*"}},
		{"malformed", []string{"expand", "s3 GetObject"}},
		{"malformed-char", []string{"expand", "s3:Get/Object"}},
		{"bad-access", []string{"expand", "s3:*", "--access", "readonly"}},
		{"bad-format", []string{"expand", "s3:*", "--format", "yaml"}},
		{"no-args", []string{"expand"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, filepath.Join("expand", tt.name+".golden"), runCLI(t, tt.args))
		})
	}
}

// TestExpandS3GetDoneWhen is the acceptance check: every S3 action
// named Get... and nothing else.
func TestExpandS3GetDoneWhen(t *testing.T) {
	isolateCache(t)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"expand", "s3:Get*"}, &Env{Stdout: &stdout, Stderr: &stderr}); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) < 60 {
		t.Fatalf("expand s3:Get* printed %d lines", len(lines))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "s3:Get") {
			t.Errorf("expand s3:Get* printed %q", l)
		}
	}
}
