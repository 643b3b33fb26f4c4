package effective

import (
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/internal/fixture"
	"github.com/aegis-iam/aegis/backend/eval"
)

var load = fixture.Snapshot

func principal(t *testing.T, a *Account, arn string) *Principal {
	t.Helper()
	for _, p := range a.Principals {
		if p.ARN == arn {
			return p
		}
	}
	t.Fatalf("no principal %s", arn)
	return nil
}

func grant(p *Principal, action string) *Grant {
	for i := range p.Grants {
		if p.Grants[i].Action.FullName() == action {
			return &p.Grants[i]
		}
	}
	return nil
}

func TestCompute(t *testing.T) {
	db, s := load(t)
	a := Compute(db, s)
	if len(a.Problems) != 0 || len(a.SCPs) != 3 || len(a.RCPs) != 3 {
		t.Fatalf("problems %v, %d SCP levels, %d RCP levels; want none, 3, 3", a.Problems, len(a.SCPs), len(a.RCPs))
	}
	tests := []struct {
		principal, action string
		want              string // "live", "conditional", "dead:LAYER", "none"
	}{
		{"arn:aws:iam::111122223333:role/app", "s3:GetObject", "live"},
		{"arn:aws:iam::111122223333:role/app", "sqs:SendMessage", "live"},
		{"arn:aws:iam::111122223333:role/app", "sqs:DeleteQueue", "none"}, // only the old version grants sqs:*
		{"arn:aws:iam::111122223333:role/app", "s3:PutObject", "none"},
		{"arn:aws:iam::111122223333:role/admin", "ec2:RunInstances", "live"},
		{"arn:aws:iam::111122223333:role/admin", "iam:CreateUser", "dead:scp"},
		{"arn:aws:iam::111122223333:role/admin", "organizations:LeaveOrganization", "dead:scp"},
		{"arn:aws:iam::111122223333:user/alice", "iam:ChangePassword", "live"}, // ${aws:username}
		{"arn:aws:iam::111122223333:user/alice", "s3:GetObject", "live"},       // through the group
		{"arn:aws:iam::111122223333:user/alice", "s3:PutObject", "none"},
		// Service-linked roles are outside SCPs.
		{"arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport", "iam:GetRole", "live"},
	}
	for _, tc := range tests {
		p := principal(t, a, tc.principal)
		g := grant(p, tc.action)
		got := "none"
		switch {
		case g == nil:
		case g.Dead():
			got = "dead:" + g.BlockedBy.String()
		case g.Conditional:
			got = "conditional"
		default:
			got = "live"
		}
		if got != tc.want {
			t.Errorf("%s %s: got %s, want %s", tc.principal, tc.action, got, tc.want)
		}
	}
	admin := principal(t, a, "arn:aws:iam::111122223333:role/admin")
	if len(admin.Grants) != len(db.Actions()) {
		t.Errorf("admin: %d grants, want every action (%d)", len(admin.Grants), len(db.Actions()))
	}
	if slr := principal(t, a, "arn:aws:iam::111122223333:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport"); slr.Organization {
		t.Error("SCPs applied to a service-linked role")
	}
}

func TestBoundaryAndIncomplete(t *testing.T) {
	db, s := load(t)
	// app's boundary allows s3:* and sqs:*; grant it ec2 too.
	for i := range s.Roles {
		if s.Roles[i].Name == "app" {
			s.Roles[i].Inline = append(s.Roles[i].Inline, audit.InlinePolicy{Name: "ec2", Document: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}`)})
			s.Roles[i].Attached = append(s.Roles[i].Attached, "arn:aws:iam::111122223333:policy/gone")
		}
	}
	a := Compute(db, s)
	p := principal(t, a, "arn:aws:iam::111122223333:role/app")
	g := grant(p, "ec2:DescribeInstances")
	if g == nil || g.BlockedBy != eval.LayerBoundary {
		t.Errorf("ec2:DescribeInstances: got %+v, want dead by the boundary", g)
	}
	if len(p.Incomplete) != 1 {
		t.Errorf("incomplete: %v, want the missing managed policy", p.Incomplete)
	}
}

func BenchmarkCompute(b *testing.B) {
	db, s := load(b)
	for b.Loop() {
		Compute(db, s)
	}
}
