package rightsize

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/internal/fixture"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

func recommendations(t *testing.T) (map[string]*Recommendation, *iamdb.DB) {
	t.Helper()
	db, s := fixture.Snapshot(t)
	ps := unused.Analyze(s, effective.Compute(db, s), fixture.Usage(), unused.Window{})
	out := map[string]*Recommendation{}
	for _, p := range ps {
		r, err := For(db, s, p)
		if err != nil {
			t.Fatal(err)
		}
		out[p.ARN] = r
	}
	return out, db
}

func actions(pols []Policy) []string {
	var out []string
	for _, p := range pols {
		for _, st := range p.Document.Statements {
			out = append(out, st.Action.Strings()...)
		}
	}
	slices.Sort(out)
	return out
}

func TestFor(t *testing.T) {
	recs, _ := recommendations(t)
	tests := []struct {
		arn     string
		kind    Kind
		actions []string // of the recommended set
		replace []string
	}{
		// The unused sqs:GetQueueAttributes goes; the unknown data-event
		// actions stay; queue-access is attached only here, so it is
		// rewritten in place.
		{fixture.App, Rewrite, []string{"s3:GetObject", "s3:ListBucket", "sqs:DeleteMessage", "sqs:ReceiveMessage", "sqs:SendMessage"},
			[]string{"arn:aws:iam::111122223333:policy/queue-access"}},
		{fixture.Admin, Remove, nil, nil},
		{fixture.SLR, Keep, []string{"iam:GetRole", "s3:GetBucketPolicy"}, nil},
	}
	for _, tc := range tests {
		r := recs[tc.arn]
		if r.Kind != tc.kind || !slices.Equal(actions(r.Policies), tc.actions) || !slices.Equal(r.Replace, tc.replace) {
			t.Errorf("%s: got %s %v replace %v, want %s %v replace %v", tc.arn, r.Kind, actions(r.Policies), r.Replace, tc.kind, tc.actions, tc.replace)
		}
		if tc.kind != Remove && (r.Proof.NoNewAccess != eval.NoNewAccess || !r.Proof.CoversUsage) {
			t.Errorf("%s: proof %+v, want no new access and usage covered", tc.arn, r.Proof)
		}
	}
	// alice's unused permissions come through her group: noted, not edited.
	alice := recs[fixture.Alice]
	if !slices.ContainsFunc(alice.Notes, func(n string) bool { return strings.Contains(n, "through group developers") }) {
		t.Errorf("alice: notes %v, want the group noted", alice.Notes)
	}
}

func TestSharedPolicyIsDetached(t *testing.T) {
	db, s := fixture.Snapshot(t)
	for i := range s.Policies {
		if s.Policies[i].Name == "queue-access" {
			s.Policies[i].AttachmentCount = 3
		}
	}
	for _, p := range unused.Analyze(s, effective.Compute(db, s), fixture.Usage(), unused.Window{}) {
		if p.ARN != fixture.App {
			continue
		}
		r, err := For(db, s, p)
		if err != nil {
			t.Fatal(err)
		}
		if r.Kind != DetachAndCreate || !slices.Equal(r.Detach, []string{"arn:aws:iam::111122223333:policy/queue-access"}) {
			t.Fatalf("got %s detach %v, want detach-and-create of queue-access", r.Kind, r.Detach)
		}
		if !slices.ContainsFunc(r.Policies, func(p Policy) bool { return p.Name == "app-queue-access" && p.Status == "new" }) {
			t.Errorf("no new app-queue-access policy in %+v", r.Policies)
		}
	}
}

func TestMinimize(t *testing.T) {
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	get := func(names ...string) []*iamdb.Action {
		var out []*iamdb.Action
		for _, n := range names {
			out = append(out, db.Expand(n)...)
		}
		return out
	}
	tests := []struct {
		in   []string
		want []string
	}{
		{[]string{"sqs:*"}, []string{"sqs:*"}},
		{[]string{"sqs:SendMessage"}, []string{"sqs:SendMessage"}},
		{[]string{"s3:GetObject*", "s3:ListBucket"}, []string{"s3:GetO*", "s3:ListBucket"}},
	}
	for _, tc := range tests {
		got := Minimize(db, get(tc.in...))
		if !slices.Equal(got, tc.want) {
			t.Errorf("Minimize(%v) = %v, want %v", tc.in, got, tc.want)
		}
		// The patterns match exactly the input.
		want := get(tc.in...)
		if back := db.ExpandAll(got); len(back) != len(want) {
			t.Errorf("Minimize(%v) = %v matches %d actions, want %d", tc.in, got, len(back), len(want))
		}
	}
}

func TestSplit(t *testing.T) {
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range db.Expand("ec2:*") {
		names = append(names, a.FullName())
	}
	st := &policy.Statement{Effect: policy.EffectAllow, Action: list(names), Resource: list([]string{"*"})}
	docs := split(&policy.Document{Version: policy.Value{Text: "2012-10-17"}, StatementList: true}, []*policy.Statement{st})
	total := 0
	for _, d := range docs {
		if n := policySize(d); n > ManagedPolicySize {
			t.Errorf("a document of %d characters, over %d", n, ManagedPolicySize)
		}
		for _, s := range d.Statements {
			total += s.Action.Len()
		}
	}
	if len(docs) < 2 || total != len(names) {
		t.Errorf("%d documents holding %d actions, want several holding all %d", len(docs), total, len(names))
	}
}

// TestIdentityCenter checks that an Identity Center role's recommendation
// is addressed to its permission set.
func TestIdentityCenter(t *testing.T) {
	db, s := fixture.Snapshot(t)
	for i := range s.Roles {
		if s.Roles[i].Name == "app" {
			s.Roles[i].Name = "AWSReservedSSO_Developers_0123456789abcdef"
			s.Roles[i].Path = "/aws-reserved/sso.amazonaws.com/eu-west-1/"
		}
	}
	for _, p := range unused.Analyze(s, effective.Compute(db, s), fixture.Usage(), unused.Window{}) {
		if p.ARN != fixture.App {
			continue
		}
		r, err := For(db, s, p)
		if err != nil {
			t.Fatal(err)
		}
		if r.AddressTo != "Developers" || p.Editability != unused.IdentityCenter {
			t.Errorf("got address %q, editability %s; want the Developers permission set", r.AddressTo, p.Editability)
		}
	}
}

// TestNarrowsToObservedResources gives app's queue policy Resource "*"
// and a trail that logs every SQS data event: the used SendMessage is
// scoped to the queue it was used on, the uncertain DeleteMessage keeps
// "*", the unused ReceiveMessage goes, and both proofs hold. A trail that
// logs some queues only, or a day without logs, leaves the scope alone
// (and ReceiveMessage unknown).
func TestNarrowsToObservedResources(t *testing.T) {
	const queue = "arn:aws:sqs:eu-west-1:111122223333:jobs"
	sqsData := audit.AdvancedEventSelector{Name: "sqs", FieldSelectors: []audit.FieldSelector{
		{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::SQS::Queue"}}}}
	scoped := sqsData
	scoped.FieldSelectors = append(slices.Clone(sqsData.FieldSelectors), audit.FieldSelector{Field: "resources.ARN", StartsWith: []string{queue}})
	tests := []struct {
		name     string
		selector audit.AdvancedEventSelector
		skip     []string // days without logs
		want     string
	}{
		{"every queue logged", sqsData, nil,
			`{"Version":"2012-10-17","Statement":[{"Sid":"Queue","Effect":"Allow","Action":"sqs:DeleteMessage","Resource":"*"},{"Sid":"QueueUsed1","Effect":"Allow","Action":"sqs:SendMessage","Resource":"` + queue + `"}]}`},
		{"some queues logged", scoped, nil,
			`{"Version":"2012-10-17","Statement":[{"Sid":"Queue","Effect":"Allow","Action":["sqs:DeleteMessage","sqs:ReceiveMessage","sqs:SendMessage"],"Resource":"*"}]}`},
		{"a day without logs", sqsData, []string{"2026-09-10"},
			`{"Version":"2012-10-17","Statement":[{"Sid":"Queue","Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"*"}]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, s := fixture.Snapshot(t)
			for i := range s.Policies {
				if s.Policies[i].Name == "queue-access" {
					s.Policies[i].Versions[0].Document = []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"Queue","Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage","sqs:DeleteMessage","sqs:GetQueueAttributes"],"Resource":"*"}]}`)
				}
			}
			s.Trails[0].AdvancedEventSelectors = append(s.Trails[0].AdvancedEventSelectors, tc.selector)
			u := fixture.Usage(tc.skip...)
			for i := range u.Rows {
				u.Rows[i].Resources = []string{queue}
			}
			var app *unused.Principal
			for _, p := range unused.Analyze(s, effective.Compute(db, s), u, unused.Window{}) {
				if p.ARN == fixture.App {
					app = p
				}
			}
			r, err := For(db, s, app)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, pol := range r.Policies {
				if pol.Name == "arn:aws:iam::111122223333:policy/queue-access" {
					var b bytes.Buffer
					if err := json.Compact(&b, policy.Format(pol.Document)); err != nil {
						t.Fatal(err)
					}
					got = b.String()
				}
			}
			if got != tc.want {
				t.Errorf("queue-access:\ngot  %s\nwant %s", got, tc.want)
			}
			if r.Proof.NoNewAccess != eval.NoNewAccess || !r.Proof.CoversUsage {
				t.Errorf("proof %+v, want no new access and usage covered", r.Proof)
			}
		})
	}
}
