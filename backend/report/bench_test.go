package report_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/internal/benchutil"
	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/aegis-iam/aegis/backend/validate"
)

// The validation benchmarks measure what `aegis validate` does after
// start-up, on the 1,594 AWS managed policies: extraction, every rule, the
// compliance matrix and the JSON report. scripts/bench/cli.sh (make
// bench-cli) measures the binary end to end, start-up included.

func benchCorpus(b *testing.B) []corpus.ManagedPolicy {
	b.Helper()
	ps, err := corpus.ManagedPolicies()
	if err != nil {
		b.Fatal(err)
	}
	return ps
}

func benchRun(b *testing.B) (*report.Run, *iamdb.DB) {
	b.Helper()
	db, err := iamdb.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	run, err := validate.NewRun(validate.Settings{Tool: report.Tool{Name: "aegis"}, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	return run, db
}

// validateOne runs the whole pipeline on the given policies and renders
// the JSON report.
func validateOne(b *testing.B, run *report.Run, db *iamdb.DB, ps []corpus.ManagedPolicy, w io.Writer) {
	in := &validate.Inputs{}
	for _, mp := range ps {
		in.AddText(mp.Name+".json", mp.Document, source.Options{Kind: policy.KindAny})
	}
	if len(in.Failures) > 0 {
		b.Fatal(in.Failures)
	}
	rep := run.Validate(in.Documents(db), in.Notes)
	if err := report.Write(w, rep, report.FormatJSON, report.Options{}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStartup measures what every run pays before reading its
// inputs: the embedded IAM database and the rule registry and catalogue.
func BenchmarkStartup(b *testing.B) {
	for b.Loop() {
		benchRun(b)
	}
}

// BenchmarkValidatePolicies validates every managed policy under 10 KB one
// at a time and reports the latency percentiles over them (ns/op is the
// mean over the policies).
func BenchmarkValidatePolicies(b *testing.B) {
	var small []corpus.ManagedPolicy
	for _, mp := range benchCorpus(b) {
		if len(mp.Document) < 10<<10 {
			small = append(small, mp)
		}
	}
	run, db := benchRun(b)
	var buf bytes.Buffer
	var lat benchutil.Latencies
	for b.Loop() {
		for _, mp := range small {
			buf.Reset()
			lat.Time(func() { validateOne(b, run, db, []corpus.ManagedPolicy{mp}, &buf) })
		}
	}
	lat.Report(b, len(small), "policies")
}
