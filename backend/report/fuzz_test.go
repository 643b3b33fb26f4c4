package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/policy"
)

// FuzzWriters renders reports whose policy-controlled text (file name,
// logical name, Sid, message, remediation, error message) is arbitrary:
// every writer must succeed, JSON and SARIF must stay valid JSON that
// round-trips the text, HTML must never carry a tag from the input, and the
// table must never carry a control character from it.
func FuzzWriters(f *testing.F) {
	for _, seed := range []string{hostile, "", "plain", "</pre><script>x</script>", "```\n<details>", "\x00\x7f\u0085\u2028", "\xff\xfe invalid utf-8"} {
		f.Add(seed, seed)
	}
	f.Fuzz(func(t *testing.T, text, name string) {
		fnd := check.Finding{RuleID: "AEG-FUZ-001", Category: check.CategorySyntax, Severity: check.SeverityHigh, Title: "t",
			Message: text, Remediation: text, Fingerprint: "00",
			Location: check.Location{File: name, Line: 1, Column: 1, Statement: 0, Sid: text}}
		res := []PolicyResult{{File: name, Name: text, Kind: policy.KindIdentity, Owner: text, Findings: []Finding{{Finding: fnd}},
			Errors: policy.ErrorList{{Pos: policy.Pos{Line: 2, Column: 3}, Path: text, Code: "syntax", Msg: text}}}}
		r := New(Tool{Name: "aegis", Version: "fuzz"}, time.Unix(0, 0), res, nil, compliance.Matrix{}, []Note{{File: name, Message: text}})
		for _, format := range Formats() {
			var buf bytes.Buffer
			if err := Write(&buf, r, format, Options{Color: true}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := buf.String()
			switch format {
			case FormatJSON, FormatSARIF:
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("%s output is not JSON:\n%s", format, out)
				}
			case FormatHTML:
				if strings.Contains(text+name, "<") && strings.Count(out, "<") != strings.Count(htmlSkeleton(t, r), "<") {
					t.Fatalf("input text added a tag to the HTML:\n%s", out)
				}
			case FormatTable:
				plain := strings.NewReplacer(ansiReset, "", ansiBold, "", ansiDim, "", ansiRed, "", ansiYellow, "", ansiCyan, "").Replace(out)
				if strings.ContainsFunc(plain, func(r rune) bool { return isControl(r) || r == '\r' }) {
					t.Fatalf("table output carries a control character: %q", plain)
				}
			}
		}
	})
}

// htmlSkeleton renders r with its untrusted text blanked, for counting the
// tags the template itself writes.
func htmlSkeleton(t *testing.T, r *Report) string {
	t.Helper()
	x := func(s string) string { // same presence, no markup
		if s == "" {
			return ""
		}
		return "x"
	}
	in := r.Inputs[0]
	f := in.Findings[0]
	f.Message, f.Remediation, f.Location.Sid, f.Location.File = x(f.Message), x(f.Remediation), x(f.Location.Sid), x(f.Location.File)
	e := *in.Errors[0]
	e.Path, e.Msg = x(e.Path), x(e.Msg)
	blank := *r
	blank.Inputs = []PolicyResult{{File: x(in.File), Name: x(in.Name), Kind: in.Kind, Owner: x(in.Owner), Score: in.Score,
		Findings: []Finding{f}, Errors: policy.ErrorList{&e}}}
	blank.Notes = []Note{{File: x(r.Notes[0].File), Message: x(r.Notes[0].Message)}}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, &blank); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
