package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFmtGolden(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		golden string
	}{
		{name: "valid", args: []string{"fmt", "testdata/fmt/valid.json"}, golden: "valid.golden"},
		{name: "valid json", args: []string{"fmt", "--format", "json", "testdata/fmt/valid.json"}, golden: "valid-json.golden"},
		{name: "broken", args: []string{"fmt", "--kind", "identity", "testdata/fmt/broken.json"}, golden: "broken.golden"},
		{name: "broken json", args: []string{"fmt", "--kind", "identity", "--format", "json", "testdata/fmt/broken.json"}, golden: "broken-json.golden"},
		{name: "trust kind", args: []string{"fmt", "--kind", "trust", "testdata/fmt/trust.json"}, golden: "trust.golden"},
		{name: "any kind accepts trust", args: []string{"fmt", "testdata/fmt/trust.json"}, golden: "trust-any.golden"},
		{
			name:   "stdin url-encoded",
			args:   []string{"fmt", "-"},
			stdin:  "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22*%22%7D%7D",
			golden: "stdin.golden",
		},
		{name: "stdin invalid", args: []string{"fmt", "-"}, stdin: "{\"Statement\": [", golden: "stdin-invalid.golden"},
		{name: "stdin too large", args: []string{"fmt", "-"}, stdin: strings.Repeat(" ", 1<<20+1), golden: "too-large.golden"},
		{name: "no argument", args: []string{"fmt"}, golden: "usage-noarg.golden"},
		{name: "bad kind", args: []string{"fmt", "--kind", "user", "testdata/fmt/valid.json"}, golden: "usage-kind.golden"},
		{name: "bad format", args: []string{"fmt", "--format", "yaml", "testdata/fmt/valid.json"}, golden: "usage-format.golden"},
		{name: "write stdin", args: []string{"fmt", "-w", "-"}, golden: "usage-write-stdin.golden"},
		{name: "missing file", args: []string{"fmt", "testdata/fmt/nope.json"}, golden: "missing-file.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &Env{Stdin: strings.NewReader(tt.stdin), Stdout: &stdout, Stderr: &stderr})
			checkGolden(t, filepath.Join("fmt", tt.golden), cliResult(code, stdout.String(), stderr.String()))
		})
	}
}

func TestFmtWrite(t *testing.T) {
	src, err := os.ReadFile("testdata/fmt/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/fmt/valid.golden")
	if err != nil {
		t.Fatal(err)
	}
	canonical := strings.SplitN(strings.SplitN(string(want), "--- stdout\n", 2)[1], "--- stderr\n", 2)[0]
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, src, 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second run finds the file canonical already
		if got := runCLI(t, []string{"fmt", "-w", path}); got != cliResult(0, "", "") {
			t.Fatalf("aegis fmt -w: %s", got)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != canonical {
			t.Errorf("rewritten file:\n%s\nwant:\n%s", got, canonical)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600 kept", info.Mode().Perm())
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestFmtWriteLeavesInvalidFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.json")
	src := []byte(`{"Statement": {"Effect": "Allow"}}`)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	got := runCLI(t, []string{"fmt", "-w", path}, path, "FILE")
	want := cliResult(2, "", "FILE:1:15: Statement: missing Action or NotAction element\n")
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, src) {
		t.Errorf("invalid file was rewritten:\n%s", after)
	}
}
