package rules

import (
	"testing"
	"github.com/aegis-iam/aegis/backend/check"
)

func TestZZ012(t *testing.T) {
	reg := registry(t)
	seen := map[string]bool{}
	n := 0
	for _, in := range corpusInputs(t) {
		for _, f := range reg.Run(in, check.Options{}) {
			if f.RuleID != "AEG-SYN-012" || seen[in.Name] {
				continue
			}
			seen[in.Name] = true
			n++
			if n%8 == 0 {
				st := in.Doc.Statements[f.Location.Statement]
				t.Logf("%s | %s | %v", in.Name, f.Message, st.Resource.Strings())
			}
		}
	}
}
