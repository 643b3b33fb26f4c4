package external

import (
	"slices"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/internal/fixture"
)

func TestFind(t *testing.T) {
	db, s := fixture.Snapshot(t)
	s.Roles = append(s.Roles,
		audit.Role{Entity: audit.Entity{Name: "partner", ARN: "arn:aws:iam::111122223333:role/partner"},
			Trust: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777788889999:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x1"}}}]}`)},
		audit.Role{Entity: audit.Entity{Name: "org-only", ARN: "arn:aws:iam::111122223333:role/org-only"},
			Trust: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`)})
	got, problems := Find(db, s, nil)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	want := []Access{
		{Resource: "arn:aws:iam::111122223333:role/partner", Principal: "arn:aws:iam::777788889999:root", Actions: []string{"sts:AssumeRole"}, Conditional: true},
		{Resource: "arn:aws:s3:::app-config", Principal: "arn:aws:iam::444455556666:root", Actions: []string{"s3:GetObject"}},
		{Resource: "arn:aws:sqs:eu-west-1:111122223333:jobs", Principal: "*", Actions: []string{"sqs:SendMessage"}},
	}
	if !slices.EqualFunc(got, want, func(a, b Access) bool {
		return a.Resource == b.Resource && a.Principal == b.Principal && slices.Equal(a.Actions, b.Actions) && a.Conditional == b.Conditional
	}) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
