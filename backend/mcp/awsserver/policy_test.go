package awsserver_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/validate/validatetest"
)

// TestAuditorPolicy: the documented auditor policy passes Aegis's own
// validator without errors or findings above low severity, and allows
// exactly the calls the tools make: every one of Permissions, and no
// other action of the IAM database.
func TestAuditorPolicy(t *testing.T) {
	checkPolicy(t, "../../../docs/live-audit-policy.json", "*", "", awsserver.Permissions)
}

// TestOrgAuditorPolicy: the policy aegis audit --org-role needs in the
// management account (list the accounts, assume the audit role) is clean
// and allows exactly that, the role trusting the caller's account.
func TestOrgAuditorPolicy(t *testing.T) {
	checkPolicy(t, "../../../docs/live-audit-org-policy.json", "arn:aws:iam::111122223333:role/AegisAudit",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]}`,
		[]string{"organizations:ListAccounts", "sts:AssumeRole"})
}

// checkPolicy validates the policy file and evaluates every action of the
// IAM database on resource, with the resource's policy when given: exactly
// want must be allowed.
func checkPolicy(t *testing.T, policyFile, resource, resourcePolicy string, want []string) {
	t.Helper()
	src, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	validatetest.AtMostLow(t, validatetest.Identity(t, policyFile, src, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)))
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}

	doc, err := policy.Parse(policyFile, src, policy.KindIdentity)
	if err != nil {
		t.Fatal(err)
	}
	p, err := eval.Compile("auditor", doc)
	if err != nil {
		t.Fatal(err)
	}
	in2 := &eval.Input{Identity: []*eval.Policy{p}}
	if resourcePolicy != "" {
		doc, err := policy.Parse("trust", []byte(resourcePolicy), policy.KindResource)
		if err != nil {
			t.Fatal(err)
		}
		if in2.Resource, err = eval.Compile("trust", doc); err != nil {
			t.Fatal(err)
		}
	}
	const caller = "arn:aws:iam::111122223333:role/aegis-auditor"
	var allowed []string
	for _, a := range db.Actions() {
		req := &eval.Request{Principal: caller, Action: a.FullName(), Resource: resource}
		res, err := eval.Evaluate(in2, req, eval.ModeAWS)
		if err != nil {
			t.Fatalf("%s: %v", a.FullName(), err)
		}
		if res.Decision == eval.Allowed {
			allowed = append(allowed, a.FullName())
		}
	}
	want = slices.Sorted(slices.Values(want))
	slices.Sort(allowed)
	if !slices.Equal(allowed, want) {
		t.Errorf("%s allows %v,\nwant %v", policyFile, allowed, want)
	}
}
