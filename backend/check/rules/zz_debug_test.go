package rules

import (
	"github.com/aegis-iam/aegis/backend/check"
	"strings"
	"testing"
)

func TestZZDebug(t *testing.T) {
	reg, d := registry(t), db(t)
	for _, rule := range reg.Rules() {
		if !strings.HasPrefix(rule.ID, "AEG-SYN") && !strings.HasPrefix(rule.ID, "AEG-WILD") && !strings.HasPrefix(rule.ID, "AEG-COND") {
			continue
		}
		for _, ex := range rule.Bad {
			for _, f := range run(t, reg, d, rule.ID, ex) {
				t.Logf("%s %s %d:%d %s | %s | %s", f.RuleID, f.Severity, f.Location.Line, f.Location.Column, f.Location.Element, f.Message, f.Remediation)
			}
		}
	}
}

func TestZZCorpus(t *testing.T) {
	reg := registry(t)
	n := map[string]int{}
	for _, in := range corpusInputs(t) {
		for _, f := range reg.Run(in, check.Options{}) {
			if !strings.HasPrefix(f.RuleID, "AEG-SYN") && !strings.HasPrefix(f.RuleID, "AEG-WILD") && !strings.HasPrefix(f.RuleID, "AEG-COND") {
				continue
			}
			n[f.RuleID]++
			if n[f.RuleID] <= 12 {
				t.Logf("%s %s %s | %s", f.RuleID, in.Name, f.Location.Element, f.Message)
			}
		}
	}
}
