package remediate

import (
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/google/go-cmp/cmp"
)

func TestWatch(t *testing.T) {
	applied := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	rec := func(id string, status Status) Record {
		return Record{ID: id, Status: status, Principal: Principal{ARN: appARN, Name: "app"},
			Removed: []string{"s3:DeleteBucket"}, BaselineDenied: []string{"kms:Decrypt"},
			Apply: &Run{Started: applied, Done: []StepResult{{OK: true}}}}
	}
	records := []Record{rec("applied", Applied), rec("rolled", RolledBack), rec("previewed", Previewed)}
	failedNothing := rec("failed-first", ApplyFailed)
	failedNothing.Apply.Done = []StepResult{{OK: false, Code: "AccessDenied"}}
	records = append(records, failedNothing)

	u := &audit.Usage{Rows: []audit.UsageRow{
		{Principal: appARN, Action: "s3:DeleteBucket", Outcome: audit.OutcomeDenied, Count: 3, Last: applied.Add(time.Hour)},
		{Principal: appARN, Action: "s3:GetObject", Outcome: audit.OutcomeOK, Count: 9, Last: applied.Add(time.Hour)},
		{Principal: appARN, Action: "sqs:PurgeQueue", Outcome: audit.OutcomeDenied, Count: 1, Last: applied.Add(-time.Hour)},
		{Principal: "arn:aws:iam::123456789012:role/worker", Action: "s3:DeleteBucket", Outcome: audit.OutcomeDenied, Count: 1, Last: applied.Add(time.Hour)},
	}, Unmapped: []audit.UnmappedEvent{
		{Principal: appARN, Source: "ec2.amazonaws.com", Name: "NewCall", Outcome: audit.OutcomeDenied, Count: 1, Last: applied.Add(2 * time.Hour)},
	}}
	got := Watch(records, DeniedInUsage(u))
	want := []Suggestion{{RecordID: "applied", Principal: appARN, AppliedAt: applied,
		Denied: []Denial{
			{Principal: appARN, Action: "ec2.amazonaws.com:NewCall", Count: 1, Last: applied.Add(2 * time.Hour)},
			{Principal: appARN, Action: "s3:DeleteBucket", Count: 3, Last: applied.Add(time.Hour)},
		},
		Removed: []string{"s3:DeleteBucket"},
		Message: "app was denied 2 actions since the remediation of 2026-11-25T10:00:00Z, 1 of which it removed (s3:DeleteBucket): roll it back if the principal needs them."}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Watch over usage (-want +got):\n%s", diff)
	}

	// A later saved audit: its denials are dated at the window's end, and
	// those the remediated audit already saw do not count.
	a := &result.Audit{Window: result.Window{End: applied.AddDate(0, 0, 7)}, Principals: []result.Principal{
		{ARN: appARN, Permissions: result.Permissions{Denied: []string{"kms:Decrypt", "s3:DeleteBucket"}}},
	}}
	got = Watch(records[:1], DeniedInAudit(a))
	if len(got) != 1 || len(got[0].Denied) != 1 || got[0].Denied[0].Action != "s3:DeleteBucket" || !got[0].Denied[0].Approximate {
		t.Errorf("Watch over an audit = %+v, want one approximate s3:DeleteBucket", got)
	}
	a.Window.End = applied.Add(-time.Hour)
	if got := Watch(records[:1], DeniedInAudit(a)); len(got) != 0 {
		t.Errorf("an audit that ended before the apply suggested %+v", got)
	}
}
