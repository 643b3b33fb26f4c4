package remediate

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/aegis-iam/aegis/backend/validate/validatetest"
	"github.com/google/go-cmp/cmp"
)

const policyFile = "../../docs/remediation-policy.json"

// TestWriterPolicy: the documented remediation policy passes Aegis's own
// validator without errors, and its only findings are the
// privilege-escalation paths inherent in being allowed to write identity
// policies (docs/remediation.md lists them); it allows exactly
// Permissions (applyAndRollBack checks that every call made is one of
// them).
func TestWriterPolicy(t *testing.T) {
	src, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatal(err)
	}
	rep := validatetest.Identity(t, "remediation-policy.json", src, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	var got []string
	for _, r := range rep.Inputs {
		for _, f := range r.Findings {
			path, _, _ := strings.Cut(strings.TrimPrefix(f.Message, "privilege-escalation path "), " ")
			got = append(got, f.RuleID+" "+path)
		}
	}
	slices.Sort(got)
	want := []string{
		"AEG-PRIV-001 AEG-PE-001", // CreatePolicyVersion
		"AEG-PRIV-001 AEG-PE-002", // PutRolePolicy
		"AEG-PRIV-001 AEG-PE-003", // PutUserPolicy
		"AEG-PRIV-001 AEG-PE-004", // AttachUserPolicy
		"AEG-PRIV-001 AEG-PE-005", // AttachRolePolicy
		"AEG-PRIV-001 AEG-PE-011", // SetDefaultPolicyVersion
		"AEG-PRIV-007 AEG-PE-014", // DetachUserPolicy
		"AEG-PRIV-007 AEG-PE-015", // DeleteUserPolicy
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	doc, err := policy.Parse(policyFile, src, policy.KindIdentity)
	if err != nil {
		t.Fatal(err)
	}
	var allowed []string
	for _, st := range doc.Statements {
		if st.Effect == policy.EffectAllow {
			allowed = append(allowed, st.Action.Strings()...)
		}
	}
	slices.Sort(allowed)
	if diff := cmp.Diff(slices.Sorted(slices.Values(Permissions)), allowed); diff != "" {
		t.Errorf("the policy allows other actions than Permissions (-Permissions +policy):\n%s", diff)
	}
}
