package iamdb

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/internal/corpus"
)

// corpusActions returns every Action and NotAction value of the latest
// versions of the AWS managed policies, in corpus order.
func corpusActions(t testing.TB) []string {
	t.Helper()
	policies, err := corpus.ManagedPolicies()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range policies {
		var doc struct {
			Statement json.RawMessage
		}
		if err := json.Unmarshal(p.Document, &doc); err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		var stmts []map[string]json.RawMessage
		if err := json.Unmarshal(doc.Statement, &stmts); err != nil {
			var one map[string]json.RawMessage
			if err := json.Unmarshal(doc.Statement, &one); err != nil {
				t.Fatalf("%s: Statement: %v", p.Name, err)
			}
			stmts = append(stmts, one)
		}
		for _, st := range stmts {
			for _, key := range []string{"Action", "NotAction"} {
				raw, ok := st[key]
				if !ok {
					continue
				}
				var list []string
				if err := json.Unmarshal(raw, &list); err != nil {
					var one string
					if err := json.Unmarshal(raw, &one); err != nil {
						t.Fatalf("%s: %s: %v", p.Name, key, err)
					}
					list = []string{one}
				}
				out = append(out, list...)
			}
		}
	}
	return out
}

// TestManagedPolicyActions runs every action reference of the 1,594 AWS
// managed policies through the database: exact names resolve (except the
// ~110 retired or very new ones the research counted, which are reported,
// not crashed on), every pattern is well-formed or reported, and most
// wildcards expand to something.
func TestManagedPolicyActions(t *testing.T) {
	db := embeddedDB(t)
	refs := corpusActions(t)
	unknown := map[string]bool{}
	var exact, wild, emptyWild, malformed, expanded int
	for _, ref := range refs {
		if err := CheckActionPattern(ref); err != nil {
			malformed++
			continue
		}
		if !strings.ContainsAny(ref, "*?") {
			exact++
			if _, ok := db.Action(ref); !ok {
				unknown[strings.ToLower(ref)] = true
			}
			continue
		}
		wild++
		n := len(db.Expand(ref))
		expanded += n
		if n == 0 {
			emptyWild++
		}
	}
	t.Logf("%d action references: %d exact (%d distinct unknown), %d wildcards expanding to %d actions (%d match nothing), %d malformed",
		len(refs), exact, len(unknown), wild, expanded, emptyWild, malformed)
	if len(refs) < 55000 || exact < 50000 || wild < 3000 {
		t.Errorf("corpus smaller than expected: %d refs, %d exact, %d wildcards", len(refs), exact, wild)
	}
	if len(unknown) > 150 {
		t.Errorf("%d distinct unknown actions, want at most 150 (the research counted 107)", len(unknown))
	}
	if emptyWild > wild/20 {
		t.Errorf("%d of %d wildcards match nothing", emptyWild, wild)
	}
}

// BenchmarkExpandCorpus expands every Action/NotAction value of the AWS
// managed policies (exact names through Action, patterns through Expand);
// one op is the whole corpus.
func BenchmarkExpandCorpus(b *testing.B) {
	db := embeddedDB(b)
	refs := corpusActions(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, ref := range refs {
			if strings.ContainsAny(ref, "*?") {
				db.Expand(ref)
			} else {
				db.Action(ref)
			}
		}
	}
}
