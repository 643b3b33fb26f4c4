package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

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
