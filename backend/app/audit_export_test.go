package app

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditExport renders the sample's recommendations for a rewritten
// user, a role losing a shared managed policy, a permission-set role and
// an unused role as Terraform, CloudFormation and AWS CLI commands
// (golden files), each labelled sample data.
func TestAuditExport(t *testing.T) {
	s, _ := newAuditService(t)
	run, err := s.Run(AuditRequest{Source: SourceSample, WindowDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	arn := func(kind, path, name string) string { return "arn:aws:iam::111122223333:" + kind + path + name }
	principals := map[string]string{
		"dev":       arn("user", "/", "dev"),
		"app-a":     arn("role", "/", "app-a"),
		"sso":       arn("role", "/aws-reserved/sso.amazonaws.com/eu-west-1/", "AWSReservedSSO_Operators_0123456789abcdef"),
		"old-batch": arn("role", "/", "old-batch"),
	}
	for name, p := range principals {
		for format, ext := range map[string]string{"terraform": "tf", "cloudformation": "template.json", "cli": "sh"} {
			got, err := s.Export(AuditExportRequest{ID: run.ID, Principal: p, Format: format})
			if err != nil {
				t.Errorf("%s %s: %v", name, format, err)
				continue
			}
			if !strings.Contains(got.Text, "SAMPLE DATA") {
				t.Errorf("%s %s: not labelled sample data", name, format)
			}
			if format == "cloudformation" && !json.Valid([]byte(got.Text)) {
				t.Errorf("%s: the template is not JSON", name)
			}
			golden(t, filepath.Join("testdata", "audit-export", name+"."+ext), got.Text)
		}
	}
	whole, err := s.Export(AuditExportRequest{ID: run.ID, Format: "json"})
	var a struct{ Sample bool }
	if err != nil || json.Unmarshal([]byte(whole.Text), &a) != nil || !a.Sample {
		t.Errorf("whole audit as JSON: sample %v, %v", a.Sample, err)
	}
	one, err := s.Export(AuditExportRequest{ID: run.ID, Principal: principals["dev"], Format: "json"})
	if err != nil || !strings.Contains(one.Text, `"current"`) || one.SuggestedName != "dev.audit.json" {
		t.Errorf("one principal as JSON: %q, %v", one.SuggestedName, err)
	}
	for _, bad := range []AuditExportRequest{
		{ID: run.ID, Format: "terraform"},
		{ID: run.ID, Principal: principals["dev"], Format: "pulumi"},
		{ID: run.ID, Principal: "arn:aws:iam::111122223333:role/nobody", Format: "cli"},
		{ID: "nope", Format: "json"},
	} {
		if _, err := s.Export(bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}
