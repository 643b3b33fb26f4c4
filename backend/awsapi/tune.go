package awsapi

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// Tuning of the readers' SDK clients: an audit makes many calls, some
// against rate limits of a few per second, and must neither give up on
// the first throttle nor hang on a silent endpoint.
const (
	// MaxAttempts is how often the SDK tries a call before its error (a
	// throttle still refused, say) becomes a coverage gap.
	MaxAttempts = 5
	// MaxBackoff caps the wait between two attempts.
	MaxBackoff = 20 * time.Second
	// CallTimeout bounds one attempt (connect, send, read the answer).
	CallTimeout = 30 * time.Second
)

// Tune returns cfg with the SDK's adaptive retry mode (exponential backoff
// with jitter, plus a client-side rate limiter that slows down after
// throttles) of MaxAttempts attempts, and an HTTP client whose attempts
// each end after timeout (CallTimeout when ≤ 0).
func Tune(cfg aws.Config, timeout time.Duration) aws.Config {
	if timeout <= 0 {
		timeout = CallTimeout
	}
	cfg.Retryer = func() aws.Retryer {
		return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, func(s *retry.StandardOptions) {
				s.MaxAttempts = MaxAttempts
				s.MaxBackoff = MaxBackoff
			})
		})
	}
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTimeout(timeout)
	return cfg
}

// IsTimeout reports whether err is a call that timed out (the endpoint did
// not answer within the attempt's timeout), which an audit records as a
// coverage gap.
func IsTimeout(err error) bool {
	var ne net.Error
	return (errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, context.DeadlineExceeded)
}
