package rules

import (
	"encoding/json"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// FuzzRules runs every rule over arbitrary documents of every kind: rules
// must never panic, whatever the parser lets through (including the partial
// documents it returns with errors). Seeds live in testdata/fuzz/FuzzRules.
func FuzzRules(f *testing.F) {
	reg, d := registry(f), db(f)
	for _, r := range reg.Rules() {
		for _, ex := range append(append([]check.Example(nil), r.Bad...), r.Good...) {
			f.Add([]byte(ex.Policy), uint8(ex.Kind))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, kind uint8) {
		k := policy.Kind(kind % uint8(policy.KindVPCEndpoint+1))
		doc, _ := policy.Parse("fuzz.json", src, k)
		if doc == nil {
			return
		}
		for _, fd := range reg.Run(&check.Input{File: "fuzz.json", Kind: k, Doc: doc, DB: d}, check.Options{}) {
			if fd.Message == "" || fd.Remediation == "" {
				t.Fatalf("%s: finding without message or remediation: %+v", fd.RuleID, fd)
			}
		}
	})
}

// FuzzAccountRules runs every rule over arbitrary account facts (decoded
// from their JSON form): the account rules must never panic on facts an
// audit or a reader produces, however odd.
func FuzzAccountRules(f *testing.F) {
	reg := registry(f)
	for _, r := range reg.Rules() {
		for _, ex := range append(append([]check.Example(nil), r.Bad...), r.Good...) {
			if ex.Kind == policy.KindAccount {
				f.Add([]byte(ex.Policy))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		var acct check.Account
		if json.Unmarshal(src, &acct) != nil {
			return
		}
		for _, fd := range reg.Run(&check.Input{File: "fuzz.json", Kind: policy.KindAccount, Account: &acct}, check.Options{}) {
			if fd.Message == "" || fd.Remediation == "" {
				t.Fatalf("%s: finding without message or remediation: %+v", fd.RuleID, fd)
			}
		}
	})
}
