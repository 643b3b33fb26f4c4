package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSimulateCLI(t *testing.T) {
	isolateCache(t)
	dir := filepath.Join("testdata", "simulate")
	tests := []struct {
		name string
		args []string
	}{
		{"allowed", []string{"simulate", "--input", filepath.Join(dir, "allowed.json")}},
		{"cross-account-deny", []string{"simulate", "--input", filepath.Join(dir, "cross-account-deny.json")}},
		{"missing-context", []string{"simulate", "--input", filepath.Join(dir, "missing-context.json")}},
		{"invalid-policy", []string{"simulate", "--input", filepath.Join(dir, "invalid-policy.json")}},
		{"batch", []string{"simulate", "--batch", filepath.Join(dir, "batch.jsonl")}},
		{"no-mode", []string{"simulate"}},
		{"both-modes", []string{"simulate", "--input", "a", "--batch", "b"}},
		{"missing-file", []string{"simulate", "--input", filepath.Join(dir, "nope.json")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runCLI(t, tt.args)
			checkGolden(t, filepath.Join("simulate", tt.name+".golden"), got)
		})
	}
}

// TestSimulateBatchAnswersEveryLine checks the batch contract: one output
// line per input line, in order, an error object for each invalid line.
func TestSimulateBatchAnswersEveryLine(t *testing.T) {
	isolateCache(t)
	path := filepath.Join("testdata", "simulate", "batch.jsonl")
	in, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	inLines := strings.Split(strings.TrimSuffix(string(in), "\n"), "\n")
	var stdout strings.Builder
	code := run(t.Context(), []string{"simulate", "--batch", path}, &Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &strings.Builder{}})
	if code != ExitUsage {
		t.Errorf("exit code %d, want %d (the batch has invalid lines)", code, ExitUsage)
	}
	sc := bufio.NewScanner(strings.NewReader(stdout.String()))
	n := 0
	for sc.Scan() {
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("output line %d is not JSON: %v", n+1, err)
		}
		_, isErr := obj["error"]
		_, isResult := obj["decision"]
		if isErr == isResult {
			t.Errorf("output line %d: want either error or decision: %s", n+1, sc.Text())
		}
		n++
	}
	if n != len(inLines) {
		t.Errorf("got %d output lines for %d input lines", n, len(inLines))
	}
}

func TestSimulateStdin(t *testing.T) {
	isolateCache(t)
	src, err := os.ReadFile(filepath.Join("testdata", "simulate", "allowed.json"))
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	code := run(t.Context(), []string{"simulate", "--input", "-"}, &Env{Stdin: strings.NewReader(string(src)), Stdout: &stdout, Stderr: &stderr})
	if code != ExitOK || !strings.Contains(stdout.String(), `"decision": "allowed"`) {
		t.Errorf("exit %d, stdout %s, stderr %s", code, stdout.String(), stderr.String())
	}
}
