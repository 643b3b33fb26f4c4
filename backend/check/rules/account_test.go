package rules

import (
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// accountFindings runs every rule on account facts and returns "RULE
// element" for each finding.
func accountFindings(t *testing.T, a *check.Account) []string {
	t.Helper()
	var out []string
	for _, f := range registry(t).Run(&check.Input{File: "account", Kind: policy.KindAccount, Account: a}, check.Options{}) {
		out = append(out, f.RuleID+" "+f.Location.Element)
	}
	return out
}

// TestAccountRulesNeedTheirFacts checks that account rules judge only the
// facts an input carries (and count as evaluated only then), and that no
// policy rule runs on account facts.
func TestAccountRulesNeedTheirFacts(t *testing.T) {
	reg := registry(t)
	pp := &check.Account{AsOf: exampleAsOf, PasswordPolicy: &check.PasswordPolicy{}}
	cr := &check.Account{AsOf: exampleAsOf, Credentials: &check.CredentialReport{Users: []check.CredentialUser{exampleRoot()}}}
	for _, r := range reg.Rules() {
		onPP, onCR := r.Evaluates(&check.Input{Kind: policy.KindAccount, Account: pp}), r.Evaluates(&check.Input{Kind: policy.KindAccount, Account: cr})
		switch r.ID {
		case "AEG-ACCT-009", "AEG-ACCT-010", "AEG-ACCT-011", "AEG-ACCT-012":
			if !onPP || onCR {
				t.Errorf("%s: evaluates a password policy %v, a credential report %v; want true, false", r.ID, onPP, onCR)
			}
		case "AEG-ACCT-001", "AEG-ACCT-002", "AEG-ACCT-004", "AEG-ACCT-006", "AEG-ACCT-013", "AEG-ACCT-014", "AEG-ACCT-015", "AEG-ACCT-016", "AEG-ACCT-017":
			if onPP || !onCR {
				t.Errorf("%s: evaluates a password policy %v, a credential report %v; want false, true", r.ID, onPP, onCR)
			}
		default:
			if onPP || onCR {
				t.Errorf("%s: evaluates a password policy %v, a credential report %v; want neither", r.ID, onPP, onCR)
			}
		}
	}
}

func TestAccountRules(t *testing.T) {
	neverUsed := exampleUser("dana")
	neverUsed.PasswordLastUsed = check.Timestamp{Missing: check.NoInformation}
	neverUsed.PasswordLastChanged = daysBefore(30)
	rootKeyOld := exampleRoot()
	rootKeyOld.AccessKeys[0] = check.AccessKey{Active: true, LastRotated: daysBefore(400), LastUsed: daysBefore(100), LastUsedRegion: "us-east-1", LastUsedService: "ec2"}
	idle := exampleUser("erin")
	idle.PasswordLastUsed = daysBefore(300)
	tests := []struct {
		name string
		acct *check.Account
		want []string
	}{
		{"no password policy: IAM's default is judged", &check.Account{AsOf: exampleAsOf, PasswordPolicy: &check.PasswordPolicy{}},
			[]string{"AEG-ACCT-009 passwordPolicy", "AEG-ACCT-010 passwordPolicy", "AEG-ACCT-012 passwordPolicy", "AEG-ACCT-011 passwordPolicy"}},
		{"a password set 30 days ago and never used is not stale", ptrTo(reportOf(exampleRoot(), neverUsed)), nil},
		{"root keys are judged by AEG-ACCT-001, not rotation or workload rules", ptrTo(reportOf(rootKeyOld)),
			[]string{"AEG-ACCT-001 <root_account>:access_key_1_active"}},
		{"ages need the collection time", &check.Account{Credentials: &check.CredentialReport{Users: []check.CredentialUser{exampleRoot(), idle}}}, nil},
		{"the same user with the collection time", ptrTo(reportOf(exampleRoot(), idle)), []string{"AEG-ACCT-013 erin:password_last_used"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := accountFindings(t, tt.acct)
			if !sameSet(got, tt.want) {
				t.Errorf("findings %q, want %q", got, tt.want)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
