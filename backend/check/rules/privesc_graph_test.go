package rules

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// TestEscalationGraph checks AEG-PRIV-014's edges and administrator tests
// on small accounts: one message per principal with a path.
func TestEscalationGraph(t *testing.T) {
	const acct = "123456789012"
	arn := func(s string) string { return "arn:aws:iam::" + acct + ":" + s }
	stmts := func(ss ...string) string {
		out := `{"Version":"2012-10-17","Statement":[`
		for i, s := range ss {
			if i > 0 {
				out += ","
			}
			out += s
		}
		return out + "]}"
	}
	allow := func(action, resource string) string {
		return `{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}`
	}
	trust := func(kind, principal string) string {
		return stmts(`{"Effect":"Allow","Principal":{"` + kind + `":"` + principal + `"},"Action":"sts:AssumeRole"}`)
	}
	const adminPolicy = "arn:aws:iam::aws:policy/AdministratorAccess"
	managed := map[string]string{adminPolicy: stmts(allow("*", "*"))}
	user := func(name string, policies ...string) check.Principal {
		return check.Principal{Name: name, ARN: arn("user/" + name), InlineText: policies, InlinePolicies: make([]string, len(policies))}
	}
	role := func(name, trustDoc string, policies ...string) check.Principal {
		p := user(name, policies...)
		p.ARN, p.TrustText = arn("role/"+name), trustDoc
		return p
	}
	admin := func(p check.Principal) check.Principal {
		p.AttachedPolicies = []string{adminPolicy}
		return p
	}
	tests := []struct {
		name         string
		users, roles []check.Principal
		want         []string
	}{
		{"access key of an administrator", []check.Principal{user("helpdesk", stmts(allow("iam:CreateAccessKey", arn("user/*")))), admin(user("root-ops"))}, nil,
			[]string{"user/helpdesk is not an administrator but reaches user/root-ops, which has every action on every resource, in 1 step: user/helpdesk → user/root-ops (iam:CreateAccessKey)"}},
		{"pass an administrator role to Lambda", []check.Principal{user("dev", stmts(allow("iam:PassRole", arn("role/*")), allow("lambda:*", "*")))},
			[]check.Principal{admin(role("lambda-admin", trust("Service", "lambda.amazonaws.com")))},
			[]string{"user/dev is not an administrator but reaches role/lambda-admin, which has every action on every resource, in 1 step: user/dev → role/lambda-admin (iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction)"}},
		{"a service the role does not trust", []check.Principal{user("dev", stmts(allow("iam:PassRole", arn("role/*")), allow("ec2:RunInstances", "*")))},
			[]check.Principal{admin(role("lambda-admin", trust("Service", "lambda.amazonaws.com")))}, nil},
		{"rewrite a trust policy", []check.Principal{user("ops", stmts(allow("iam:UpdateAssumeRolePolicy", "*"), allow("sts:AssumeRole", "*")))},
			[]check.Principal{admin(role("locked", trust("AWS", arn("role/nobody"))))},
			[]string{"user/ops is not an administrator but reaches role/locked, which has every action on every resource, in 1 step: user/ops → role/locked (iam:UpdateAssumeRolePolicy+sts:AssumeRole)"}},
		{"denied by the caller's own policy", []check.Principal{user("dev", stmts(allow("sts:AssumeRole", "*"), `{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"`+arn("role/admin")+`"}`))},
			[]check.Principal{admin(role("admin", trust("AWS", arn("user/dev"))))}, nil},
		{"self-service administrator", []check.Principal{user("dev", stmts(allow("sts:AssumeRole", arn("role/app")))), user("lead", stmts(allow("iam:PutUserPolicy", arn("user/lead"))))},
			[]check.Principal{role("app", trust("AWS", arn("user/dev")), stmts(allow("iam:CreateLoginProfile", arn("user/lead"))))},
			[]string{
				"role/app is not an administrator but reaches user/lead, which has iam:PutUserPolicy on itself, in 1 step: role/app → user/lead (iam:CreateLoginProfile)",
				"user/dev is not an administrator but reaches user/lead, which has iam:PutUserPolicy on itself, in 2 steps: user/dev → role/app (sts:AssumeRole) → user/lead (iam:CreateLoginProfile)",
			}},
		{"conditional step", []check.Principal{user("dev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`)},
			[]check.Principal{admin(role("admin", trust("AWS", arn("root"))))},
			[]string{"user/dev is not an administrator but reaches role/admin, which has every action on every resource, in 1 step: user/dev → role/admin (sts:AssumeRole) (some steps need conditions to hold)"}},
		{"policy not in the answer", []check.Principal{{Name: "dev", ARN: arn("user/dev"), AttachedPolicies: []string{arn("policy/unknown")}}},
			[]check.Principal{admin(role("admin", trust("AWS", arn("user/dev"))))}, nil},
	}
	reg, d := registry(t), db(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := &check.Account{ID: acct, Authorization: &check.Authorization{Users: tt.users, Roles: tt.roles, ManagedText: managed}}
			var got []string
			for _, f := range ofRule(reg.Run(&check.Input{File: "gaad.json", Kind: policy.KindAccount, DB: d, Account: acct}, check.Options{}), "AEG-PRIV-014") {
				got = append(got, f.Message)
				if f.Remediation == "" || f.Location.Element == "" {
					t.Errorf("finding without remediation or element: %+v", f)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkEscalationGraph measures AEG-PRIV-014 on an account of 300
// roles — service roles with scoped policies, some assumable by a CI user —
// and 100 users: every pair of principals is an edge question.
func BenchmarkEscalationGraph(b *testing.B) {
	const acct = "123456789012"
	arn := func(s string) string { return "arn:aws:iam::" + acct + ":" + s }
	auth := &check.Authorization{ManagedText: map[string]string{}}
	for i := range 300 {
		name := fmt.Sprintf("svc-%03d", i)
		trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
		if i%10 == 0 {
			trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + arn("user/ci-000") + `"},"Action":"sts:AssumeRole"}]}`
		}
		auth.Roles = append(auth.Roles, check.Principal{Name: name, ARN: arn("role/" + name), TrustText: trust, InlinePolicies: []string{"app"},
			InlineText: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","sqs:SendMessage"],"Resource":"*"}]}`}})
	}
	for i := range 100 {
		name := fmt.Sprintf("ci-%03d", i)
		auth.Users = append(auth.Users, check.Principal{Name: name, ARN: arn("user/" + name), InlinePolicies: []string{"ci"},
			InlineText: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","iam:PassRole","lambda:*"],"Resource":"*"}]}`}})
	}
	reg, d := registry(b), db(b)
	for b.Loop() {
		reg.Run(&check.Input{File: "gaad.json", Kind: policy.KindAccount, DB: d, Account: &check.Account{ID: acct, Authorization: auth}}, check.Options{})
	}
}
