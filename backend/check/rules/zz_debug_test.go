package rules

import (
	"os"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

func TestZZDebug(t *testing.T) {
	src, _ := os.ReadFile("/tmp/dbg/p.json")
	reg, d := registry(t), db(t)
	doc, err := policy.Parse("p.json", src, policy.KindIdentity)
	if err != nil { t.Fatal(err) }
	fs := reg.Run(&check.Input{File: "p.json", Kind: policy.KindIdentity, Doc: doc, DB: d}, check.Options{})
	for _, f := range fs { t.Logf("%s %s %d:%d %s %+v\n   %s\n   FIX: %s", f.RuleID, f.Severity, f.Location.Line, f.Location.Column, f.Location.Element, f.Exposure, f.Message, f.Remediation) }
	t.Log(check.ComputeScore(fs).Summary())
}
