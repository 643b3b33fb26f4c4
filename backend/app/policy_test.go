package app

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFormatGolden formats each testdata/format/*.json as the kind its
// name starts with and compares the FormatResult with the .golden file.
func TestFormatGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/format/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	s := NewPolicyService()
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			kind, _, _ := strings.Cut(name, "-")
			if kind == "syntax" {
				kind = ""
			}
			res, err := s.Format(FormatRequest{Text: string(src), Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Format(%s) =\n%s\nwant\n%s", in, got, want)
			}
		})
	}
}

func TestFormatResultShape(t *testing.T) {
	s := NewPolicyService()
	ok, err := s.Format(FormatRequest{Text: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`})
	if err != nil || !ok.OK || ok.Errors == nil || len(ok.Errors) != 0 {
		t.Errorf("valid policy: %+v, %v; want OK with an empty (not nil) error list", ok, err)
	}
	bad, err := s.Format(FormatRequest{Text: "{\n  \"Version\": 1,\n}"})
	if err != nil || bad.OK || bad.Canonical != "" || len(bad.Errors) == 0 {
		t.Fatalf("invalid policy: %+v, %v", bad, err)
	}
	if d := bad.Errors[0]; d.Line < 1 || d.Column < 1 || d.Code == "" || d.Message == "" {
		t.Errorf("first diagnostic %+v: want a position, a code and a message", d)
	}
	if _, err := s.Format(FormatRequest{Text: "{}", Kind: "bucket"}); err == nil {
		t.Error("unknown kind: want an error")
	}
}
