package eval

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The property tests draw random statements and requests from a small
// vocabulary, so that matches are frequent, and check the monotonicity
// AWS's evaluation logic guarantees.

var (
	propActions   = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "ec2:RunInstances", "iam:PassRole"}
	propPatterns  = []string{"s3:*", "s3:Get*", "*", "ec2:*", "iam:Pass?ole", "s3:GetObject", "s3:PutObject", "sqs:*"}
	propResources = []string{"arn:aws:s3:::b/k", "arn:aws:s3:::b", "arn:aws:s3:::other/x", "*", "arn:aws:iam::111122223333:role/r"}
	propResPats   = []string{"*", "arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:s3:::*", "arn:aws:iam::*:role/*", "arn:aws:s3:::${aws:username}/*"}
	propPrincipal = []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:assumed-role/r/s",
		"arn:aws:iam::444455556666:user/bob", "arn:aws:iam::111122223333:root", "s3.amazonaws.com"}
	propConds = []policy.Condition{
		nil,
		cond("StringEquals", "aws:PrincipalTag/team", "red"),
		cond("StringNotEquals", "aws:PrincipalTag/team", "red"),
		cond("IpAddress", "aws:SourceIp", "10.0.0.0/8"),
		cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
		cond("ForAllValues:StringLike", "aws:TagKeys", "a*"),
		cond("ForAnyValue:StringEquals", "aws:TagKeys", "b"),
		cond("Null", "aws:PrincipalTag/team", "true"),
		cond("NumericLessThan", "s3:max-keys", "10"),
	}
)

func cond(op, key string, values ...string) policy.Condition {
	l := &policy.List{}
	for _, v := range values {
		l.Values = append(l.Values, policy.Value{Text: v})
	}
	return policy.Condition{{Operator: policy.Value{Text: op}, Entries: []*policy.ConditionEntry{{Key: policy.Value{Text: key}, Values: l}}}}
}

func list(values ...string) *policy.List {
	l := &policy.List{}
	for _, v := range values {
		l.Values = append(l.Values, policy.Value{Text: v})
	}
	return l
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func randStatement(r *rand.Rand, effect policy.Effect, withPrincipal bool) *policy.Statement {
	st := &policy.Statement{Effect: effect, Condition: pick(r, propConds)}
	if r.IntN(4) == 0 {
		st.NotAction = list(pick(r, propPatterns))
	} else {
		st.Action = list(pick(r, propPatterns), pick(r, propPatterns))
	}
	if r.IntN(5) == 0 {
		st.NotResource = list(pick(r, propResPats))
	} else {
		st.Resource = list(pick(r, propResPats))
	}
	if withPrincipal {
		switch r.IntN(4) {
		case 0:
			st.Principal = &policy.Principal{Wildcard: true}
		case 1:
			st.Principal = &policy.Principal{AWS: list("111122223333")}
		case 2:
			st.Principal = &policy.Principal{AWS: list(pick(r, propPrincipal))}
		default:
			st.Principal = &policy.Principal{Service: list("s3.amazonaws.com")}
		}
	}
	return st
}

func randDoc(r *rand.Rand, n int, withPrincipal bool) *policy.Document {
	d := &policy.Document{Version: policy.Value{Text: "2012-10-17"}}
	for i := 0; i < n; i++ {
		e := policy.EffectAllow
		if r.IntN(3) == 0 {
			e = policy.EffectDeny
		}
		d.Statements = append(d.Statements, randStatement(r, e, withPrincipal))
	}
	return d
}

func randRequest(r *rand.Rand) *Request {
	req := &Request{Principal: pick(r, propPrincipal), Action: pick(r, propActions), Resource: pick(r, propResources)}
	if r.IntN(2) == 0 {
		req.Context.Set("aws:PrincipalTag/team", pick(r, []string{"red", "blue"}))
	}
	if r.IntN(2) == 0 {
		req.Context.Set("aws:SourceIp", pick(r, []string{"10.1.2.3", "192.0.2.1"}))
	}
	if r.IntN(2) == 0 {
		req.Context.Set("aws:TagKeys", pick(r, [][]string{{}, {"a1"}, {"a1", "b"}, {"c"}})...)
	}
	return req
}

// world is a random set of documents for each layer.
type world struct {
	identity, resource, boundary, scp *policy.Document
}

func (w world) input(t *testing.T) *Input {
	t.Helper()
	c := func(name string, d *policy.Document) *Policy {
		if d == nil {
			return nil
		}
		p, err := Compile(name, d)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	in := &Input{Identity: []*Policy{c("id", w.identity)}, Resource: c("res", w.resource), Boundary: c("bnd", w.boundary)}
	if w.scp != nil {
		in.SCPs = [][]*Policy{{c("scp", w.scp)}}
	}
	return in
}

func randWorld(r *rand.Rand) world {
	w := world{identity: randDoc(r, 1+r.IntN(4), false)}
	if r.IntN(2) == 0 {
		w.resource = randDoc(r, 1+r.IntN(3), true)
	}
	if r.IntN(3) == 0 {
		w.boundary = randDoc(r, 1+r.IntN(2), false)
	}
	if r.IntN(3) == 0 {
		w.scp = randDoc(r, 1+r.IntN(2), false)
	}
	return w
}

// mutateDocs returns copies of w with one document changed by f.
func mutateDocs(w world, f func(d *policy.Document) *policy.Document) []world {
	var out []world
	for i := 0; i < 4; i++ {
		m := w
		ptr := []*(*policy.Document){&m.identity, &m.resource, &m.boundary, &m.scp}[i]
		if *ptr == nil {
			continue
		}
		if nd := f(*ptr); nd != nil {
			*ptr = nd
			out = append(out, m)
		}
	}
	return out
}

func checkNoMorePermissive(t *testing.T, r *rand.Rand, what string, mutate func(*policy.Document) *policy.Document) {
	t.Helper()
	for iter := 0; iter < 600; iter++ {
		w := randWorld(r)
		before := w.input(t)
		for _, m := range mutateDocs(w, mutate) {
			after := m.input(t)
			for k := 0; k < 6; k++ {
				req := randRequest(r)
				for _, mode := range []Mode{ModeAWS, ModeUnknown} {
					b, err := Evaluate(before, req, mode)
					if err != nil {
						t.Fatal(err)
					}
					a, err := Evaluate(after, req, mode)
					if err != nil {
						t.Fatal(err)
					}
					if rank(a.Decision) > rank(b.Decision) {
						t.Fatalf("%s made the decision more permissive (mode %d): %s → %s\nrequest: %+v", what, mode, b.Decision, a.Decision, req)
					}
				}
			}
		}
	}
}

func TestPropertyAddingDenyNeverAllowsMore(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	checkNoMorePermissive(t, r, "adding a Deny", func(d *policy.Document) *policy.Document {
		withPrincipal := d.Statements[0].Principal != nil
		nd := *d
		nd.Statements = append(slices.Clone(d.Statements), randStatement(r, policy.EffectDeny, withPrincipal))
		return &nd
	})
}

func TestPropertyRemovingAllowNeverAllowsMore(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	checkNoMorePermissive(t, r, "removing an Allow", func(d *policy.Document) *policy.Document {
		for i, st := range d.Statements {
			if st.Effect == policy.EffectAllow {
				nd := *d
				nd.Statements = slices.Delete(slices.Clone(d.Statements), i, i+1)
				return &nd
			}
		}
		return nil
	})
}

// TestPropertyUnknownModeCoversAWSMode checks that ModeUnknown is sound
// with respect to ModeAWS: a request AWS mode allows (with the same known
// keys) is never denied in unknown mode, and one it denies is never
// definitely allowed there.
func TestPropertyUnknownModeCoversAWSMode(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 1500; iter++ {
		in := randWorld(r).input(t)
		req := randRequest(r)
		a, err := Evaluate(in, req, ModeAWS)
		if err != nil {
			t.Fatal(err)
		}
		u, err := Evaluate(in, req, ModeUnknown)
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision == Allowed && rank(u.Decision) == 0 || a.Decision != Allowed && u.Decision == Allowed {
			t.Fatalf("AWS mode %s but unknown mode %s for %+v", a.Decision, u.Decision, req)
		}
	}
}

// TestEvaluatorReuse checks that reusing an Evaluator gives the same
// results as fresh ones.
func TestEvaluatorReuse(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	var ev Evaluator
	for iter := 0; iter < 500; iter++ {
		in := randWorld(r).input(t)
		req := randRequest(r)
		got, err := ev.Evaluate(in, req, ModeAWS)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Evaluate(in, req, ModeAWS)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.Clone(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("iteration %d: reused evaluator differs (-fresh +reused):\n%s", iter, diff)
		}
	}
}

// TestPropertyContainsSound checks Contains against the evaluator: when it
// proves NEW grants no new access, no random request NEW allows is denied
// by OLD; when it reports new access, its counterexample is one.
func TestPropertyContainsSound(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Contains on random policy pairs")
	}
	db := embeddedDB(t)
	r := rand.New(rand.NewPCG(9, 10))
	proven, found := 0, 0
	const iterations = 25
	for iter := 0; iter < iterations; iter++ {
		oldP, err := Compile("old", randDoc(r, 1+r.IntN(3), false))
		if err != nil {
			t.Fatal(err)
		}
		newP, err := Compile("new", randDoc(r, 1+r.IntN(3), false))
		if err != nil {
			t.Fatal(err)
		}
		oldIn, newIn := &Input{Identity: []*Policy{oldP}}, &Input{Identity: []*Policy{newP}}
		c := Contains(db, []*Policy{oldP}, []*Policy{newP})
		switch c.Verdict {
		case NewAccess:
			found++
			n, _ := Evaluate(newIn, c.Counterexample, ModeAWS)
			o, _ := Evaluate(oldIn, c.Counterexample, ModeAWS)
			if n.Decision != Allowed || o.Decision == Allowed {
				t.Fatalf("counterexample %+v: NEW %s, OLD %s", c.Counterexample, n.Decision, o.Decision)
			}
		case NoNewAccess:
			proven++
			for k := 0; k < 40; k++ {
				req := randRequest(r)
				a, ok := db.Action(req.Action)
				if !ok || (a.WildcardOnly() != (req.Resource == "*")) || (req.Resource != "*" && len(db.ResourceTypesFor(a, req.Resource)) == 0) {
					continue // Contains compares real resources of each action only
				}
				req.Principal = "arn:aws:iam::111122223333:user/alice"
				req.ResourceAccount = "111122223333"
				n, _ := Evaluate(newIn, req, ModeAWS)
				o, _ := Evaluate(oldIn, req, ModeAWS)
				if n.Decision == Allowed && o.Decision != Allowed {
					t.Fatalf("proven no new access, but NEW allows and OLD denies %+v\nold %v\nnew %v", req, oldP.Doc, newP.Doc)
				}
			}
		}
	}
	t.Logf("%d proven, %d with a counterexample, of %d", proven, found, iterations)
}
