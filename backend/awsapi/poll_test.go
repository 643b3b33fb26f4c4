package awsapi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestPollDoubling: the waits double from the first up to the maximum, and
// polling stops at the first check that is done or fails. The sleep is a
// fake that records the waits, so nothing depends on the clock.
func TestPollDoubling(t *testing.T) {
	errGone := errors.New("query not found")
	type answer struct {
		done bool
		err  error
	}
	for _, tc := range []struct {
		name    string
		answers []answer // one per check, in order
		want    error
		waits   []time.Duration
	}{
		{name: "done at once", answers: []answer{{done: true}}},
		{name: "waits double up to the maximum",
			answers: []answer{{}, {}, {}, {}, {}, {done: true}},
			waits:   []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}},
		{name: "a failed check stops polling",
			answers: []answer{{}, {}, {err: errGone}},
			want:    errGone,
			waits:   []time.Duration{time.Second, 2 * time.Second}},
		{name: "a check that is done with an error",
			answers: []answer{{}, {done: true, err: errGone}},
			want:    errGone,
			waits:   []time.Duration{time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var waits []time.Duration
			sleep := func(_ context.Context, d time.Duration) error {
				waits = append(waits, d)
				return nil
			}
			checks := 0
			err := pollDoubling(t.Context(), time.Second, 5*time.Second, sleep, func(context.Context) (bool, error) {
				if checks == len(tc.answers) {
					t.Fatalf("check %d: polled past the last answer", checks+1)
				}
				a := tc.answers[checks]
				checks++
				return a.done, a.err
			})
			if !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
			if checks != len(tc.answers) {
				t.Errorf("%d checks, want %d", checks, len(tc.answers))
			}
			if diff := cmp.Diff(tc.waits, waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPollDoublingCancelled: a caller that gives up ends the wait at once,
// with ctx's error, and no check follows.
func TestPollDoublingCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	checks := 0
	err := pollDoubling(ctx, time.Hour, time.Hour, sleepContext, func(context.Context) (bool, error) {
		checks++
		cancel()
		return false, nil
	})
	if !errors.Is(err, context.Canceled) || checks != 1 {
		t.Errorf("error %v after %d checks, want %v after 1", err, checks, context.Canceled)
	}
}
