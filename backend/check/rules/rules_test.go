package rules

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

func registry(t testing.TB) *check.Registry {
	t.Helper()
	reg, err := check.NewRegistry(All()...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func db(t testing.TB) *iamdb.DB {
	t.Helper()
	d, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// run validates one example policy with every rule and returns the findings
// of rule id.
func run(t *testing.T, reg *check.Registry, d *iamdb.DB, id string, ex check.Example) []check.Finding {
	t.Helper()
	if ex.Kind == policy.KindAccount {
		var acct check.Account
		if err := json.Unmarshal([]byte(ex.Policy), &acct); err != nil {
			t.Fatalf("account example does not decode: %v\n%s", err, ex.Policy)
		}
		return ofRule(reg.Run(&check.Input{File: "example.json", Kind: ex.Kind, DB: d, Account: &acct}, check.Options{}), id)
	}
	doc, err := policy.Parse("example.json", []byte(ex.Policy), ex.Kind)
	if err != nil && (doc == nil || !strings.HasPrefix(id, "AEG-SYN-")) {
		t.Fatalf("example does not parse: %v\n%s", err, ex.Policy)
	}
	errs, _ := err.(policy.ErrorList)
	return ofRule(reg.Run(&check.Input{File: "example.json", Kind: ex.Kind, Doc: doc, DB: d, Errors: errs, Sensitive: ex.Sensitive}, check.Options{}), id)
}

// ofRule keeps the findings of rule id.
func ofRule(fs []check.Finding, id string) []check.Finding {
	var out []check.Finding
	for _, f := range fs {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

// TestExamples runs every rule's examples: each bad example must make the
// rule fire, each good example must not.
func TestExamples(t *testing.T) {
	reg, d := registry(t), db(t)
	for _, rule := range reg.Rules() {
		t.Run(rule.ID, func(t *testing.T) {
			for i, ex := range rule.Bad {
				if got := run(t, reg, d, rule.ID, ex); len(got) == 0 {
					t.Errorf("bad example %d (%s) did not fire:\n%s", i, ex.Note, ex.Policy)
				}
			}
			for i, ex := range rule.Good {
				if got := run(t, reg, d, rule.ID, ex); len(got) > 0 {
					t.Errorf("good example %d (%s) fired %q:\n%s", i, ex.Note, got[0].Message, ex.Policy)
				}
			}
		})
	}
}

// TestMetadata checks what NewRegistry cannot: every rule has a good example,
// findings locate themselves, and IDs stay within their group's prefix.
func TestMetadata(t *testing.T) {
	prefix := map[check.Category][]string{
		check.CategorySyntax:                     {"AEG-SYN-"},
		check.CategoryWildcard:                   {"AEG-WILD-"},
		check.CategoryCondition:                  {"AEG-COND-"},
		check.CategoryPrivilegeEscalation:        {"AEG-PRIV-"},
		check.CategoryDataExfiltration:           {"AEG-EXP-"},
		check.CategoryResourceExposure:           {"AEG-EXP-"},
		check.CategoryCredentialsExposure:        {"AEG-CRED-"},
		check.CategoryInfrastructureModification: {"AEG-WILD-", "AEG-INFRA-"},
		check.CategoryTrust:                      {"AEG-TRUST-"},
		check.CategoryServiceSpecific:            {"AEG-SVC-"},
		check.CategoryAccountHygiene:             {"AEG-ACCT-"},
	}
	for _, r := range registry(t).Rules() {
		if len(r.Good) == 0 {
			t.Errorf("%s: no good example", r.ID)
		}
		ok := false
		for _, p := range prefix[r.Category] {
			ok = ok || strings.HasPrefix(r.ID, p)
		}
		if !ok {
			t.Errorf("%s: category %s wants an ID prefix in %v", r.ID, r.Category, prefix[r.Category])
		}
		if len(r.References) == 0 {
			t.Errorf("%s: no references", r.ID)
		}
	}
}

// TestControlsExistInCatalogues checks every compliance control a built-in
// rule maps against the built-in framework catalogues (IDs exist, no control
// mapped twice or from both sides).
func TestControlsExistInCatalogues(t *testing.T) {
	cat, err := compliance.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Validate(All()); err != nil {
		t.Error(err)
	}
}
