package rules

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// update rewrites the package's golden files (go test -update).
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenGroups are the rule groups whose findings the golden files of
// testdata/golden pin.
var goldenGroups = []string{"AEG-PRIV-", "AEG-EXP-", "AEG-CRED-", "AEG-TRUST-", "AEG-SVC-", "AEG-ACCT-", "AEG-WILD-012"}

// TestGolden validates each testdata/golden/KIND-NAME.json as a policy of
// KIND (account facts, check.Account's JSON, for KIND account) and compares the findings of the privilege-escalation, exposure,
// credentials, trust and service rules with KIND-NAME.golden.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	reg, d := registry(t), db(t)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			kindName, _, _ := strings.Cut(name, "-")
			if kindName == "vpc" {
				kindName = "vpc-endpoint"
			}
			kind, err := policy.ParseKind(kindName)
			if kindName == policy.KindAccount.String() {
				kind, err = policy.KindAccount, nil
			}
			if err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			in := &check.Input{File: filepath.Base(file), Kind: kind, DB: d}
			if kind == policy.KindAccount {
				in.Account = new(check.Account)
				err = json.Unmarshal(src, in.Account)
			} else {
				in.Doc, err = policy.Parse(file, src, kind)
			}
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, f := range reg.Run(in, check.Options{}) {
				if !hasAnyPrefix(f.RuleID, goldenGroups) {
					continue
				}
				fmt.Fprintf(&b, "%s:%d:%d %s %s %s [%s]%s\n  %s\n  fix: %s\n", f.Location.File, f.Location.Line, f.Location.Column,
					f.RuleID, f.Severity, f.Category, f.Location.Element, exposureTag(f.Exposure), f.Message, f.Remediation)
			}
			golden := strings.TrimSuffix(file, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("findings differ from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func exposureTag(e check.Exposure) string {
	var tags []string
	if e.AllResources {
		tags = append(tags, "all-resources")
	}
	if e.Conditioned {
		tags = append(tags, "conditioned")
	}
	if len(tags) == 0 {
		return ""
	}
	return " (" + strings.Join(tags, ", ") + ")"
}
