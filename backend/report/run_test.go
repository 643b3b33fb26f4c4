package report

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/internal/benchutil"
	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/google/go-cmp/cmp"
)

// actionRule reports every Allow statement of the kinds given (all when
// none), citing the rule ID in the message.
func actionRule(id string, sev check.Severity, kinds ...policy.Kind) *check.Rule {
	r := testRule(id, check.CategoryWildcard, sev, "Test rule "+id)
	r.Kinds = kinds
	r.Run = func(p *check.Pass) {
		for _, st := range p.Doc.Statements {
			if st.Effect == policy.EffectAllow {
				p.Report(st, policy.Pos{}, "Action", id+" fired", "", check.Exposure{AllResources: true})
			}
		}
	}
	return r
}

// effectSyntaxRule reports the input's invalid-effect errors, the way the
// AEG-SYN rules turn parse errors into findings.
func effectSyntaxRule() *check.Rule {
	r := testRule("AEG-SYN-901", check.CategorySyntax, check.SeverityHigh, "Invalid Effect")
	r.Run = func(p *check.Pass) {
		for _, e := range p.Errors {
			if e.Code == policy.CodeInvalidEffect {
				p.Report(nil, e.Pos, e.Path, e.Msg, "", check.Exposure{})
			}
		}
	}
	return r
}

func parseDoc(t *testing.T, file string, kind policy.Kind, src string) *Document {
	t.Helper()
	doc, err := policy.Parse(file, []byte(src), kind)
	d := &Document{Input: check.Input{File: file, Kind: kind, Doc: doc}}
	if err != nil && !errors.As(err, &d.Errors) {
		t.Fatal(err)
	}
	return d
}

func TestRunValidate(t *testing.T) {
	reg, err := check.NewRegistry(
		actionRule("AEG-WILD-901", check.SeverityHigh),
		actionRule("AEG-WILD-902", check.SeverityLow),
		actionRule("AEG-WILD-903", check.SeverityMedium, policy.KindTrust),
		actionRule("AEG-WILD-904", check.SeverityLow),
		effectSyntaxRule(),
	)
	if err != nil {
		t.Fatal(err)
	}
	const allow = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	docs := []*Document{
		parseDoc(t, "a.json", policy.KindIdentity, allow),
		parseDoc(t, "b.json", policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Alow","Action":"s3:GetObject","Resource":"*"}]}`),
		{Input: check.Input{File: "c.yaml", Errors: policy.ErrorList{{Filename: "c.yaml", Pos: policy.Pos{Line: 1, Column: 1}, Code: "yaml-syntax", Msg: "bad"}}}},
	}
	// The fingerprints of a.json's findings, to accept them.
	probe := (&Run{Registry: reg, Catalog: nil}).Validate([]*Document{parseDoc(t, "a.json", policy.KindIdentity, allow)}, nil)
	fp := map[string]string{}
	for _, f := range probe.Inputs[0].Findings {
		fp[f.RuleID] = f.Fingerprint
	}
	cfg, err := compliance.LoadConfig(".aegis.yaml", []byte(`version: 1
disable: [AEG-WILD-904]
severityOverrides: {AEG-WILD-902: critical}
acceptedRisks:
  - {check: AEG-WILD-901, fingerprint: `+fp["AEG-WILD-901"]+`, owner: ops, reason: reviewed, expires: 2027-01-31}
  - {check: AEG-WILD-902, fingerprint: `+fp["AEG-WILD-902"]+`, owner: ops, reason: old, expires: 2026-01-31}
`))
	if err != nil {
		t.Fatal(err)
	}
	run := &Run{Tool: Tool{Name: "aegis"}, Registry: reg, Config: cfg, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	r := run.Validate(docs, []Note{{File: "x.txt", Message: "skipped"}})

	a := r.Inputs[0]
	var got []string
	for _, f := range a.Findings {
		got = append(got, f.RuleID+" "+f.Severity.String())
	}
	// 901 accepted; 902 counted (expired acceptance) at its overridden
	// severity; 903 is for trust policies; 904 disabled.
	if diff := cmp.Diff([]string{"AEG-WILD-902 critical"}, got); diff != "" {
		t.Errorf("a.json findings (-want +got):\n%s", diff)
	}
	if len(a.Suppressed) != 1 || a.Suppressed[0].RuleID != "AEG-WILD-901" || a.Suppressed[0].Owner != "ops" {
		t.Errorf("a.json suppressed = %+v, want AEG-WILD-901 accepted by ops", a.Suppressed)
	}
	// b.json's invalid Effect became a syntax finding; c.yaml, unparsed,
	// keeps its error.
	b := r.Inputs[1]
	if len(b.Findings) != 1 || b.Findings[0].RuleID != "AEG-SYN-901" || len(b.Errors) != 0 {
		t.Errorf("b.json: findings %+v, errors %v; want the AEG-SYN-901 finding in place of the error", b.Findings, b.Errors)
	}
	if len(r.Inputs[2].Errors) != 1 || r.Totals.Errors != 1 {
		t.Errorf("c.yaml errors %v, total %d; want its one error", r.Inputs[2].Errors, r.Totals.Errors)
	}
	var notes []string
	for _, n := range r.Notes {
		notes = append(notes, n.File+": "+n.Message)
	}
	wantNote := "a.json: the accepted risk AEG-WILD-902 (fingerprint " + fp["AEG-WILD-902"] + ", owner ops) expired on 2026-01-31: the finding at line 1 counts again"
	if !slices.Contains(notes, wantNote) || !slices.Contains(notes, "x.txt: skipped") {
		t.Errorf("notes = %q, want the expired acceptance and the caller's note", notes)
	}
}

// corpusDocuments extracts every AWS managed policy the way validate reads
// a policy file.
func corpusDocuments(tb testing.TB, db *iamdb.DB, policies []corpus.ManagedPolicy) []*Document {
	tb.Helper()
	var docs []*Document
	for _, p := range policies {
		got, err := source.Extract(p.Name+".json", p.Document, source.Options{Kind: policy.KindIdentity})
		if err != nil {
			tb.Fatalf("%s: %v", p.Name, err)
		}
		for _, e := range got {
			docs = append(docs, &Document{Input: check.Input{File: e.File, Name: e.Name, Kind: e.Kind, Doc: e.Document, DB: db, Errors: e.Errors}, Owner: e.Owner})
		}
	}
	return docs
}

func builtinRun(tb testing.TB) (*Run, *iamdb.DB, []corpus.ManagedPolicy) {
	tb.Helper()
	db, err := iamdb.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	reg, err := check.NewRegistry(rules.All()...)
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := compliance.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	policies, err := corpus.ManagedPolicies()
	if err != nil {
		tb.Fatal(err)
	}
	return &Run{Tool: Tool{Name: "aegis"}, Registry: reg, Catalog: cat, Now: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}, db, policies
}

// TestValidateCorpus validates every AWS managed policy with the built-in
// rules: no crash, no input error, and the outcomes the issue names.
func TestValidateCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("validates 1,594 policies")
	}
	run, db, policies := builtinRun(t)
	r := run.Validate(corpusDocuments(t, db, policies), nil)
	if r.Totals.Policies != len(policies) || r.Totals.Errors != 0 {
		t.Fatalf("validated %d policies with %d input errors, want %d and 0", r.Totals.Policies, r.Totals.Errors, len(policies))
	}
	byName := map[string]PolicyResult{}
	for _, in := range r.Inputs {
		byName[strings.TrimSuffix(in.File, ".json")] = in
	}
	if s := byName["AdministratorAccess"].Score; s.Band != "critical" {
		t.Errorf("AdministratorAccess: %s, want the critical band", s.Summary())
	}
	var privesc bool
	for _, f := range byName["IAMFullAccess"].Findings {
		privesc = privesc || f.Category == check.CategoryPrivilegeEscalation
	}
	if !privesc {
		t.Errorf("IAMFullAccess has no privilege-escalation finding: %s", byName["IAMFullAccess"].Score.Summary())
	}
	one := parseDoc(t, "one.json", policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	one.DB = db
	if s := run.Validate([]*Document{one}, nil).Totals.Score; s.Value >= 20 {
		t.Errorf("s3:GetObject on one bucket: %s, want under 20", s.Summary())
	}
}

// BenchmarkValidateCorpus measures validation of all 1,594 AWS managed
// policies: extraction, every built-in rule, accepted-risk matching,
// scoring, the compliance matrix and the report model. Run with -cpu 1 for
// the one-core figure.
func BenchmarkValidateCorpus(b *testing.B) {
	run, db, policies := builtinRun(b)
	for b.Loop() {
		run.Validate(corpusDocuments(b, db, policies), nil)
	}
}

// BenchmarkValidateOnePolicy measures the latency of validating the largest
// managed policy under 10 KB, reporting its percentiles.
func BenchmarkValidateOnePolicy(b *testing.B) {
	run, db, policies := builtinRun(b)
	var pick corpus.ManagedPolicy
	for _, p := range policies {
		if len(p.Document) < 10<<10 && len(p.Document) > len(pick.Document) {
			pick = p
		}
	}
	pol := []corpus.ManagedPolicy{pick}
	var lat benchutil.Latencies
	for b.Loop() {
		lat.Time(func() { run.Validate(corpusDocuments(b, db, pol), nil) })
	}
	lat.Report(b, 1, "policies")
	b.ReportMetric(float64(len(pick.Document)), "policy-bytes")
}

// BenchmarkWriters renders the report of the whole managed-policy corpus in
// every format.
func BenchmarkWriters(b *testing.B) {
	run, db, policies := builtinRun(b)
	r := run.Validate(corpusDocuments(b, db, policies), nil)
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			var n int
			for b.Loop() {
				var buf bytes.Buffer
				if err := Write(&buf, r, f, Options{}); err != nil {
					b.Fatal(err)
				}
				n = buf.Len()
			}
			b.ReportMetric(float64(n), "bytes")
		})
	}
}
