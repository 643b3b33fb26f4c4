package validate

import (
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/internal/benchutil"
	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
)

// BenchmarkValidatePolicy validates every AWS managed policy under 10 KB
// on its own through the shared pipeline — extraction, every rule, the
// compliance matrix of every framework and the report model, rendering
// aside (backend/report's BenchmarkValidatePolicies adds the JSON writer)
// — and reports the latency percentiles over them. Run with -cpu 1.
func BenchmarkValidatePolicy(b *testing.B) {
	ps, err := corpus.ManagedPolicies()
	if err != nil {
		b.Fatal(err)
	}
	var small []corpus.ManagedPolicy
	for _, mp := range ps {
		if len(mp.Document) < 10<<10 {
			small = append(small, mp)
		}
	}
	db, err := iamdb.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	run, err := NewRun(Settings{Tool: report.Tool{Name: "aegis"}, Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	var lat benchutil.Latencies
	for b.Loop() {
		for _, mp := range small {
			lat.Time(func() {
				in := &Inputs{}
				in.AddText(mp.Name+".json", mp.Document, source.Options{Kind: policy.KindAny})
				if rep := run.Validate(in.Documents(db), in.Notes); rep.Totals.Policies != 1 {
					b.Fatalf("%s: %d policies", mp.Name, rep.Totals.Policies)
				}
			})
		}
	}
	lat.Report(b, len(small), "policies")
}
