package eval

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The case corpus: testdata/cases/*.json, one file per topic. Each case
// cites the AWS page (or example on it) it encodes; expectations were
// written from the page. A case is a simulate case (see Case) merged over
// the file's defaults, with these shorthands:
//
//	"condition": {...}   one identity policy allowing the default action on "*" under this Condition
//	"statements": [...]  one identity policy with these statements
//	"version": "..."     the Version of the shorthand policy (default 2012-10-17)
//	"context": {...}     the request context
//	"mode": "unknown"    evaluate in ModeUnknown
//
// "want" is a decision name, or an object with decision and optionally
// decidedBy, missingContext and matched ("layer/policy/statement", SCP and
// RCP layers as "scp[level]/policy/statement").
type corpusFile struct {
	Topic    string                       `json:"topic"`
	Defaults map[string]json.RawMessage   `json:"defaults"`
	Cases    []map[string]json.RawMessage `json:"cases"`
}

type corpusWant struct {
	Decision       string    `json:"decision"`
	DecidedBy      *string   `json:"decidedBy"`
	MissingContext *[]string `json:"missingContext"`
	Matched        *[]string `json:"matched"`
}

func (w *corpusWant) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &w.Decision)
	}
	type plain corpusWant
	return json.Unmarshal(b, (*plain)(w))
}

// corpusCase is one expanded corpus case.
type corpusCase struct {
	file, name, cite string
	mode             Mode
	caseJSON         []byte
	want             corpusWant
}

var defaultRequest = map[string]any{
	"principal": "arn:aws:iam::111122223333:user/alice",
	"action":    "s3:GetObject",
	"resource":  "arn:aws:s3:::amzn-s3-demo-bucket/key",
}

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	var out []corpusCase
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cf corpusFile
		if err := json.Unmarshal(src, &cf); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, raw := range cf.Cases {
			cc, err := expandCase(cf, raw)
			if err != nil {
				t.Fatalf("%s: case %d: %v", f, i, err)
			}
			cc.file = filepath.Base(f)
			out = append(out, cc)
		}
	}
	return out
}

func expandCase(cf corpusFile, raw map[string]json.RawMessage) (corpusCase, error) {
	var cc corpusCase
	str := func(k string) string {
		var s string
		if v, ok := raw[k]; ok {
			_ = json.Unmarshal(v, &s)
		}
		return s
	}
	cc.name, cc.cite = str("name"), str("cite")
	if cc.name == "" || !strings.HasPrefix(cc.cite, "https://docs.aws.amazon.com/") {
		return cc, fmt.Errorf("case %q needs a name and an AWS documentation cite, got %q", cc.name, cc.cite)
	}
	if str("mode") == "unknown" {
		cc.mode = ModeUnknown
	}
	if err := json.Unmarshal(raw["want"], &cc.want); err != nil {
		return cc, fmt.Errorf("case %q: want: %w", cc.name, err)
	}
	merged := map[string]any{}
	for k, v := range cf.Defaults {
		merged[k] = v
	}
	req := map[string]any{}
	for k, v := range defaultRequest {
		req[k] = v
	}
	for _, src := range []json.RawMessage{cf.Defaults["request"], raw["request"]} {
		if src != nil {
			var m map[string]any
			if err := json.Unmarshal(src, &m); err != nil {
				return cc, err
			}
			for k, v := range m {
				req[k] = v
			}
		}
	}
	if c, ok := raw["context"]; ok {
		req["context"] = c
	}
	version := str("version")
	if version == "" {
		version = "2012-10-17"
	}
	shorthand := func(stmts any) {
		merged["identityPolicies"] = []any{map[string]any{"name": "p", "document": map[string]any{"Version": version, "Statement": stmts}}}
	}
	if c, ok := raw["condition"]; ok {
		shorthand([]any{map[string]any{"Effect": "Allow", "Action": req["action"], "Resource": "*", "Condition": c}})
	}
	if s, ok := raw["statements"]; ok {
		shorthand(s)
	}
	for k, v := range raw {
		switch k {
		case "name", "cite", "want", "mode", "context", "condition", "statements", "version", "request":
		default:
			merged[k] = v
		}
	}
	merged["request"] = req
	b, err := json.Marshal(merged)
	if err != nil {
		return cc, err
	}
	cc.caseJSON = b
	return cc, nil
}

func matchedStrings(r *Result) []string {
	out := make([]string, 0, len(r.Matched))
	for _, m := range r.Matched {
		layer := m.Layer.String()
		if m.Layer == LayerSCP || m.Layer == LayerRCP {
			layer = fmt.Sprintf("%s[%d]", layer, m.Level)
		}
		out = append(out, fmt.Sprintf("%s/%s/%d", layer, m.Policy, m.Statement))
	}
	return out
}

func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	t.Logf("%d corpus cases", len(cases))
	cache := NewCache()
	var ev Evaluator
	names := map[string]bool{}
	for _, cc := range cases {
		id := cc.file + "/" + cc.name
		if names[id] {
			t.Errorf("duplicate case name %s", id)
		}
		names[id] = true
		t.Run(id, func(t *testing.T) {
			c, err := DecodeCase(cc.caseJSON)
			if err != nil {
				t.Fatalf("case: %v\n%s", err, cc.caseJSON)
			}
			in, req, err := c.Input(cache)
			if err != nil {
				t.Fatalf("input: %v\n%s", err, cc.caseJSON)
			}
			r, err := ev.Evaluate(in, req, cc.mode)
			if err != nil {
				t.Fatalf("evaluate: %v", err)
			}
			got := corpusWant{Decision: r.Decision.String()}
			want := cc.want
			if want.DecidedBy != nil {
				s := r.DecidedBy.String()
				got.DecidedBy = &s
			}
			if want.MissingContext != nil {
				m := append([]string{}, r.MissingContext...)
				got.MissingContext = &m
			}
			if want.Matched != nil {
				m := matchedStrings(r)
				got.Matched = &m
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("cite: %s\ncase: %s\n(-want +got):\n%s", cc.cite, cc.caseJSON, diff)
			}
		})
	}
}
