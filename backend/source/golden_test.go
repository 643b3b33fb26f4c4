package source

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden extracts every fixture under testdata/{cfn,terraform,plan,gaad,raw}
// (a file, or a directory walked as a whole) and compares a listing of the
// documents — name, kind, where each statement, action and resource sits in
// the original file, placeholders, errors and the parsed JSON — with
// <fixture>.golden.
func TestGolden(t *testing.T) {
	for _, dir := range []string{"cfn", "terraform", "plan", "gaad", "raw"} {
		entries, err := os.ReadDir(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".golden") {
				continue
			}
			path := filepath.Join("testdata", dir, e.Name())
			t.Run(dir+"/"+e.Name(), func(t *testing.T) {
				docs, errs := Walk(context.Background(), path, Options{})
				got := describe(t, docs, errs)
				golden := strings.TrimSuffix(path, filepath.Ext(path)) + ".golden"
				if *update {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if d := cmp.Diff(string(want), got); d != "" {
					t.Errorf("extracting %s: golden mismatch (-want +got):\n%s", path, d)
				}
			})
		}
	}
}

// TestGoldenWalk walks a directory holding every kind of file, including
// ones that must be skipped (node_modules, .terraform) or reported.
func TestGoldenWalk(t *testing.T) {
	docs, errs := Walk(context.Background(), filepath.Join("testdata", "walk"), Options{})
	got := describe(t, docs, errs)
	golden := filepath.Join("testdata", "walk.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("walking testdata/walk: golden mismatch (-want +got):\n%s", d)
	}
}

// describe renders extraction results for golden files. Every position is
// printed with the original text found there, so a wrong mapping is visible.
func describe(t *testing.T, docs []Extracted, errs []error) string {
	t.Helper()
	files := map[string][]byte{}
	at := func(file string, p policy.Pos) string {
		src, ok := files[file]
		if !ok {
			var err error
			if src, err = os.ReadFile(file); err != nil {
				t.Fatal(err)
			}
			files[file] = src
		}
		if !p.IsValid() {
			return "-"
		}
		rest := src[p.Offset:]
		if i := strings.IndexByte(string(rest), '\n'); i >= 0 {
			rest = rest[:i]
		}
		if len(rest) > 40 {
			rest = rest[:40]
		}
		return fmt.Sprintf("%d:%d %s", p.Line, p.Column, rest)
	}
	var b strings.Builder
	for _, err := range errs {
		var list policy.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintf(&b, "error: %s [%s] at %s\n", e, e.Code, at(e.Filename, e.Pos))
			}
			continue
		}
		fmt.Fprintf(&b, "error: %v (unrecognized: %t)\n", err, errors.Is(err, ErrUnrecognized))
	}
	for _, d := range docs {
		fmt.Fprintf(&b, "\n## %s (%s) in %s\n", d.Name, d.Kind, filepath.ToSlash(d.File))
		if d.Owner != "" {
			fmt.Fprintf(&b, "owner: %s\n", d.Owner)
		}
		if d.Boundary != "" {
			fmt.Fprintf(&b, "boundary: %s\n", d.Boundary)
		}
		if len(d.UsedBy) > 0 {
			fmt.Fprintf(&b, "used by: %s\n", strings.Join(d.UsedBy, ", "))
		}
		for _, e := range d.Errors {
			fmt.Fprintf(&b, "error: [%s] %s: %s at %s\n", e.Code, e.Path, e.Msg, at(d.File, e.Pos))
		}
		for _, p := range d.Placeholders {
			fmt.Fprintf(&b, "placeholder %q (%s) at %s\n", p.Text, p.Expr, at(d.File, p.Pos))
		}
		if doc := d.Document; doc != nil {
			for _, s := range doc.Statements {
				fmt.Fprintf(&b, "Statement[%d] at %s\n", s.Index, at(d.File, s.Pos))
				for _, l := range []struct {
					name string
					list *policy.List
				}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}} {
					if l.list == nil {
						continue
					}
					for _, v := range l.list.Values {
						fmt.Fprintf(&b, "  %s %q at %s\n", l.name, v.Text, at(d.File, v.Pos))
					}
				}
			}
		}
		if d.Document != nil {
			b.WriteString("canonical:\n")
			b.Write(policy.Format(d.Document))
			continue
		}
		b.WriteString("source:\n")
		b.Write(d.Source)
		if !strings.HasSuffix(string(d.Source), "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
