package awsserver_test

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/aegis-iam/aegis/backend/validate"
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
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}

	run, err := validate.NewRun(validate.Settings{Tool: report.Tool{Name: "aegis"}, Now: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var in validate.Inputs
	in.AddText(policyFile, src, source.Options{Kind: policy.KindIdentity})
	rep := run.Validate(in.Documents(db), in.Notes)
	if rep.Totals.Errors != 0 || len(in.Failures) != 0 {
		t.Fatalf("errors %d, failures %v: %+v", rep.Totals.Errors, in.Failures, rep.Inputs)
	}
	for _, r := range rep.Inputs {
		for _, f := range r.Findings {
			// An auditor reads the whole account by design: low findings
			// (GAAD on "*", actions left unscoped) are expected.
			if f.Severity != check.SeverityLow && f.Severity != check.SeverityInfo {
				t.Errorf("%s %s: %s", f.Severity, f.RuleID, f.Message)
			}
		}
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
