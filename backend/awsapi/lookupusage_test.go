package awsapi

import (
	"context"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/google/go-cmp/cmp"
)

// TestLookupUsage: event history becomes usage over the window with one
// complete coverage day per region and day; the days a region's answer is
// missing (all of them when refused, up to Until when stopped part-way)
// are read failures, so the analysis sees gaps there.
func TestLookupUsage(t *testing.T) {
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	start := end.AddDate(0, 0, -3)
	opt := cloudtrail.Options{DB: db, Start: start, End: end}
	u, err := LookupUsage(context.Background(), opt, "111122223333", []RegionEvents{
		{Region: "eu-west-1", Log: awsapitest.LogFile(10, end), Until: end},
		{Region: "us-east-1", Log: []byte(`{"Records":[]}`), Until: end, Gap: "AccessDenied"},
		{Region: "eu-central-1", Log: []byte(`{"Records":[]}`), Until: end.AddDate(0, 0, -2), Gap: "throttled"},
	})
	if err != nil {
		t.Fatal(err)
	}
	type day struct {
		Region, Day   string
		Files, Failed int
	}
	var got []day
	for _, d := range u.Coverage.Days {
		got = append(got, day{d.Region, d.Day, d.Files, d.Failed})
	}
	want := []day{
		{"eu-central-1", "2026-11-17", 0, 1}, {"eu-central-1", "2026-11-18", 0, 1}, {"eu-central-1", "2026-11-19", 1, 0}, {"eu-central-1", "2026-11-20", 1, 0},
		{"eu-west-1", "2026-11-17", 1, 0}, {"eu-west-1", "2026-11-18", 1, 0}, {"eu-west-1", "2026-11-19", 1, 0}, {"eu-west-1", "2026-11-20", 1, 0},
		{"us-east-1", "2026-11-17", 0, 1}, {"us-east-1", "2026-11-18", 0, 1}, {"us-east-1", "2026-11-19", 0, 1}, {"us-east-1", "2026-11-20", 0, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("coverage (-want +got):\n%s", diff)
	}
	if len(u.Failures) != 6 || u.Failures[0].Source != "cloudtrail:LookupEvents us-east-1" || u.Failures[0].Err != "AccessDenied" {
		t.Errorf("failures %+v", u.Failures)
	}
	if len(u.Rows) != 1 || u.Rows[0].Action != "sqs:GetQueueAttributes" || u.Rows[0].Count != 10 || u.Rows[0].Outcome != audit.OutcomeOK {
		t.Errorf("rows %+v", u.Rows)
	}
	if _, err := LookupUsage(context.Background(), opt, "111122223333", []RegionEvents{{Region: "eu-west-1", Log: []byte(`{"Records":[{"eventTime":1}]}`)}}); err == nil {
		t.Error("a record without a valid eventTime was accepted")
	}
}
