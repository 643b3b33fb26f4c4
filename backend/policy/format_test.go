package policy_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/policy"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestFormatGolden formats each testdata/format/*.json and compares with
// its .golden file; the output must also be a fixed point.
func TestFormatGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/format/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := policy.Parse(in, src, policy.KindAny)
			if err != nil {
				t.Fatal(err)
			}
			got := policy.Format(doc)
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("Format(%s) differs from %s (-want +got):\n%s", in, golden, diff)
			}
			assertFixedPoint(t, got)
		})
	}
}

// assertFixedPoint checks that canonical text parses and prints to itself.
func assertFixedPoint(t *testing.T, canonical []byte) {
	t.Helper()
	doc, err := policy.Parse("canonical", canonical, policy.KindAny)
	if err != nil {
		t.Fatalf("canonical form does not parse: %v\n%s", err, canonical)
	}
	if again := policy.Format(doc); !bytes.Equal(again, canonical) {
		t.Errorf("not a fixed point (-first +second):\n%s", cmp.Diff(string(canonical), string(again)))
	}
}

func TestFormatBuiltDocument(t *testing.T) {
	doc := &policy.Document{
		Version: policy.Value{Text: "2012-10-17"},
		Statements: []*policy.Statement{{
			Sid:      policy.Value{}, // absent: not printed
			Effect:   policy.EffectDeny,
			Action:   &policy.List{Values: []policy.Value{{Text: "iam:*"}}},
			Resource: &policy.List{Values: []policy.Value{{Text: "*"}}},
		}},
	}
	want := `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Action": "iam:*",
            "Resource": "*"
        }
    ]
}
`
	if got := string(policy.Format(doc)); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
}

// TestFormatEscapesLikeEncodingJSON checks string escaping against
// encoding/json with HTML escaping off.
func TestFormatEscapesLikeEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"plain", "<>&", "\"\\/", "\b\f\n\r\t\x00\x1f\x7f", "\u2028\u2029", "é😀", "bad\xffutf8\xc3", "\xed\xa0\x80",
	} {
		assertEscapedLikeJSON(t, s)
	}
}

func assertEscapedLikeJSON(t *testing.T, s string) {
	t.Helper()
	doc := &policy.Document{Statements: []*policy.Statement{{Sid: policy.Value{Text: s}}}}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	line := `"Sid": ` + strings.TrimSuffix(want.String(), "\n") + "\n"
	if got := string(policy.Format(doc)); !strings.Contains(got, line) {
		t.Errorf("Format escapes %q as\n%s\nwant the line %s", s, got, line)
	}
}
