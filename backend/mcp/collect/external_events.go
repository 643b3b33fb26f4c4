package collect

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/mark3labs/mcp-go/client"
)

// awslabsPage is one answer of the awslabs CloudTrail server's
// lookup_events (boto3's LookupEvents response, plus the parameters it
// used, which the next page must repeat).
type awslabsPage struct {
	Events []struct {
		EventID         string `json:"EventId"`
		EventTime       string `json:"EventTime"`
		CloudTrailEvent string `json:"CloudTrailEvent"`
	} `json:"events"`
	NextToken   *string `json:"next_token"`
	QueryParams struct {
		StartTime string `json:"start_time"`
		EndTime   string `json:"end_time"`
	} `json:"query_params"`
}

// AWSLabsEvents reads the management events of [start, end) in one region
// through the awslabs CloudTrail server's lookup_events tool, 50 per call
// and at most one call per interval (AWS allows 2 LookupEvents calls per
// second per account and region and that server does not pace itself;
// interval ≤ 0 means 500 ms). It sends back the times the server echoes
// with each next_token, as the server requires.
//
// A failure part-way is not an error: the events read are returned with
// Until at the oldest of them (events in [Start, Until) are missing) and
// the failure as a gap; the gap is nil when the window is complete. The
// result's Log is a CloudTrail log file for backend/cloudtrail.
func AWSLabsEvents(ctx context.Context, c *client.Client, server, region string, start, end time.Time, interval time.Duration) (*Events, *Gap) {
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	start, end = start.UTC(), end.UTC()
	ev := &Events{Start: start, End: end, Until: end, Server: server}
	var log bytes.Buffer
	log.WriteString(`{"Records":[`)
	args := map[string]any{"start_time": start.Format(time.RFC3339), "end_time": end.Format(time.RFC3339), "max_results": 50, "region": region}
	var gap *Gap
	fail := func(reason, msg string) {
		gap = &Gap{Tool: AWSLabsLookupEvents, API: "cloudtrail:LookupEvents", Reason: reason, Message: msg}
	}
	next := time.Now()
	for gap == nil {
		if err := sleepUntil(ctx, next); err != nil {
			fail(awsserver.ReasonError, err.Error())
			break
		}
		next = time.Now().Add(interval)
		var p awslabsPage
		if err := CallTool(ctx, c, AWSLabsLookupEvents, args, &p); err != nil {
			fail(failureReason(err.Error()), err.Error())
			break
		}
		for _, e := range p.Events {
			if !json.Valid([]byte(e.CloudTrailEvent)) {
				fail(ReasonInvalid, "event "+e.EventID+" has no valid CloudTrailEvent")
				break
			}
			if ev.Count > 0 {
				log.WriteByte(',')
			}
			log.WriteString(e.CloudTrailEvent)
			ev.Count++
			if t, err := time.Parse(time.RFC3339, e.EventTime); err == nil && t.Before(ev.Until) {
				ev.Until = t.UTC()
			}
		}
		if gap != nil || p.NextToken == nil || *p.NextToken == "" {
			break
		}
		args = map[string]any{"start_time": p.QueryParams.StartTime, "end_time": p.QueryParams.EndTime, "max_results": 50,
			"region": region, "next_token": *p.NextToken}
	}
	if gap == nil {
		ev.Until = end
	} else {
		// The target is the missing span, as Collect records it.
		gap.Target = region + " " + start.Format(time.RFC3339) + "/" + ev.Until.Format(time.RFC3339)
	}
	log.WriteString("]}")
	ev.Log = log.Bytes()
	return ev, gap
}

// failureReason classifies a tool error's text (boto3's "An error occurred
// (CODE) when calling …") into the reasons the built-in server gives.
func failureReason(msg string) string {
	switch {
	case strings.Contains(msg, "(AccessDenied"), strings.Contains(msg, "(UnauthorizedOperation"):
		return awsserver.ReasonAccessDenied
	case strings.Contains(msg, "(Throttling"), strings.Contains(msg, "(TooManyRequests"), strings.Contains(msg, "Rate exceeded"):
		return awsserver.ReasonThrottled
	}
	return awsserver.ReasonError
}

// sleepUntil waits for t or the context's end.
func sleepUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
