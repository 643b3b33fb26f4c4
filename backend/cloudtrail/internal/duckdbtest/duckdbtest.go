// Package duckdbtest is test support for the SQL packages (athenasql,
// lakesql): it runs their generated SQL in DuckDB over fixture logs laid
// out as a trail delivers them.
package duckdbtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Run runs script (the node program over @duckdb/node-api that
// scripts/athena/duckdb_test.sh installs) with the view's statements, then
// the query, and returns the result as the Athena and Lake runners do:
// column names and rows of text cells.
func Run(t *testing.T, script, view, query string) ([]string, [][]*string) {
	t.Helper()
	dir := t.TempDir()
	setup, q := filepath.Join(dir, "setup.sql"), filepath.Join(dir, "query.sql")
	if err := os.WriteFile(setup, []byte(view), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(q, []byte(query), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("node", script, setup, q)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("duckdb: %v\n%s\nquery:\n%s", err, stderr.String(), query)
	}
	var res struct {
		Columns []string    `json:"columns"`
		Rows    [][]*string `json:"rows"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("duckdb output: %v\n%s", err, stdout.String())
	}
	return res.Columns, res.Rows
}

// GzipTree copies a tree of .json log files into a temporary directory as
// the .json.gz files a trail delivers, which the Go reader reads.
func GzipTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(data)
		zw.Close()
		out := filepath.Join(dst, rel+".gz")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, buf.Bytes(), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
