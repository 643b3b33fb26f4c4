package result

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/internal/fixture"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/eval"
)

func TestRun(t *testing.T) {
	db, s := fixture.Snapshot(t)
	a, err := Run(db, s, fixture.Usage("2026-09-10", "2026-09-11"), unused.Window{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Coverage.Days != 90 || a.Coverage.CompleteDays != 88 || len(a.Coverage.Gaps) != 1 {
		t.Errorf("coverage %+v, want 90 days, 88 complete, one gap", a.Coverage)
	}
	if want := []string{"cloudtrail", "access-advisor", "role-last-used", "credential-report"}; !slices.Equal(a.Coverage.Sources, want) {
		t.Errorf("sources %v, want %v", a.Coverage.Sources, want)
	}
	var app *Principal
	for i := range a.Principals {
		if a.Principals[i].ARN == fixture.App {
			app = &a.Principals[i]
		}
	}
	// The gap makes the management action unknown too.
	want := Permissions{
		Used:    []string{"s3:ListBucket", "sqs:SendMessage"},
		Unknown: []string{"s3:GetObject", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"},
	}
	if !slices.Equal(app.Permissions.Used, want.Used) || !slices.Equal(app.Permissions.Unknown, want.Unknown) || len(app.Permissions.Unused) != 0 {
		t.Errorf("app: %+v, want %+v", app.Permissions, want)
	}
	if app.Permissions.UnknownReasons[audit.ReasonGap] != 4 || !slices.Equal(app.Permissions.Denied, []string{"sqs:DeleteQueue"}) {
		t.Errorf("app: reasons %v denied %v", app.Permissions.UnknownReasons, app.Permissions.Denied)
	}
	if r := app.Recommendation; r == nil || r.Kind != rightsize.Keep || r.Proof.NoNewAccess != eval.NoNewAccess.String() || !r.Proof.CoversUsage {
		t.Errorf("app: recommendation %+v, want keep (nothing is proven unused)", r)
	}
	if a.RiskScore < 50 {
		t.Errorf("account risk %d: the administrator role should weigh at least 50", a.RiskScore)
	}
	if len(a.EscalationPaths) != 1 || a.EscalationPaths[0].From != fixture.Alice || a.EscalationPaths[0].To != fixture.Admin ||
		a.EscalationPaths[0].Hops[0].Via != "sts:AssumeRole" || !a.EscalationPaths[0].Hops[0].Conditional {
		t.Errorf("escalation paths %+v, want alice → admin by sts:AssumeRole under MFA", a.EscalationPaths)
	}
	for _, p := range a.Principals {
		if (p.ARN == fixture.Admin) != (p.Admin != "") {
			t.Errorf("%s: admin %q", p.ARN, p.Admin)
		}
		if p.ARN == fixture.Alice && !slices.ContainsFunc(p.Findings, func(f Finding) bool { return f.ID == "AEG-AUDIT-009" }) {
			t.Errorf("alice: findings %+v, want the escalation path", p.Findings)
		}
	}
	if _, err := json.Marshal(a); err != nil {
		t.Fatal(err)
	}
}

func TestTrustReach(t *testing.T) {
	for _, tc := range []struct {
		trust string
		want  int
	}{
		{`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, 0},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`, 0},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}]}`, 15},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`, 5},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`, 25},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`, 15},
	} {
		if got := trustReach("111122223333", []byte(tc.trust)); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.trust, got, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	db, s := fixture.Snapshot(t)
	prev, err := Run(db, s, fixture.Usage(), unused.Window{})
	if err != nil {
		t.Fatal(err)
	}
	// Since then: a new role, app gained sqs:PurgeQueue, alice was deleted.
	s.Roles = append(s.Roles, audit.Role{Entity: audit.Entity{Name: "new", ARN: "arn:aws:iam::111122223333:role/new"},
		Trust: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	s.Users = nil
	for i := range s.Roles {
		if s.Roles[i].Name == "app" {
			s.Roles[i].Inline = append(s.Roles[i].Inline, audit.InlinePolicy{Name: "purge", Document: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:PurgeQueue","Resource":"*"}]}`)})
		}
	}
	cur, err := Run(db, s, fixture.Usage(), unused.Window{})
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(prev, cur)
	if !slices.Equal(d.NewPrincipals, []string{"arn:aws:iam::111122223333:role/new"}) || !slices.Equal(d.RemovedPrincipals, []string{fixture.Alice}) {
		t.Errorf("principals: new %v removed %v", d.NewPrincipals, d.RemovedPrincipals)
	}
	i := slices.IndexFunc(d.Principals, func(p PrincipalDrift) bool { return p.ARN == fixture.App })
	if i < 0 || !slices.Equal(d.Principals[i].NewPermissions, []string{"sqs:PurgeQueue"}) {
		t.Errorf("app's drift: %+v", d.Principals)
	}
}
