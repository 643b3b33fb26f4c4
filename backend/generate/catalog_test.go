package generate

import (
	"testing"
)

// TestCatalogAgainstIAMDatabase checks every curated action exists in the
// IAM database and is either wildcard-only or scoped to one of its kind's
// resource types, so the builder never falls back to "*" by accident.
func TestCatalogAgainstIAMDatabase(t *testing.T) {
	e := newTestEngine(t)
	services := map[string]bool{}
	for _, k := range kinds {
		services[k.service] = true
		svc, ok := e.db.Service(k.service)
		if !ok {
			t.Errorf("%s: service %q not in the IAM database", k.noun, k.service)
			continue
		}
		for _, typ := range k.types {
			if _, ok := svc.ResourceType(typ); !ok {
				t.Errorf("%s: resource type %s:%s not in the IAM database", k.noun, k.service, typ)
			}
		}
		for v, names := range k.verbs {
			for _, full := range qualify(k.service, names) {
				a, ok := e.db.Action(full)
				if !ok {
					t.Errorf("%s: verb %s: action %s not in the IAM database", k.noun, v, full)
					continue
				}
				if a.WildcardOnly() || k.unnamed {
					continue
				}
				scoped := false
				for _, ar := range a.Resources {
					scoped = scoped || k.hasType(ar.Type.Name)
				}
				if !scoped {
					t.Errorf("%s: verb %s: %s cannot be scoped to any of %v", k.noun, v, full, k.types)
				}
			}
		}
		for _, w := range k.words {
			if got := kindByWord(w); got == nil {
				t.Errorf("%s: word %q not indexed", k.noun, w)
			}
		}
	}
	if len(services) < 25 {
		t.Errorf("catalogue covers %d services, want at least 25", len(services))
	}
}

// TestPrincipalKindsHaveTrust checks each principal kind is handled by the
// trust builder.
func TestPrincipalKindsHaveTrust(t *testing.T) {
	for _, k := range PrincipalKinds {
		in := Intent{Principal: Principal{Kind: k, Name: "app", Repository: "octo/app", OIDCIssuer: "oidc.eks.us-east-1.amazonaws.com/id/ABC",
			Namespace: "ns", ServiceAccount: "sa", TrustedAccount: "444455556666"}}
		p := &plan{place: place{partition: "aws", region: "us-east-1", account: "111122223333"}}
		p.trustPolicy(&in)
		if len(p.questions) > 0 {
			t.Errorf("%s: unexpected questions %v", k, p.questions)
		}
		if (p.trust == nil) != (k == PrincipalUser || k == PrincipalGroup) {
			t.Errorf("%s: trust policy present = %v", k, p.trust != nil)
		}
	}
}

func TestCatalogExport(t *testing.T) {
	entries := Catalog()
	if len(entries) != len(kinds) {
		t.Fatalf("Catalog() has %d entries, want %d", len(entries), len(kinds))
	}
	for _, e := range entries {
		if e.Service == "" || e.Noun == "" || len(e.Verbs) == 0 {
			t.Errorf("incomplete entry %+v", e)
		}
	}
}
