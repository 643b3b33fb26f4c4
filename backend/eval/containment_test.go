package eval

import (
	"slices"
	"sync"
	"testing"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
)

var (
	dbOnce sync.Once
	testDB *iamdb.DB
	dbErr  error
)

func embeddedDB(tb testing.TB) *iamdb.DB {
	tb.Helper()
	dbOnce.Do(func() { testDB, dbErr = iamdb.Embedded() })
	if dbErr != nil {
		tb.Fatal(dbErr)
	}
	return testDB
}

func compileJSON(tb testing.TB, name, src string) *Policy {
	tb.Helper()
	doc, err := policy.Parse(name, []byte(src), policy.KindIdentity)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	p, err := Compile(name, doc)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func stmts(s string) string { return `{"Version": "2012-10-17", "Statement": [` + s + `]}` }

func TestContains(t *testing.T) {
	db := embeddedDB(t)
	tests := []struct {
		name     string
		old, new string
		want     Verdict
		action   string // for NewAccess: the counterexample's action, if it is fixed
	}{
		{"identical", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), NoNewAccess, ""},
		{"fewer actions", stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), stmts(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`), NoNewAccess, ""},
		{"more actions", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), stmts(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}`), NewAccess, "s3:PutObject"},
		{"narrower resource", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), NoNewAccess, ""},
		{"broader resource", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}`), NewAccess, "s3:GetObject"},
		{"star equals the object formats", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:*:s3:::*/*","arn:*:s3:*:*:accesspoint/*/object/*"]}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), NoNewAccess, ""},
		{"star exceeds the bucket-object format", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:*:s3:::*/*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), NewAccess, "s3:GetObject"},
		{"union of two OLD statements covers", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::a/*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::a/*","arn:aws:s3:::b/*"]}`), NoNewAccess, ""},
		{"NotAction old covers new", stmts(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), stmts(`{"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"}`), NoNewAccess, ""},
		{"NotAction new exceeds old", stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), stmts(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), NewAccess, ""},
		{"NotResource old covers new", stmts(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"}`), NoNewAccess, ""},
		{"NotResource new reaches the excluded bucket", stmts(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::*"}`), NewAccess, "s3:GetObject"},
		{"added condition", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), NoNewAccess, ""},
		{"removed condition", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), NewAccess, "s3:GetObject"},
		{"narrower CIDR", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}}`), NoNewAccess, ""},
		{"broader CIDR", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), NewAccess, "s3:GetObject"},
		{"narrower StringLike", stmts(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`), stmts(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/alice/*"}}}`), NoNewAccess, ""},
		{"tighter numeric bound", stmts(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"}}}`), stmts(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}`), NoNewAccess, ""},
		{"negated condition excluding more", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]}}}`), NoNewAccess, ""},
		{"OLD unconditional deny dropped", stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`), stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), NewAccess, "s3:DeleteObject"},
		{"OLD deny kept", stmts(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`), stmts(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"},{"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}`), NoNewAccess, ""},
		{"OLD conditional deny dropped", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), NewAccess, "s3:GetObject"},
		{"OLD deny on a variable condition dropped", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/quarantine":"${aws:PrincipalTag/team}"}}}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), PossiblyNewAccess, ""},
		{"OLD conditional deny repeated", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Sid":"TLS","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), NoNewAccess, ""},
		{"same variables", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`), NoNewAccess, ""},
		{"different variables", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:userid}/*"}`), PossiblyNewAccess, ""},
		{"wildcard-only action", stmts(`{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}`), stmts(`{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`), NewAccess, "s3:ListAllMyBuckets"},
		{"OLD conditional allow not implied", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"red"}}}`), stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}}`), NewAccess, "s3:GetObject"},
		{"empty NEW", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), stmts(`{"Effect":"Deny","Action":"*","Resource":"*"}`), NoNewAccess, ""},
		{"everything vs nothing", stmts(`{"Effect":"Deny","Action":"*","Resource":"*"}`), stmts(`{"Effect":"Allow","Action":"*","Resource":"*"}`), NewAccess, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldP := []*Policy{compileJSON(t, "old", tt.old)}
			newP := []*Policy{compileJSON(t, "new", tt.new)}
			got := Contains(db, oldP, newP)
			if got.Verdict != tt.want {
				t.Fatalf("old %s\nnew %s\ngot %s (reasons %v, counterexample %+v), want %s", tt.old, tt.new, got.Verdict, got.Reasons, got.Counterexample, tt.want)
			}
			if got.Verdict != NewAccess {
				return
			}
			ce := got.Counterexample
			if tt.action != "" && ce.Action != tt.action {
				t.Errorf("counterexample action %s, want %s", ce.Action, tt.action)
			}
			n, _ := Evaluate(&Input{Identity: newP}, ce, ModeAWS)
			o, _ := Evaluate(&Input{Identity: oldP}, ce, ModeAWS)
			if n.Decision != Allowed || o.Decision == Allowed {
				t.Errorf("counterexample %+v: NEW %s, OLD %s; want NEW allowed, OLD not", ce, n.Decision, o.Decision)
			}
		})
	}
}

func TestStillAllowed(t *testing.T) {
	oldP := []*Policy{compileJSON(t, "old", stmts(`{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}`))}
	newP := []*Policy{compileJSON(t, "new", stmts(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`))}
	rows := []UsageRow{
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"},
		{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k"},
		{Action: "s3:GetObject", Resource: "arn:aws:s3:::other/k"},
		{Action: "ec2:RunInstances", Resource: "*"},
	}
	lost, err := StillAllowed("arn:aws:iam::111122223333:role/app", oldP, newP, rows)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lost {
		got = append(got, l.Row.Action+" "+l.Row.Resource+" "+l.Old.String()+"→"+l.New.String())
	}
	want := []string{
		"s3:GetObject arn:aws:s3:::b/k allowed→conditional",
		"s3:PutObject arn:aws:s3:::b/k allowed→implicit-deny",
		"s3:GetObject arn:aws:s3:::other/k allowed→implicit-deny",
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

// TestContainsManagedCorpus measures how often Contains cannot decide on
// real policies: each AWS managed policy against itself minus its last
// statement (an Allow, so NEW is a subset, or a Deny, so NEW may grant
// more), and against a scoped-down copy (every Allow limited to one
// account's resources in one region, with a region condition). A subset
// must never be reported as new access; every new-access answer carries a
// counterexample Contains has confirmed with the evaluator. The counts are
// logged.
func TestContainsManagedCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("compares 1,594 managed policies")
	}
	db := embeddedDB(t)
	all, err := corpus.ManagedPolicies()
	if err != nil {
		t.Fatal(err)
	}
	type tally struct{ proven, newAccess, possibly, total int }
	var minusAllow, minusDeny, scoped tally
	var reasons []string
	count := func(tl *tally, name string, c *Containment, subset bool) {
		tl.total++
		switch c.Verdict {
		case NoNewAccess:
			tl.proven++
		case PossiblyNewAccess:
			tl.possibly++
			if len(reasons) < 10 {
				reasons = append(reasons, name+": "+c.Reasons[0])
			}
		case NewAccess:
			tl.newAccess++
			if subset {
				t.Errorf("%s: a subset was reported as new access: %+v granted by %+v", name, c.Counterexample, c.Granted)
			}
		}
	}
	for _, mp := range all {
		doc, err := policy.Parse(mp.Name, mp.Document, policy.KindIdentity)
		if err != nil {
			t.Fatal(err)
		}
		oldP, err := Compile(mp.Name, doc)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Statements) == 0 {
			continue
		}
		last := len(doc.Statements) - 1
		minus := *doc
		minus.Statements = slices.Delete(slices.Clone(doc.Statements), last, last+1)
		newP, err := Compile(mp.Name+"-minus-one", &minus)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Statements[last].Effect == policy.EffectAllow {
			count(&minusAllow, mp.Name+" minus its last Allow", Contains(db, []*Policy{oldP}, []*Policy{newP}), true)
		} else {
			count(&minusDeny, mp.Name+" minus its last Deny", Contains(db, []*Policy{oldP}, []*Policy{newP}), false)
		}
		newS, err := Compile(mp.Name+"-scoped", scopeDown(doc))
		if err != nil {
			t.Fatal(err)
		}
		count(&scoped, mp.Name+" scoped down", Contains(db, []*Policy{oldP}, []*Policy{newS}), true)
	}
	report := func(what string, tl tally) {
		t.Logf("%s: %d comparisons, %d proven no new access, %d new access, %d possibly (%.1f%%)",
			what, tl.total, tl.proven, tl.newAccess, tl.possibly, 100*float64(tl.possibly)/float64(max(tl.total, 1)))
	}
	report("minus last statement (an Allow)", minusAllow)
	report("minus last statement (a Deny)", minusDeny)
	report("scoped-down copy", scoped)
	for _, r := range reasons {
		t.Logf("possibly: %s", r)
	}
}

// scopeDown returns a copy of doc whose Allow statements apply only to
// resources of account 111122223333 in eu-west-1 and only for requests in
// that region.
func scopeDown(doc *policy.Document) *policy.Document {
	out := *doc
	out.Statements = nil
	for _, st := range doc.Statements {
		c := *st
		if st.Effect == policy.EffectAllow {
			if st.Resource != nil {
				var l policy.List
				for _, v := range st.Resource.Values {
					if v.Text == "*" {
						v.Text = "arn:*:*:eu-west-1:111122223333:*"
					}
					l.Values = append(l.Values, v)
				}
				c.Resource = &l
			}
			c.Condition = append(slices.Clone(st.Condition), cond("StringEquals", "aws:RequestedRegion", "eu-west-1")...)
		}
		out.Statements = append(out.Statements, &c)
	}
	return &out
}
