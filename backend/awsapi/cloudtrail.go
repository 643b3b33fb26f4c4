package awsapi

import (
	"bytes"
	"context"
	"encoding/json"

	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// TrailReader reads one account-region's trail configuration and, as a
// last resort when no trail logs can be read, its management events with
// LookupEvents. Read-only.
type TrailReader struct {
	client *cloudtrail.Client
	// interval spaces LookupEvents calls: AWS allows 2 per second per
	// account and region.
	interval time.Duration

	mu   sync.Mutex
	last time.Time
}

// NewTrailReader returns a reader for cfg's account and region.
func NewTrailReader(cfg aws.Config, opts ...func(*cloudtrail.Options)) *TrailReader {
	return &TrailReader{client: cloudtrail.NewFromConfig(cfg, opts...), interval: 500 * time.Millisecond}
}

// Trails returns `aws cloudtrail describe-trails` output, shadow trails
// (multi-region and organization trails seen from this region) included.
func (r *TrailReader) Trails(ctx context.Context) ([]byte, error) {
	out, err := r.client.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("cloudtrail DescribeTrails: %w", err)
	}
	return cliJSON(struct {
		TrailList []types.Trail `json:"trailList"`
	}{nonNil(out.TrailList)})
}

// EventSelectors returns `aws cloudtrail get-event-selectors` output for a
// trail: whether it logs management and data events.
func (r *TrailReader) EventSelectors(ctx context.Context, trail string) ([]byte, error) {
	out, err := r.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(trail)})
	if err != nil {
		return nil, fmt.Errorf("cloudtrail GetEventSelectors %s: %w", trail, err)
	}
	return cliJSON(struct {
		TrailARN               *string                       `json:"TrailARN"`
		EventSelectors         []types.EventSelector         `json:"EventSelectors"`
		AdvancedEventSelectors []types.AdvancedEventSelector `json:"AdvancedEventSelectors"`
	}{out.TrailARN, out.EventSelectors, out.AdvancedEventSelectors})
}

// Lookup is what LookupEvents gave for a window.
type Lookup struct {
	// Log holds the events as a CloudTrail log file ({"Records": [...]}),
	// newest first, so the log-file parser reads them like delivered logs.
	Log    []byte
	Events int
	// Until is where reading stopped: End when complete, else the time of
	// the oldest event read; events in [Start, Until) are missing.
	Until time.Time
	// Gap is why reading stopped early (throttling beyond the SDK's retries,
	// AccessDenied, cancellation); nil when the window is complete.
	Gap error
}

// LookupEvents reads the management events of [start, end) in this region,
// 50 per call and at most 2 calls per second. A failure part-way is not an
// error: the events read so far are returned with the Gap, so the caller
// records the missing span as a coverage gap and never as "unused".
func (r *TrailReader) LookupEvents(ctx context.Context, start, end time.Time) Lookup {
	res := Lookup{Until: end}
	var records bytes.Buffer
	records.WriteString(`{"Records":[`)
	in := &cloudtrail.LookupEventsInput{StartTime: aws.Time(start), EndTime: aws.Time(end), MaxResults: aws.Int32(50)}
	for {
		if err := r.wait(ctx); err != nil {
			res.Gap = err
			break
		}
		out, err := r.client.LookupEvents(ctx, in)
		if err != nil {
			res.Gap = fmt.Errorf("cloudtrail LookupEvents: %w", err)
			break
		}
		for _, e := range out.Events {
			if e.CloudTrailEvent == nil || !json.Valid([]byte(*e.CloudTrailEvent)) {
				res.Gap = fmt.Errorf("cloudtrail LookupEvents: event %s has no valid CloudTrailEvent", aws.ToString(e.EventId))
				break
			}
			if res.Events > 0 {
				records.WriteByte(',')
			}
			records.WriteString(*e.CloudTrailEvent)
			res.Events++
			if e.EventTime != nil && e.EventTime.Before(res.Until) {
				res.Until = *e.EventTime
			}
		}
		if res.Gap != nil || out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if res.Gap == nil {
		res.Until = end
	}
	records.WriteString("]}")
	res.Log = records.Bytes()
	return res
}

// wait spaces calls by the reader's interval.
func (r *TrailReader) wait(ctx context.Context) error {
	r.mu.Lock()
	next := r.last.Add(r.interval)
	now := time.Now()
	if next.Before(now) {
		next = now
	}
	r.last = next
	r.mu.Unlock()
	if d := time.Until(next); d > 0 {
		return sleepContext(ctx, d)
	}
	return ctx.Err()
}
