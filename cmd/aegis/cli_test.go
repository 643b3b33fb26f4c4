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

// Shared helpers of the CLI tests: run the real command tree in-process and
// compare its output with golden files.

// update rewrites golden files under testdata/ instead of comparing.
var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func updateGolden() bool { return *update }

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
	checkFile(t, filepath.Join("testdata", name), got)
}

// checkFile compares got with the file at path, or rewrites it under -update.
func checkFile(t *testing.T, path, got string) {
	t.Helper()
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
		t.Errorf("%s mismatch (go test -update rewrites it; -want +got):\n%s", path, diff)
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
