package unused

import (
	"slices"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/internal/fixture"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

const (
	app   = fixture.App
	admin = fixture.Admin
	alice = fixture.Alice
	slr   = fixture.SLR
)

var usage = fixture.Usage

func setup(t *testing.T) (*audit.Snapshot, *effective.Account) {
	t.Helper()
	db, s := fixture.Snapshot(t)
	return s, effective.Compute(db, s)
}

func find(t *testing.T, ps []*Principal, arn string) *Principal {
	t.Helper()
	for _, p := range ps {
		if p.ARN == arn {
			return p
		}
	}
	t.Fatalf("no principal %s", arn)
	return nil
}

func verdict(p *Principal, action string) (audit.Verdict, bool) {
	for _, perm := range p.Permissions {
		if perm.Action == action {
			return perm.Verdict, true
		}
	}
	return audit.Verdict{}, false
}

func TestAnalyze(t *testing.T) {
	s, acct := setup(t)
	w := Window{Start: fixture.Start, End: fixture.End}
	tests := []struct {
		name      string
		u         *audit.Usage
		principal string
		action    string
		state     audit.UsageState
		reasons   []audit.UnknownReason
	}{
		{"used in CloudTrail", usage(), app, "sqs:SendMessage", audit.StateUsed, nil},
		{"management action not called", usage(), app, "sqs:GetQueueAttributes", audit.StateUnused, nil},
		{"a gap day", usage("2026-09-10"), app, "sqs:GetQueueAttributes", audit.StateUnknown, []audit.UnknownReason{audit.ReasonGap}},
		{"no usage source", nil, app, "sqs:GetQueueAttributes", audit.StateUnknown, []audit.UnknownReason{audit.ReasonNoSource}},
		{"data events of the type not logged", usage(), app, "sqs:ReceiveMessage", audit.StateUnknown, []audit.UnknownReason{audit.ReasonDataEventsNotLogged}},
		{"uncertain mapping", usage(), app, "sqs:DeleteMessage", audit.StateUnknown, []audit.UnknownReason{audit.ReasonDataEventsNotLogged, audit.ReasonUncertainMapping}},
		{"Access Advisor service use the logs miss", usage(), app, "s3:GetObject", audit.StateUnknown, []audit.UnknownReason{ReasonLastAccessed}},
		{"Access Advisor action use", usage(), app, "s3:ListBucket", audit.StateUsed, nil},
		{"PassRole is never logged", usage(), admin, "iam:PassRole", audit.StateUnknown, []audit.UnknownReason{audit.ReasonNotLogged}},
		{"excluded KMS events", usage(), admin, "kms:Decrypt", audit.StateUnknown, []audit.UnknownReason{audit.ReasonExcludedSource}},
		{"admin management action", usage(), admin, "ec2:RunInstances", audit.StateUnused, nil},
		// The data trail selects S3 object reads only.
		{"logged data read", usage(), admin, "s3:GetObject", audit.StateUnused, nil},
		{"data write of a read-only selector", usage(), admin, "s3:PutObject", audit.StateUnknown, []audit.UnknownReason{ReasonReadWriteNotLogged}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := Analyze(s, acct, tc.u, w)
			v, ok := verdict(find(t, ps, tc.principal), tc.action)
			if !ok {
				t.Fatalf("%s holds no %s", tc.principal, tc.action)
			}
			if v.State != tc.state || !slices.Equal(v.Reasons, tc.reasons) {
				t.Errorf("%s %s: got %s %v, want %s %v", tc.principal, tc.action, v.State, v.Reasons, tc.state, tc.reasons)
			}
		})
	}
}

func TestPrincipals(t *testing.T) {
	s, acct := setup(t)
	ps := Analyze(s, acct, usage(), Window{})
	for _, tc := range []struct {
		arn      string
		activity audit.UsageState
		edit     Editability
	}{
		{app, audit.StateUsed, Editable},
		{admin, audit.StateUnused, Editable}, // no RoleLastUsed, no calls
		{alice, audit.StateUsed, Editable},   // the credential report
		{slr, audit.StateUnused, ServiceLinked},
	} {
		p := find(t, ps, tc.arn)
		if p.Activity.State != tc.activity || p.Editability != tc.edit {
			t.Errorf("%s: got %s %s, want %s %s", tc.arn, p.Activity.State, p.Editability, tc.activity, tc.edit)
		}
	}
	p := find(t, ps, app)
	if len(p.Denied) != 1 || p.Denied[0].Action != "sqs:DeleteQueue" {
		t.Errorf("denied calls: %+v", p.Denied)
	}
	if d := find(t, ps, admin).Dead; len(d) != 2 {
		t.Errorf("admin's dead grants: %+v, want iam:CreateUser and organizations:LeaveOrganization", d)
	}
}

func TestPermissionSet(t *testing.T) {
	if got := permissionSet("AWSReservedSSO_AdministratorAccess_0123456789abcdef"); got != "AdministratorAccess" {
		t.Errorf("got %q", got)
	}
	if got := permissionSet("AWSReservedSSO_Data_Read_Only_0123456789abcdef"); got != "Data_Read_Only" {
		t.Errorf("got %q", got)
	}
}

func TestClassify(t *testing.T) {
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for action, want := range map[string]Sensitivity{
		"iam:PassRole": Critical, "iam:PutRolePolicy": Critical, "s3:GetObject": High,
		"s3:PutBucketPolicy": High, "ec2:RunInstances": Medium, "ec2:DescribeInstances": Low,
	} {
		a, ok := db.Action(action)
		if !ok {
			t.Fatalf("no action %s", action)
		}
		if got := classify(a); got != want {
			t.Errorf("%s: got %s, want %s", action, got, want)
		}
	}
}

// TestTooNew dates queue-access's default version six days before the end
// of the window: its permissions cannot be judged yet.
func TestTooNew(t *testing.T) {
	db, s := fixture.Snapshot(t)
	for i := range s.Policies {
		if s.Policies[i].Name == "queue-access" {
			s.Policies[i].Versions[0].Created = fixture.End.AddDate(0, 0, -6)
		}
	}
	ps := Analyze(s, effective.Compute(db, s), usage(), Window{})
	if v, _ := verdict(find(t, ps, app), "sqs:GetQueueAttributes"); v.State != audit.StateTooNew {
		t.Errorf("got %s, want %s", v.State, audit.StateTooNew)
	}
	if v, _ := verdict(find(t, ps, app), "sqs:SendMessage"); v.State != audit.StateUsed {
		t.Errorf("a used permission is used however new: got %s", v.State)
	}
}

// TestAdvisorCoverage makes Access Advisor track sqs:GetQueueAttributes
// for app without use: a source of its own that covers a log gap, but only
// when its job ran after the window ended.
func TestAdvisorCoverage(t *testing.T) {
	for _, tc := range []struct {
		completed time.Time
		want      audit.UsageState
	}{
		{fixture.End.Add(5 * time.Hour), audit.StateUnused},
		{fixture.End.Add(-24 * time.Hour), audit.StateUnknown},
	} {
		db, s := fixture.Snapshot(t)
		for i := range s.LastAccessed {
			la := &s.LastAccessed[i]
			la.Completed = tc.completed
			for j := range la.Services {
				if la.Services[j].Namespace == "sqs" {
					la.Services[j].Tracked = []audit.ActionAccessed{{Action: "GetQueueAttributes"}}
				}
			}
		}
		ps := Analyze(s, effective.Compute(db, s), usage("2026-09-10"), Window{})
		if v, _ := verdict(find(t, ps, app), "sqs:GetQueueAttributes"); v.State != tc.want {
			t.Errorf("job completed %s: got %s %v, want %s", tc.completed, v.State, v.Reasons, tc.want)
		}
	}
}
