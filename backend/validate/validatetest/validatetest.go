// Package validatetest runs a policy that Aegis documents (the auditor's,
// the remediator's, Athena's) through the whole validation pipeline in a
// test: every rule, the compliance matrix and the report, as
// `aegis validate --policy-type identity` does.
package validatetest

import (
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/report"
	"github.com/aegis-iam/aegis/backend/source"
	"github.com/aegis-iam/aegis/backend/validate"
)

// Identity validates src, named name, as an identity policy at now, and
// fails t when it cannot be read in full.
func Identity(t testing.TB, name string, src []byte, now time.Time) *report.Report {
	t.Helper()
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	run, err := validate.NewRun(validate.Settings{Tool: report.Tool{Name: "aegis"}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var in validate.Inputs
	in.AddText(name, src, source.Options{Kind: policy.KindIdentity})
	rep := run.Validate(in.Documents(db), in.Notes)
	if rep.Totals.Errors != 0 || len(in.Failures) != 0 {
		t.Fatalf("%s: errors %d, failures %v: %+v", name, rep.Totals.Errors, in.Failures, rep.Inputs)
	}
	return rep
}

// AtMostLow fails t for every finding of rep above low severity: a policy
// that reads a whole account has low ones by design (actions on "*").
func AtMostLow(t testing.TB, rep *report.Report) {
	t.Helper()
	for _, r := range rep.Inputs {
		for _, f := range r.Findings {
			if f.Severity != check.SeverityLow && f.Severity != check.SeverityInfo {
				t.Errorf("%s %s: %s", f.Severity, f.RuleID, f.Message)
			}
		}
	}
}
