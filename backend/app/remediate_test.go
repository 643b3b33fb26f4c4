package app

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/remediate"
	"github.com/aegis-iam/aegis/backend/store"
)

const remediatedRole = "arn:aws:iam::123456789012:role/service/app"

// savedAudit stores an audit of role app whose recommendation rewrites
// its inline policy, and whose principal was denied denied.
func savedAudit(t *testing.T, st *store.Store, end time.Time, denied ...string) string {
	t.Helper()
	now := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteBucket"], "Resource": "arn:aws:s3:::app-data/*"}]}`
	right := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-data/*"}]}`
	a := &result.Audit{Account: "123456789012", Window: result.Window{Start: end.AddDate(0, 0, -30), End: end}, Principals: []result.Principal{{
		ARN: remediatedRole, Type: "role", Name: "app", Editability: "editable",
		Current:     []result.Policy{{Name: "inline:app-data", Status: "current", Document: json.RawMessage(now)}},
		Permissions: result.Permissions{Unused: []string{"s3:DeleteBucket"}, Denied: denied},
		Recommendation: &result.Recommendation{Kind: rightsize.Rewrite, Replace: []string{"inline:app-data"},
			Policies: []result.Policy{{Name: "inline:app-data", Status: "rewritten", Document: json.RawMessage(right)}}},
	}}}
	data, err := json.Marshal(AuditRun{Audit: a})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := store.NewHistory(st).Append(store.Record{Kind: store.KindAudit, Title: a.Account, Payload: data})
	if err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

// TestRemediationService drives the service the desktop binds against the
// fake IAM endpoint with the static profile: refused while off, then
// preview, apply, a later audit's rollback suggestion, and rollback.
func TestRemediationService(t *testing.T) {
	home := awsapitest.SetupHome(t)
	gaad, err := os.ReadFile("../remediate/testdata/account.json")
	if err != nil {
		t.Fatal(err)
	}
	fake := awsapitest.NewIAM(t, awsapitest.IAMAccount{GAAD: gaad}, 100)
	t.Setenv("AWS_ENDPOINT_URL_IAM", fake.URL)
	profiles, err := awsapi.NewProfiles(awsapi.Options{Files: awsapi.SharedFiles{Config: home.ConfigFile, Credentials: home.CredentialsFile}})
	if err != nil {
		t.Fatal(err)
	}
	st := tempStore(t)
	svc := NewRemediationService(context.Background(), st, profiles)
	auditID := savedAudit(t, st, time.Now().Add(-time.Hour))
	req := RemediationRequest{AuditID: auditID, Principal: remediatedRole}

	if _, err := svc.Preview(req); !errors.Is(err, ErrRemediationOff) {
		t.Fatalf("preview with remediation off: err = %v, want ErrRemediationOff", err)
	}
	settings := NewSettingsService(st)
	s := DefaultSettings()
	s.Profile, s.AllowRemediation = "static", true
	if _, err := settings.Save(s); err != nil {
		t.Fatal(err)
	}

	rec, err := svc.Preview(req)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Steps) != 1 || rec.Steps[0].Call.Operation != "PutRolePolicy" || fake.Invoked("PutRolePolicy") != 0 {
		t.Fatalf("preview: %+v (%d PutRolePolicy calls made)", rec.Steps, fake.Invoked("PutRolePolicy"))
	}
	applied, err := svc.Apply(ApplyRequest{ID: rec.ID, Token: rec.Token})
	if err != nil || applied.Status != remediate.Applied || !applied.Apply.Verified {
		t.Fatalf("apply: %s, verified %v, %v", applied.Status, applied.Apply != nil && applied.Apply.Verified, err)
	}

	later := savedAudit(t, st, time.Now().Add(time.Hour), "s3:DeleteBucket")
	sugg, err := svc.Suggestions(later)
	if err != nil || len(sugg) != 1 || sugg[0].RecordID != rec.ID || len(sugg[0].Removed) != 1 {
		t.Errorf("suggestions after a denial = %+v, %v", sugg, err)
	}
	if sugg, err := svc.Suggestions(auditID); err != nil || len(sugg) != 0 {
		t.Errorf("suggestions from the audit before the apply = %+v, %v", sugg, err)
	}

	rolled, err := svc.Rollback(rec.ID)
	if err != nil || rolled.Status != remediate.RolledBack || !rolled.Rollback.Verified {
		t.Fatalf("rollback: %s, %v", rolled.Status, err)
	}
	list, err := svc.List(remediatedRole)
	if err != nil || len(list) != 1 || list[0].Status != remediate.RolledBack {
		t.Errorf("List = %+v, %v", list, err)
	}
	if other, _ := svc.List("arn:aws:iam::123456789012:role/worker"); len(other) != 0 {
		t.Errorf("List of another principal = %+v", other)
	}

	s.AllowRemediation = false
	if _, err := settings.Save(s); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Rollback(rec.ID); !errors.Is(err, ErrRemediationOff) {
		t.Errorf("rollback with remediation off: err = %v", err)
	}
}
