package compliance

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/check"
)

func builtin(t testing.TB) *Catalog {
	t.Helper()
	cat, err := Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	return cat
}

func TestBuiltinFrameworks(t *testing.T) {
	cat := builtin(t)
	var got []string
	for _, f := range cat.Frameworks() {
		got = append(got, f.ID)
	}
	want := []string{"cis-aws", "gdpr", "hipaa", "nist-800-53-r5", "pci-dss-4.0", "soc2", "sox"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Frameworks() IDs (-want +got):\n%s", diff)
	}
}

// TestCatalogueIntegrity checks every framework and edition view: non-empty,
// unique control IDs, complete metadata, and aliases that resolve back to
// the same control.
func TestCatalogueIntegrity(t *testing.T) {
	cat := builtin(t)
	var all []*Framework
	for _, f := range cat.Frameworks() {
		all = append(all, f)
		for _, e := range f.Editions {
			v, ok := cat.Framework(e.ID)
			if !ok {
				t.Fatalf("%s: edition %s does not resolve", f.ID, e.ID)
			}
			if v.Edition != f.ID || v.Version != e.Version {
				t.Errorf("edition view %s: Edition=%q Version=%q, want %q %q", e.ID, v.Edition, v.Version, f.ID, e.Version)
			}
			all = append(all, v)
		}
		for _, a := range f.Aliases {
			if g, ok := cat.Framework(a); !ok || g != f {
				t.Errorf("framework alias %s does not resolve to %s", a, f.ID)
			}
		}
	}
	for _, f := range all {
		if len(f.Controls) == 0 {
			t.Errorf("%s has no controls", f.ID)
		}
		if f.Name == "" || f.Version == "" {
			t.Errorf("%s: empty name or version", f.ID)
		}
		seen := map[string]bool{}
		for _, c := range f.Controls {
			if seen[c.ID] {
				t.Errorf("%s: control %s listed twice", f.ID, c.ID)
			}
			seen[c.ID] = true
			if c.Title == "" || c.Summary == "" {
				t.Errorf("%s %s: empty title or summary", f.ID, c.ID)
			}
			if got, ok := f.Control(c.ID); !ok || got != c {
				t.Errorf("%s.Control(%q) does not return the listed control", f.ID, c.ID)
			}
			for _, a := range c.Aliases {
				def, ok := cat.resolve(a)
				if !ok || def != c.definition() {
					t.Errorf("%s %s: alias %s %s does not resolve to the same control", f.ID, c.ID, a.Framework, a.ID)
				}
			}
			for _, p := range c.Checks {
				if !validCheckRef(p) {
					t.Errorf("%s %s: malformed check reference %q", f.ID, c.ID, p)
				}
			}
		}
	}
}

// TestCatalogueCoversResearch resolves every control the research names
// (catalogue.md's Compliance column and frameworks.md), so rules can map to
// any of them.
func TestCatalogueCoversResearch(t *testing.T) {
	cat := builtin(t)
	f, err := os.Open("testdata/research-controls.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fw, id, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("malformed line %q", line)
		}
		n++
		if _, ok := cat.resolve(check.Control{Framework: fw, ID: id}); !ok {
			t.Errorf("%s %q is named by the research but missing from the catalogue", fw, id)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 150 {
		t.Errorf("read only %d research controls", n)
	}
}

func TestCISEditions(t *testing.T) {
	cat := builtin(t)
	cis, _ := cat.Framework("cis-aws")
	canonical := func(id string) *Control {
		c, ok := cis.Control(id)
		if !ok {
			t.Fatalf("cis-aws %s missing", id)
		}
		return c
	}
	tests := []struct {
		name      string
		framework string
		id        string
		want      *Control // nil: the control exists only in older editions
		title     string
	}{
		{"v3.0 full admin", "cis-aws-3.0", "1.16", canonical("2.14"), "No attached policy grants full administrative access"},
		{"v1.2 full admin", "cis-aws-1.2", "1.22", canonical("2.14"), ""},
		{"v7.0 alias", "cis-aws-7.0", "2.14", canonical("2.14"), ""},
		{"v3.0 S3 TLS collides with v7 2.1.1", "cis-aws-3.0", "2.1.1", canonical("3.1.1"), ""},
		{"v5.0 1.10 dropped in v7.0", "cis-aws-5.0", "1.10", nil, "No access keys are created at initial user setup"},
		{"v6.0 one active key", "cis-aws-6.0", "2.12", nil, "Each user has at most one active access key"},
		{"v1.4 root key", "cis-aws-1.4", "1.4", canonical("2.4"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := cat.Framework(tt.framework)
			if !ok {
				t.Fatalf("Framework(%q) not found", tt.framework)
			}
			c, ok := f.Control(tt.id)
			if !ok {
				t.Fatalf("%s.Control(%q) not found", tt.framework, tt.id)
			}
			if tt.want != nil && c.origin != tt.want {
				t.Errorf("%s %s resolves to %q, want cis-aws %s", tt.framework, tt.id, c.origin.ID, tt.want.ID)
			}
			if tt.want == nil && c.origin.ID != "" {
				t.Errorf("%s %s resolves to current control %s, want an older-editions-only control", tt.framework, tt.id, c.origin.ID)
			}
			if tt.title != "" && c.Title != tt.title {
				t.Errorf("title = %q, want %q", c.Title, tt.title)
			}
		})
	}
	if _, ok := cis.Control("1.16"); ok {
		t.Error("cis-aws.Control(\"1.16\") resolved an older edition's number in the v7.0 numbering")
	}
	v3, _ := cat.Framework("cis-aws-3.0")
	c, _ := v3.Control("1.16")
	want := []check.Control{{Framework: "cis-aws", ID: "2.14"}, {Framework: "cis-aws-1.2", ID: "1.22"}, {Framework: "cis-aws-1.4", ID: "1.16"},
		{Framework: "cis-aws-4.0", ID: "1.16"}, {Framework: "cis-aws-5.0", ID: "1.15"}, {Framework: "cis-aws-6.0", ID: "2.15"}}
	if diff := cmp.Diff(want, c.Aliases); diff != "" {
		t.Errorf("cis-aws-3.0 1.16 aliases (-want +got):\n%s", diff)
	}
	var ids []string
	for _, c := range v3.Controls[:4] {
		ids = append(ids, c.ID)
	}
	if diff := cmp.Diff([]string{"1.1", "1.2", "1.3", "1.4"}, ids); diff != "" {
		t.Errorf("cis-aws-3.0 order (-want +got):\n%s", diff)
	}
}

func TestValidate(t *testing.T) {
	cat := builtin(t)
	rule := func(id string, ctls ...check.Control) *check.Rule { return &check.Rule{ID: id, Controls: ctls} }
	ok := []*check.Rule{
		rule("AEG-WILD-001", check.Control{Framework: "cis-aws", ID: "2.14"}, check.Control{Framework: "pci-dss-4.0", ID: "7.2.2"},
			check.Control{Framework: "hipaa", ID: "164.312(a)(1)"}, check.Control{Framework: "gdpr", ID: "Art. 25"}),
		rule("AEG-ACCT-015", check.Control{Framework: "cis-aws-6.0", ID: "2.12"}),
	}
	if err := cat.Validate(ok); err != nil {
		t.Fatalf("Validate(valid rules) = %v", err)
	}
	bad := []*check.Rule{
		rule("AEG-WILD-001", check.Control{Framework: "pci-dss-3.2", ID: "7.1"}),
		rule("AEG-WILD-002", check.Control{Framework: "pci-dss-4.0", ID: "7.9.9"}),
		rule("AEG-WILD-003", check.Control{Framework: "cis-aws", ID: "2.14"}, check.Control{Framework: "cis-aws-3.0", ID: "1.16"}),
		rule("AEG-PRIV-001", check.Control{Framework: "sox", ID: "ITGC-APD-SOD"}),
	}
	err := cat.Validate(bad)
	if err == nil {
		t.Fatal("Validate accepted invalid mappings")
	}
	var got []MappingError
	for _, e := range err.(interface{ Unwrap() error }).Unwrap().(interface{ Unwrap() []error }).Unwrap() {
		var me *MappingError
		if !errors.As(e, &me) {
			t.Fatalf("error %v is not a *MappingError", e)
		}
		got = append(got, *me)
	}
	want := []MappingError{
		{Rule: "AEG-WILD-001", Control: check.Control{Framework: "pci-dss-3.2", ID: "7.1"}, Reason: "unknown framework"},
		{Rule: "AEG-WILD-002", Control: check.Control{Framework: "pci-dss-4.0", ID: "7.9.9"}, Reason: "no such control in the catalogue"},
		{Rule: "AEG-WILD-003", Control: check.Control{Framework: "cis-aws-3.0", ID: "1.16"}, Reason: `the same control is already mapped as cis-aws "2.14"`},
		{Rule: "AEG-PRIV-001", Control: check.Control{Framework: "sox", ID: "ITGC-APD-SOD"}, Reason: `the catalogue already maps the control to this rule through "AEG-PRIV-001"; keep one`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate errors (-want +got):\n%s", diff)
	}
}

func TestExtendRejectsCollisions(t *testing.T) {
	cat := builtin(t)
	clash := &Framework{ID: "acme", Aliases: []string{"cis-aws-3.0"}, byID: map[string]*Control{}}
	if _, err := cat.Extend(clash); err == nil {
		t.Error("Extend accepted a framework alias that is a built-in edition ID")
	}
	ok := &Framework{ID: "acme", Name: "Acme", Version: "1", Controls: []*Control{{ID: "H1", Title: "by hand", Checks: []string{"AEG-WILD-001"}}}}
	ext, err := cat.Extend(ok)
	if err != nil {
		t.Fatal(err)
	}
	f, found := ext.Framework("acme")
	if !found {
		t.Fatal("extended catalogue misses acme")
	}
	if _, found := f.Control("H1"); !found {
		t.Error("Extend did not index a framework built in code")
	}
	m := Evaluate(ext, []string{"acme"}, nil, map[string]bool{"AEG-WILD-001": true}, nil)
	if got := m.Frameworks[0].Controls[0].Status; got != StatusPass {
		t.Errorf("hand-built control status = %s, want PASS", got)
	}
	if _, found := cat.Framework("acme"); found {
		t.Error("Extend modified the original catalogue")
	}
}

func TestNaturalLess(t *testing.T) {
	ids := []string{"1.10", "1.2", "A3.4.1", "1.1", "2.1.1", "10.2.1.2", "2.1", "AC-10", "AC-2(1)", "AC-2"}
	want := []string{"1.1", "1.2", "1.10", "2.1", "2.1.1", "10.2.1.2", "A3.4.1", "AC-2", "AC-2(1)", "AC-10"}
	got := append([]string(nil), ids...)
	for i := range got {
		for j := i + 1; j < len(got); j++ {
			if naturalLess(got[j], got[i]) {
				got[i], got[j] = got[j], got[i]
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("natural order (-want +got):\n%s", diff)
	}
}

func BenchmarkBuiltin(b *testing.B) {
	for b.Loop() {
		if _, err := Builtin(); err != nil {
			b.Fatal(err)
		}
	}
}
