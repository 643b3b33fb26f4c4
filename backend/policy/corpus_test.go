package policy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
)

func managedPolicies(tb testing.TB) []corpus.ManagedPolicy {
	tb.Helper()
	policies, err := corpus.ManagedPolicies()
	if err != nil {
		tb.Fatal(err)
	}
	return policies
}

// TestCorpusParses parses every AWS managed policy (as the identity
// policies they are) with zero errors, checks the result against an
// independent decoding with encoding/json, and logs corpus statistics.
func TestCorpusParses(t *testing.T) {
	var stats struct {
		policies, statements, actions, notActionStmts, actionWildcards         int
		resources, notResourceStmts, resourceWildcards, conditionStmts, values int
		operators                                                              map[string]int
	}
	stats.operators = map[string]int{}
	for _, mp := range managedPolicies(t) {
		doc, err := policy.Parse(mp.Name, mp.Document, policy.KindIdentity)
		if err != nil {
			t.Errorf("%s: %v", mp.Name, err)
			continue
		}
		// Compared through the printer, which writes every element: cheap
		// enough for the whole corpus under the race detector.
		if want, got := policy.Format(reference(t, mp.Document)), policy.Format(doc); !bytes.Equal(want, got) {
			t.Errorf("%s: parsed document differs from encoding/json's reading (-want +got):\n%s", mp.Name, cmp.Diff(string(want), string(got)))
		}
		stats.policies++
		for _, st := range doc.Statements {
			stats.statements++
			for _, l := range []*policy.List{st.Action, st.NotAction} {
				for _, v := range l.Strings() {
					stats.actions++
					if strings.ContainsAny(v, "*?") {
						stats.actionWildcards++
					}
				}
			}
			if st.NotAction != nil {
				stats.notActionStmts++
			}
			for _, l := range []*policy.List{st.Resource, st.NotResource} {
				for _, v := range l.Strings() {
					stats.resources++
					if strings.ContainsAny(v, "*?") {
						stats.resourceWildcards++
					}
				}
			}
			if st.NotResource != nil {
				stats.notResourceStmts++
			}
			if st.Condition != nil {
				stats.conditionStmts++
			}
			for _, b := range st.Condition {
				stats.operators[b.Operator.Text]++
				for _, e := range b.Entries {
					stats.values += e.Values.Len()
				}
			}
		}
	}
	ops := make([]string, 0, len(stats.operators))
	for op, n := range stats.operators {
		ops = append(ops, fmt.Sprintf("%s=%d", op, n))
	}
	sort.Strings(ops)
	t.Logf("corpus: %d policies, %d statements; %d action entries (%d with wildcards, %d NotAction statements); "+
		"%d resource entries (%d with wildcards, %d NotResource statements); %d statements with Condition, %d condition values",
		stats.policies, stats.statements, stats.actions, stats.actionWildcards, stats.notActionStmts,
		stats.resources, stats.resourceWildcards, stats.notResourceStmts, stats.conditionStmts, stats.values)
	t.Logf("condition operators: %s", strings.Join(ops, " "))
}

// TestCorpusRoundTrip checks that printing is a fixed point for every
// managed policy: Format(Parse(Format(Parse(src)))) == Format(Parse(src)).
func TestCorpusRoundTrip(t *testing.T) {
	for _, mp := range managedPolicies(t) {
		doc, err := policy.Parse(mp.Name, mp.Document, policy.KindIdentity)
		if err != nil {
			t.Errorf("%s: %v", mp.Name, err)
			continue
		}
		first := policy.Format(doc)
		doc2, err := policy.Parse(mp.Name, first, policy.KindIdentity)
		if err != nil {
			t.Errorf("%s: canonical form does not parse: %v\n%s", mp.Name, err, first)
			continue
		}
		if second := policy.Format(doc2); !bytes.Equal(first, second) {
			t.Errorf("%s: printing is not a fixed point:\n%s", mp.Name, cmp.Diff(string(first), string(second)))
		}
		if !json.Valid(first) {
			t.Errorf("%s: canonical form is not valid JSON", mp.Name)
		}
	}
}

// reference builds the Document that src describes using encoding/json, as
// an independent check of the hand-written parser. Condition operators and
// keys keep source order through json.Decoder tokens.
func reference(t *testing.T, src []byte) *policy.Document {
	t.Helper()
	var raw struct {
		Version   string
		Id        string
		Statement json.RawMessage
	}
	if err := json.Unmarshal(src, &raw); err != nil {
		t.Fatal(err)
	}
	doc := &policy.Document{Version: policy.Value{Text: raw.Version}, ID: policy.Value{Text: raw.Id}}
	var stmts []json.RawMessage
	if bytes.HasPrefix(raw.Statement, []byte("[")) {
		if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
			t.Fatal(err)
		}
	} else {
		stmts = []json.RawMessage{raw.Statement}
	}
	for i, s := range stmts {
		var rs struct {
			Sid, Effect                              string
			Principal, NotPrincipal                  json.RawMessage
			Action, NotAction, Resource, NotResource json.RawMessage
			Condition                                json.RawMessage
		}
		if err := json.Unmarshal(s, &rs); err != nil {
			t.Fatal(err)
		}
		st := &policy.Statement{Index: i, Sid: policy.Value{Text: rs.Sid},
			Action: refList(t, rs.Action), NotAction: refList(t, rs.NotAction),
			Resource: refList(t, rs.Resource), NotResource: refList(t, rs.NotResource),
			Condition: refCondition(t, rs.Condition)}
		switch rs.Effect {
		case "Allow":
			st.Effect = policy.EffectAllow
		case "Deny":
			st.Effect = policy.EffectDeny
		}
		if rs.Principal != nil || rs.NotPrincipal != nil {
			t.Fatalf("managed policy with a principal: %s", s)
		}
		doc.Statements = append(doc.Statements, st)
	}
	return doc
}

func refList(t *testing.T, raw json.RawMessage) *policy.List {
	if raw == nil {
		return nil
	}
	var vals []any
	if bytes.HasPrefix(raw, []byte("[")) {
		if err := json.Unmarshal(raw, &vals); err != nil {
			t.Fatal(err)
		}
	} else {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		vals = []any{v}
	}
	l := &policy.List{}
	for _, v := range vals {
		switch v := v.(type) {
		case string:
			l.Values = append(l.Values, policy.Value{Text: v})
		case bool:
			l.Values = append(l.Values, policy.Value{Text: fmt.Sprint(v), Kind: policy.ValueBool})
		case float64:
			l.Values = append(l.Values, policy.Value{Text: fmt.Sprint(v), Kind: policy.ValueNumber})
		default:
			t.Fatalf("unexpected value %v", v)
		}
	}
	return l
}

func refCondition(t *testing.T, raw json.RawMessage) policy.Condition {
	if raw == nil {
		return nil
	}
	cond := policy.Condition{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.Token() // {
	for dec.More() {
		op, _ := dec.Token()
		block := &policy.ConditionBlock{Operator: policy.Value{Text: op.(string)}}
		dec.Token() // {
		for dec.More() {
			key, _ := dec.Token()
			var values json.RawMessage
			if err := dec.Decode(&values); err != nil {
				t.Fatal(err)
			}
			block.Entries = append(block.Entries, &policy.ConditionEntry{Key: policy.Value{Text: key.(string)}, Values: refList(t, values)})
		}
		dec.Token() // }
		cond = append(cond, block)
	}
	return cond
}

func BenchmarkParseCorpus(b *testing.B) {
	policies := managedPolicies(b)
	size := 0
	for _, mp := range policies {
		size += len(mp.Document)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, mp := range policies {
			if _, err := policy.Parse(mp.Name, mp.Document, policy.KindIdentity); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkFormatCorpus(b *testing.B) {
	policies := managedPolicies(b)
	docs := make([]*policy.Document, len(policies))
	size := 0
	for i, mp := range policies {
		doc, err := policy.Parse(mp.Name, mp.Document, policy.KindIdentity)
		if err != nil {
			b.Fatal(err)
		}
		docs[i] = doc
		size += len(policy.Format(doc))
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, doc := range docs {
			policy.Format(doc)
		}
	}
}
