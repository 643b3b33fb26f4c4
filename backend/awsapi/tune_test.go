package awsapi

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
)

// TestTuneTimesOut: an endpoint that does not answer fails each attempt
// after the timeout, and the error says it timed out (a coverage gap with
// reason timeout), instead of hanging the audit.
func TestTuneTimesOut(t *testing.T) {
	f := ctFake(t, 10, time.Now())
	f.Stall("DescribeTrails", time.Minute)
	r := trailReader(t, f)
	cfg := Tune(aws.Config{Region: "eu-west-1", Credentials: r.client.Options().Credentials}, 100*time.Millisecond)
	var calls sdkCalls
	tuned := NewTrailReader(cfg, func(o *cloudtrail.Options) {
		o.BaseEndpoint = aws.String(f.URL)
		o.APIOptions = append(o.APIOptions, calls.apiOption)
	})
	start := time.Now()
	_, err := tuned.Trails(context.Background())
	if !IsTimeout(err) || IsAccessDenied(err) || IsThrottled(err) {
		t.Fatalf("err %v, want a timeout", err)
	}
	// The client's attempts, not the fake's count: an attempt whose
	// connection dropped before it reached the fake is one all the same.
	if n := calls.Attempts("DescribeTrails"); n != MaxAttempts {
		t.Errorf("%d attempts, want %d", n, MaxAttempts)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %s", d)
	}
}

// TestTuneRetriesThrottles: the adaptive retryer outlasts more throttles
// than the SDK's default three attempts would.
func TestTuneRetriesThrottles(t *testing.T) {
	f := ctFake(t, 10, time.Now())
	f.Throttle("DescribeTrails", 3)
	r := trailReader(t, f)
	cfg := Tune(aws.Config{Region: "eu-west-1", Credentials: r.client.Options().Credentials}, 0)
	if _, err := NewTrailReader(cfg, func(o *cloudtrail.Options) { o.BaseEndpoint = aws.String(f.URL) }).Trails(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The fake throttled 3 calls, so it saw at least 4; a retried dropped
	// connection may add one.
	if n := f.Calls("DescribeTrails"); n < 4 {
		t.Errorf("%d calls, want the 3 throttled and the one answered", n)
	}
}
