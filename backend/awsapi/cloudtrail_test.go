package awsapi

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/google/go-cmp/cmp"
)

func trailReader(t *testing.T, f *awsapitest.CloudTrail, more ...func(*cloudtrail.Options)) *TrailReader {
	t.Helper()
	cfg := aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAAUDITOREXAMPLE", "secret", "")}
	r := NewTrailReader(cfg, append([]func(*cloudtrail.Options){func(o *cloudtrail.Options) {
		o.BaseEndpoint = aws.String(f.URL)
		o.RetryMaxAttempts = 2
	}}, more...)...)
	r.interval = 50 * time.Millisecond
	return r
}

func ctFake(t *testing.T, events int, end time.Time) *awsapitest.CloudTrail {
	t.Helper()
	trails, err := os.ReadFile("testdata/cloudtrail/describe-trails.json")
	if err != nil {
		t.Fatal(err)
	}
	sel, err := os.ReadFile("testdata/cloudtrail/event-selectors.json")
	if err != nil {
		t.Fatal(err)
	}
	return awsapitest.NewCloudTrail(t, awsapitest.CloudTrailAccount{Trails: trails,
		Selectors: map[string][]byte{"arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail": sel},
		Logs:      [][]byte{awsapitest.LogFile(events, end)}})
}

func TestTrailsAndSelectorsEqualTheExports(t *testing.T) {
	f := ctFake(t, 0, time.Now())
	r := trailReader(t, f)
	for name, read := range map[string]func() ([]byte, error){
		"describe-trails.json": func() ([]byte, error) { return r.Trails(context.Background()) },
		"event-selectors.json": func() ([]byte, error) {
			return r.EventSelectors(context.Background(), "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail")
		},
	} {
		got, err := read()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, _ := os.ReadFile("testdata/cloudtrail/" + name)
		if diff := cmp.Diff(decodeJSON(t, want), decodeJSON(t, got)); diff != "" {
			t.Errorf("%s read live differs from the export (-export +live):\n%s", name, diff)
		}
	}
}

func TestLookupEventsReadsTheWindowPacedAsAWSAllows(t *testing.T) {
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	f := ctFake(t, 120, end)
	// Count operations, not HTTP attempts: a loaded machine may see the
	// SDK retry a dropped connection, which is not another page.
	var calls sdkCalls
	r := trailReader(t, f, func(o *cloudtrail.Options) { o.APIOptions = append(o.APIOptions, calls.apiOption) })
	began := time.Now()
	got := r.LookupEvents(context.Background(), end.Add(-110*time.Minute), end)
	if got.Gap != nil || got.Events != 110 || !got.Until.Equal(end) {
		t.Fatalf("lookup = %d events, until %v, gap %v; want the 110 management events of the window", got.Events, got.Until, got.Gap)
	}
	if n := calls.Operations("LookupEvents"); n != 3 {
		t.Errorf("%d calls, want 3 pages of at most 50", n)
	}
	if elapsed := time.Since(began); elapsed < 2*r.interval {
		t.Errorf("3 calls took %v, less than two intervals of %v apart", elapsed, r.interval)
	}
	var log struct{ Records []map[string]any }
	if err := json.Unmarshal(got.Log, &log); err != nil || len(log.Records) != 110 || log.Records[0]["eventID"] != "evt-0000" {
		t.Errorf("log: %v, %d records", err, len(log.Records))
	}
}

func TestLookupEventsReportsTheGapItCouldNotRead(t *testing.T) {
	end := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	// Also when the first page's response is lost in transit: its retry
	// is the same call, not the throttled second one.
	for _, lost := range []bool{false, true} {
		f := ctFake(t, 120, end)
		f.ThrottleFrom("LookupEvents", 2) // the first page, then throttled for good
		var more []func(*cloudtrail.Options)
		if lost {
			more = append(more, func(o *cloudtrail.Options) { o.HTTPClient = awsapitest.NewLossyClient("LookupEvents") })
		}
		got := trailReader(t, f, more...).LookupEvents(context.Background(), end.Add(-2*time.Hour), end)
		if got.Gap == nil || !strings.Contains(got.Gap.Error(), "Throttling") {
			t.Fatalf("lost %v: gap = %v, want the throttling", lost, got.Gap)
		}
		if got.Events != 50 || !got.Until.Equal(end.Add(-50*time.Minute)) {
			t.Errorf("lost %v: read %d events until %v; want 50, and the gap to start at the oldest read (%v)", lost, got.Events, got.Until, end.Add(-50*time.Minute))
		}
	}

	denied := ctFake(t, 10, end)
	denied.Deny("LookupEvents")
	got := trailReader(t, denied).LookupEvents(context.Background(), end.Add(-time.Hour), end)
	if got.Gap == nil || !IsAccessDenied(got.Gap) || got.Events != 0 || !got.Until.Equal(end) {
		t.Errorf("denied: %+v", got)
	}
}
