package check

import (
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/policy"
)

func TestTimestampText(t *testing.T) {
	for _, s := range []string{"2026-05-31T07:00:00Z", "2026-05-31T07:00:00+02:00", NotApplicable, NoInformation, NotSupported} {
		var ts Timestamp
		if err := ts.UnmarshalText([]byte(s)); err != nil {
			t.Fatalf("UnmarshalText(%q): %v", s, err)
		}
		b, _ := ts.MarshalText()
		if string(b) != s {
			t.Errorf("UnmarshalText(%q) then MarshalText = %q, want the same text", s, b)
		}
	}
	var ts Timestamp
	if err := ts.UnmarshalText([]byte("31/05/2026")); err == nil {
		t.Error("UnmarshalText(31/05/2026) accepted a non-ISO date")
	}
}

func TestPrincipalAttaches(t *testing.T) {
	p := Principal{AttachedPolicies: []string{"arn:aws-us-gov:iam::aws:policy/AdministratorAccess", "arn:aws:iam::123456789012:policy/app"}}
	for _, tt := range []struct {
		arn  string
		want bool
	}{
		{"AdministratorAccess", true},
		{"arn:aws:iam::aws:policy/AdministratorAccess", false},
		{"arn:aws:iam::123456789012:policy/app", true},
		{"app", false},
	} {
		if got := p.Attaches(tt.arn); got != tt.want {
			t.Errorf("Attaches(%q) = %v, want %v", tt.arn, got, tt.want)
		}
	}
}

// TestAccountInputs checks that only rules naming policy.KindAccount run
// on account facts, that Needs gates them, and that each finding's
// fingerprint follows its element (the subject), not the input.
func TestAccountInputs(t *testing.T) {
	run := func(p *Pass) {
		for _, u := range p.Account.Credentials.Users {
			p.Report(nil, u.Pos, u.User+":mfa_active", "no MFA", "", Exposure{})
		}
	}
	bad := []Example{{Kind: policy.KindAccount, Policy: "{}"}}
	reg, err := NewRegistry(
		&Rule{ID: "AEG-ACCT-900", Category: CategoryAccountHygiene, Title: "t", Description: "d", Remediation: "r", Kinds: []policy.Kind{policy.KindAccount},
			Needs: func(in *Input) bool { return in.Account != nil && in.Account.Credentials != nil }, Bad: bad, Run: run},
		&Rule{ID: "AEG-SYN-900", Category: CategorySyntax, Title: "t", Description: "d", Remediation: "r", Bad: bad,
			Run: func(p *Pass) { p.Report(nil, policy.Pos{}, "", "policy rule ran", "", Exposure{}) }},
	)
	if err != nil {
		t.Fatal(err)
	}
	acct := &Account{AsOf: time.Now(), Credentials: &CredentialReport{Users: []CredentialUser{{User: "alice"}, {User: "bob"}}}}
	fs := reg.Run(&Input{File: "report.csv", Kind: policy.KindAccount, Account: acct}, Options{})
	if len(fs) != 2 || fs[0].RuleID != "AEG-ACCT-900" || fs[1].RuleID != "AEG-ACCT-900" {
		t.Fatalf("findings = %+v, want two AEG-ACCT-900", fs)
	}
	if fs[0].Fingerprint == fs[1].Fingerprint {
		t.Errorf("two users' findings share fingerprint %s", fs[0].Fingerprint)
	}
	again := reg.Run(&Input{File: "other.csv", Kind: policy.KindAccount, Account: acct}, Options{})
	if again[0].Fingerprint != fs[0].Fingerprint {
		t.Errorf("fingerprint changed with the file: %s, then %s", fs[0].Fingerprint, again[0].Fingerprint)
	}
	if got := reg.Run(&Input{Kind: policy.KindAccount, Account: &Account{PasswordPolicy: &PasswordPolicy{}}}, Options{}); len(got) != 0 {
		t.Errorf("a rule ran without the facts it needs: %+v", got)
	}
}
