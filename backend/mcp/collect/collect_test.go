package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/importer"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/google/go-cmp/cmp"
)

// live collects from the built-in server in process.
func live(t *testing.T, a *collecttest.Account, opts collect.Options) *collect.Result {
	t.Helper()
	ctx := context.Background()
	c, err := collect.InProcess(ctx, a.Server(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	opts.CollectedAt = collecttest.CollectedAt
	res, err := collect.Collect(ctx, c, opts)
	if err != nil {
		t.Fatalf("Collect: %v (gaps %v)", err, res)
	}
	return res
}

func sameAsOffline(t *testing.T, res *collect.Result, files importer.Files) {
	t.Helper()
	want := collecttest.Comparable(t, collecttest.Offline(t, files))
	if diff := cmp.Diff(want, collecttest.Comparable(t, res.Snapshot)); diff != "" {
		t.Errorf("live snapshot differs from the offline import (-offline +live):\n%s", diff)
	}
}

// TestLiveEqualsOffline: a live collection through the built-in MCP server
// gives the snapshot the offline import of the same exports gives, with
// no gap, and reports progress per phase.
func TestLiveEqualsOffline(t *testing.T) {
	a := collecttest.New(t)
	last := map[string]collect.Progress{}
	res := live(t, a, collect.Options{Progress: func(p collect.Progress) { last[p.Phase] = p }})
	if len(res.Gaps) != 0 {
		t.Errorf("gaps: %v", res.Gaps)
	}
	sameAsOffline(t, res, a.Files)
	for _, phase := range []string{collect.PhaseDiscover, collect.PhaseAuthorization, collect.PhaseAccount, collect.PhaseAccessAdvisor, collect.PhaseTrails} {
		p, ok := last[phase]
		if !ok || p.Done != p.Total || p.Total == 0 {
			t.Errorf("phase %s: last progress %+v", phase, p)
		}
	}
	if p := last[collect.PhaseAccessAdvisor]; p.Total != 5 {
		t.Errorf("access advisor jobs: %+v, want 5 (1 user, 1 group, 3 roles)", p)
	}
	if res.Events != nil {
		t.Errorf("events collected without being asked")
	}
	// The calls made are among those the documented policy allows.
	for _, p := range awsserver.Permissions {
		svc, action, _ := strings.Cut(p, ":")
		n := -1
		switch svc {
		case "iam":
			n = a.IAM.Calls(action)
		case "cloudtrail":
			if action != "LookupEvents" {
				n = a.CloudTrail.Calls(action)
			}
		case "s3", "kms", "sqs", "sns", "lambda", "secretsmanager", "ecr":
			n = a.Resources.Calls(strings.Replace(p, "ListAllMyBuckets", "ListBuckets", 1))
		}
		if n == 0 {
			t.Errorf("%s is in the auditor policy but was never called", p)
		}
	}
}

// TestLiveUnderThrottlingEqualsOffline: throttled calls the SDK retries
// change nothing but the time taken.
func TestLiveUnderThrottlingEqualsOffline(t *testing.T) {
	a := collecttest.New(t)
	a.IAM.Throttle("GetAccountAuthorizationDetails", 2)
	a.IAM.Throttle("GetAccountPasswordPolicy", 1)
	a.CloudTrail.Throttle("GetEventSelectors", 1)
	res := live(t, a, collect.Options{})
	if len(res.Gaps) != 0 {
		t.Errorf("gaps: %v", res.Gaps)
	}
	sameAsOffline(t, res, a.Files)
	// At least the throttled call and its retry: a retried dropped
	// connection on a loaded machine may add one, and changes nothing else.
	if n := a.IAM.Calls("GetAccountPasswordPolicy"); n < 2 {
		t.Errorf("GetAccountPasswordPolicy called %d times, want the throttled call retried", n)
	}
}

// TestAccessDeniedIsAGap: AccessDenied on one API is a gap naming the API
// and the reason; what it would have given stays absent (not "none"), and
// everything else equals the offline import without that export.
func TestAccessDeniedIsAGap(t *testing.T) {
	a := collecttest.New(t)
	a.IAM.Deny("GenerateCredentialReport")
	a.CloudTrail.Deny("GetEventSelectors")
	res := live(t, a, collect.Options{})
	files := a.Files
	files.CredentialReport = importer.File{}
	files.EventSelectors = importer.File{}
	sameAsOffline(t, res, files)
	if res.Snapshot.CredentialReport != nil || res.Snapshot.Trails != nil {
		t.Errorf("denied data fabricated: report %v, trails %v", res.Snapshot.CredentialReport, res.Snapshot.Trails)
	}
	var got []string
	for _, g := range res.Gaps {
		got = append(got, g.Tool+" "+g.Target+" "+g.API+" "+g.Reason)
		if !strings.Contains(g.Message, "AccessDenied") {
			t.Errorf("gap %v does not say AccessDenied", g)
		}
	}
	want := []string{
		"get_credential_report  iam:GetCredentialReport access-denied",
		"get_event_selectors arn:aws:cloudtrail:eu-west-1:111122223333:trail/management cloudtrail:GetEventSelectors access-denied",
		"get_event_selectors arn:aws:cloudtrail:eu-west-1:111122223333:trail/data cloudtrail:GetEventSelectors access-denied",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

// TestResourcePolicyDenied: AccessDenied on one service's policies is a
// gap for that service; the other services' policies are all read.
func TestResourcePolicyDenied(t *testing.T) {
	a := collecttest.New(t)
	a.Resources.Deny("kms:ListKeys")
	res := live(t, a, collect.Options{})
	if len(res.Gaps) != 1 || res.Gaps[0].Tool != awsserver.ToolResourcePolicies || res.Gaps[0].Target != "kms" ||
		res.Gaps[0].Reason != awsserver.ReasonAccessDenied {
		t.Fatalf("gaps %v, want one access-denied gap for kms", res.Gaps)
	}
	var want []string
	for _, p := range collecttest.Offline(t, a.Files).ResourcePolicies {
		if !strings.HasPrefix(p.ARN, "arn:aws:kms:") {
			want = append(want, p.ARN)
		}
	}
	var got []string
	for _, p := range res.Snapshot.ResourcePolicies {
		got = append(got, p.ARN)
	}
	if diff := cmp.Diff(want, got); diff != "" || len(got) != 6 {
		t.Errorf("resource policies (-want +got):\n%s", diff)
	}
}

// TestLookupEvents: the fallback returns the window's management events as
// a log file; throttling beyond the retries leaves a gap from the window's
// start to where reading stopped, with the events read so far.
func TestLookupEvents(t *testing.T) {
	a := collecttest.New(t)
	start := collecttest.EventsEnd.Add(-2 * time.Hour)
	opts := collect.Options{EventsStart: start, EventsEnd: collecttest.EventsEnd}
	res := live(t, a, opts)
	if len(res.Gaps) != 0 || len(res.Events) != 1 {
		t.Fatalf("gaps %v, events %v", res.Gaps, res.Events)
	}
	ev := res.Events[0]
	var log struct{ Records []json.RawMessage }
	if err := json.Unmarshal(ev.Log, &log); err != nil || len(log.Records) != collecttest.Events || ev.Count != collecttest.Events || ev.Failed {
		t.Errorf("log: %v, %d records, count %d, failed %v, want %d", err, len(log.Records), ev.Count, ev.Failed, collecttest.Events)
	}
	if !ev.Until.Equal(collecttest.EventsEnd) {
		t.Errorf("until %s, want the window's end", ev.Until)
	}

	a.CloudTrail.ThrottleFrom("LookupEvents", a.CloudTrail.Invoked("LookupEvents")+2)
	res = live(t, a, opts)
	if len(res.Events) != 1 || res.Events[0].Count != 50 || !res.Events[0].Failed {
		t.Fatalf("events %+v, want the first page of 50", res.Events)
	}
	ev = res.Events[0]
	if len(res.Gaps) != 1 {
		t.Fatalf("gaps %v, want one", res.Gaps)
	}
	g := res.Gaps[0]
	oldest := collecttest.EventsEnd.Add(-50 * time.Minute)
	if g.Tool != awsserver.ToolLookupEvents || g.Reason != awsserver.ReasonThrottled || g.API != "cloudtrail:LookupEvents" ||
		!ev.Until.Equal(oldest) || g.Target != start.Format(time.RFC3339)+"/"+oldest.Format(time.RFC3339) {
		t.Errorf("gap %+v, until %s", g, ev.Until)
	}
}

// TestLookupEventsPerRegion: each region's events are read on their own,
// in parallel; AccessDenied in one region is a gap for that region's whole
// window and leaves the other region's answer whole.
func TestLookupEventsPerRegion(t *testing.T) {
	a := collecttest.New(t)
	start := collecttest.EventsEnd.Add(-2 * time.Hour)
	opts := collect.Options{EventsStart: start, EventsEnd: collecttest.EventsEnd, Regions: []string{"eu-west-1", collecttest.OtherRegion}}
	res := live(t, a, opts)
	if len(res.Gaps) != 0 || len(res.Events) != 2 {
		t.Fatalf("gaps %v, events %v", res.Gaps, res.Events)
	}
	for i, region := range opts.Regions {
		ev := res.Events[i]
		if ev.Region != region || ev.Count != collecttest.Events || ev.Failed || !bytes.Contains(ev.Log, []byte(`"awsRegion":"`+region+`"`)) {
			t.Errorf("region %s: %+v", region, ev)
		}
	}

	a.CloudTrail.DenyRegion(collecttest.OtherRegion)
	res = live(t, a, opts)
	if len(res.Events) != 2 || res.Events[0].Failed || res.Events[0].Count != collecttest.Events {
		t.Fatalf("events %+v", res.Events)
	}
	denied := res.Events[1]
	if !denied.Failed || denied.Count != 0 || !denied.Until.Equal(collecttest.EventsEnd) {
		t.Errorf("denied region: %+v", denied)
	}
	want := collecttest.OtherRegion + " " + start.Format(time.RFC3339) + "/" + collecttest.EventsEnd.Format(time.RFC3339)
	if len(res.Gaps) != 1 || res.Gaps[0].Reason != awsserver.ReasonAccessDenied || res.Gaps[0].Target != want ||
		res.Gaps[0].API != "cloudtrail:LookupEvents" {
		t.Errorf("gaps %v, want one access-denied gap for %s", res.Gaps, want)
	}
}

// TestCancellation: a cancelled context ends the collection with its error.
func TestCancellation(t *testing.T) {
	a := collecttest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	c, err := collect.InProcess(ctx, a.Server(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = collect.Collect(ctx, c, collect.Options{Progress: func(p collect.Progress) {
		if p.Phase == collect.PhaseAuthorization {
			cancel()
		}
	}})
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("err %v, want context canceled", err)
	}
}

// TestNoAuthorizationDetails: without GAAD there is no snapshot, and the
// error and the gap say why.
func TestNoAuthorizationDetails(t *testing.T) {
	a := collecttest.New(t)
	a.IAM.Deny("GetAccountAuthorizationDetails")
	ctx := context.Background()
	c, err := collect.InProcess(ctx, a.Server(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	res, err := collect.Collect(ctx, c, collect.Options{})
	if !errors.Is(err, collect.ErrNoAuthorizationDetails) || res == nil || res.Snapshot != nil || len(res.Gaps) != 1 ||
		res.Gaps[0].Reason != awsserver.ReasonAccessDenied {
		t.Errorf("err %v, result %+v", err, res)
	}
}
