package awsapi

import (
	"context"
	"time"
)

// pollDoubling calls check until it reports done or fails, sleeping
// between calls: first, then twice the last wait, at most maxDelay, so that a
// short job is seen soon and a long one costs few calls. It returns
// check's error, or sleep's: sleepContext's is ctx's error when ctx ends
// during a wait.
func pollDoubling(ctx context.Context, first, maxDelay time.Duration, sleep func(context.Context, time.Duration) error, check func(context.Context) (done bool, err error)) error {
	delay := first
	for {
		done, err := check(ctx)
		if done || err != nil {
			return err
		}
		if err := sleep(ctx, delay); err != nil {
			return err
		}
		delay = min(2*delay, maxDelay)
	}
}
