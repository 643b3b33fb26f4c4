package graph

import (
	"slices"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/internal/fixture"
)

func TestBuild(t *testing.T) {
	db, s := fixture.Snapshot(t)
	g := Build(effective.Compute(db, s))
	if len(g.Problems) != 0 {
		t.Fatalf("problems: %v", g.Problems)
	}
	if _, ok := g.Admins[fixture.Admin]; !ok || len(g.Admins) != 1 {
		t.Errorf("admins %v, want only the admin role", g.Admins)
	}
	// alice is trusted by the admin role (with MFA), which needs no
	// identity permission in the same account.
	want := []Edge{{From: fixture.Alice, To: fixture.Admin, Via: "sts:AssumeRole", Conditional: true}}
	if !slices.Equal(g.Edges, want) {
		t.Errorf("edges %+v, want %+v", g.Edges, want)
	}
	paths := g.Paths()
	if len(paths) != 1 || paths[0].From != fixture.Alice || paths[0].To != fixture.Admin || len(paths[0].Hops) != 1 {
		t.Errorf("paths %+v, want alice → admin in one hop", paths)
	}
}

// TestPassRoleAndChains gives app iam:PassRole and ec2:RunInstances, and a
// new role "deploy" an edge to app's own role through lambda: the path
// deploy → app → admin needs two hops, each decided by the engine.
func TestPassRoleAndChains(t *testing.T) {
	db, s := fixture.Snapshot(t)
	ec2Admin := audit.Role{Entity: audit.Entity{Name: "ec2-admin", ARN: "arn:aws:iam::111122223333:role/ec2-admin", Path: "/",
		Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}},
		Trust:            []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		InstanceProfiles: []audit.InstanceProfile{{Name: "ec2-admin", ARN: "arn:aws:iam::111122223333:instance-profile/ec2-admin"}}}
	deploy := audit.Role{Entity: audit.Entity{Name: "deploy", ARN: "arn:aws:iam::111122223333:role/deploy", Path: "/",
		Inline: []audit.InlinePolicy{{Name: "assume-app", Document: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/app"}]}`)}}},
		Trust: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}
	s.Roles = append(s.Roles, ec2Admin, deploy)
	for i := range s.Roles {
		r := &s.Roles[i]
		if r.Name == "app" {
			r.Boundary = "" // the boundary would cap app to s3 and sqs
			r.Trust = []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`)
			r.Inline = append(r.Inline, audit.InlinePolicy{Name: "launch", Document: []byte(`{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"},
				{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}]}`)})
		}
	}
	g := Build(effective.Compute(db, s))
	var got []string
	for _, e := range g.Edges {
		got = append(got, e.From+" "+e.Via+" "+e.To)
	}
	for _, w := range []string{
		"arn:aws:iam::111122223333:role/app iam:PassRole+ec2:RunInstances arn:aws:iam::111122223333:role/ec2-admin",
		"arn:aws:iam::111122223333:role/deploy sts:AssumeRole arn:aws:iam::111122223333:role/app",
	} {
		if !slices.Contains(got, w) {
			t.Errorf("no edge %q in %v", w, got)
		}
	}
	for _, p := range g.Paths() {
		if p.From == "arn:aws:iam::111122223333:role/deploy" {
			if len(p.Hops) != 2 || p.Hops[1].To != "arn:aws:iam::111122223333:role/ec2-admin" {
				t.Errorf("deploy's path %+v, want two hops to ec2-admin", p)
			}
			return
		}
	}
	t.Errorf("no path from deploy in %+v", g.Paths())
}
