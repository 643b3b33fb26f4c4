package rules

import (
	"sort"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
)

// corpusInputs parses every AWS managed policy as an identity policy.
func corpusInputs(t testing.TB) []*check.Input {
	t.Helper()
	ps, err := corpus.ManagedPolicies()
	if err != nil {
		t.Fatal(err)
	}
	d := db(t)
	ins := make([]*check.Input, 0, len(ps))
	for _, mp := range ps {
		doc, err := policy.Parse(mp.Name, mp.Document, policy.KindIdentity)
		if doc == nil {
			t.Fatalf("%s: %v", mp.Name, err)
		}
		ins = append(ins, &check.Input{File: mp.ARN, Name: mp.Name, Kind: policy.KindIdentity, Doc: doc, DB: d})
	}
	return ins
}

// TestCorpus validates every managed policy with every rule: nothing may
// panic, and the per-rule counts are logged (go test -v) for the notes.
func TestCorpus(t *testing.T) {
	reg := registry(t)
	ins := corpusInputs(t)
	policies := map[string]int{} // rule → policies it fires on
	findings := map[string]int{}
	for _, in := range ins {
		seen := map[string]bool{}
		for _, f := range reg.Run(in, check.Options{}) {
			findings[f.RuleID]++
			if !seen[f.RuleID] {
				seen[f.RuleID] = true
				policies[f.RuleID]++
			}
		}
	}
	ids := make([]string, 0, len(findings))
	for id := range findings {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		t.Logf("%-14s %5d policies %6d findings", id, policies[id], findings[id])
	}
	t.Logf("%d managed policies validated", len(ins))
}

// BenchmarkCorpus measures one pass of every rule over the whole corpus
// (parsing excluded).
func BenchmarkCorpus(b *testing.B) {
	reg := registry(b)
	ins := corpusInputs(b)
	b.ResetTimer()
	for range b.N {
		for _, in := range ins {
			fresh := &check.Input{File: in.File, Name: in.Name, Kind: in.Kind, Doc: in.Doc, DB: in.DB}
			reg.Run(fresh, check.Options{})
		}
	}
}

// BenchmarkManagedPolicy measures every rule on single managed policies:
// the broadest one and a typical service policy.
func BenchmarkManagedPolicy(b *testing.B) {
	reg := registry(b)
	ins := corpusInputs(b)
	for _, name := range []string{"AdministratorAccess", "PowerUserAccess", "AmazonS3FullAccess", "IAMFullAccess"} {
		var in *check.Input
		for _, x := range ins {
			if x.Name == name {
				in = x
			}
		}
		if in == nil {
			b.Fatalf("%s not in the corpus", name)
		}
		b.Run(name, func(b *testing.B) {
			for range b.N {
				reg.Run(&check.Input{File: in.File, Name: in.Name, Kind: in.Kind, Doc: in.Doc, DB: in.DB}, check.Options{})
			}
		})
	}
}
