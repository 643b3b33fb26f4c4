package generate

import (
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
)

// TestTemplates runs every template with its defaults: each must produce a
// complete, proven policy pair with no finding above low except those the
// template asks for by design.
func TestTemplates(t *testing.T) {
	e := newTestEngine(t)
	ts := Templates()
	if len(ts) < 20 {
		t.Errorf("library has %d templates, want at least 20", len(ts))
	}
	requested := map[string][]string{
		"github-deploy-ecs": {"AEG-PRIV-006"}, // updating a service that runs with a role
	}
	seen := map[string]bool{}
	for _, tmpl := range ts {
		t.Run(tmpl.ID, func(t *testing.T) {
			if seen[tmpl.ID] {
				t.Fatalf("duplicate template ID %s", tmpl.ID)
			}
			seen[tmpl.ID] = true
			s, err := tmpl.Session(nil)
			if err != nil {
				t.Fatal(err)
			}
			s.Account = "123456789012"
			res, err := e.Run(s)
			if err != nil {
				t.Fatalf("Run(%q): %v", s.Description, err)
			}
			if res.Status != StatusComplete {
				t.Fatalf("Run(%q): status %s, questions %+v, notes %v", s.Description, res.Status, res.Questions, res.Notes)
			}
			for _, f := range res.Findings {
				if f.Severity > check.SeverityLow && !containsString(requested[tmpl.ID], f.RuleID) && !knownCheckDefect(f) {
					t.Errorf("Run(%q): finding %s (%s): %s", s.Description, f.RuleID, f.Severity, f.Message)
				}
			}
		})
	}
}

func TestTemplateSessionErrors(t *testing.T) {
	tmpl, ok := TemplateByID("lambda-dynamodb-api")
	if !ok {
		t.Fatal("lambda-dynamodb-api missing")
	}
	if _, err := tmpl.Session(map[string]string{"nope": "x"}); err == nil {
		t.Error("unknown parameter: got no error")
	}
	if _, err := tmpl.Session(map[string]string{"table": "a'b"}); err == nil {
		t.Error("quoted value: got no error")
	}
	s, err := tmpl.Session(map[string]string{"table": "orders"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Lambda function 'api-handler' that reads, writes, updates and deletes items in DynamoDB table 'orders' and queries its indexes"; s.Description != want {
		t.Errorf("Session description = %q, want %q", s.Description, want)
	}
}
