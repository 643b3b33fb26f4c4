package awsapi

import (
	"context"
	"sync"
	"testing"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

func setupHome(t *testing.T) SharedFiles {
	t.Helper()
	h := awsapitest.SetupHome(t)
	return SharedFiles{Config: h.ConfigFile, Credentials: h.CredentialsFile}
}

func newTestProfiles(t *testing.T, files SharedFiles, opts Options) *Profiles {
	t.Helper()
	opts.Files = files
	p, err := NewProfiles(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sdkCalls counts, on the client's side through SDK middleware, the
// operations a client makes (one per API call, however often the retryer
// sends it) and their attempts (each request the retryer sends). A fake's
// own count (awsapitest Calls) is no measure of either: on a loaded
// machine the SDK may retry a dropped connection, which the fake counts
// again if the request had reached it and not at all if it had not.
type sdkCalls struct {
	mu         sync.Mutex
	operations map[string]int
	attempts   map[string]int
}

// apiOption adds the counting to a client's middleware stack: append it
// to the client's Options.APIOptions.
func (c *sdkCalls) apiOption(s *middleware.Stack) error {
	count := func(m *map[string]int, ctx context.Context) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if *m == nil {
			*m = map[string]int{}
		}
		(*m)[awsmiddleware.GetOperationName(ctx)]++
	}
	err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("countOperations",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			count(&c.operations, ctx)
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
	if err != nil {
		return err
	}
	// After the retry middleware: inside its loop, once per attempt.
	return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("countAttempts",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			count(&c.attempts, ctx)
			return next.HandleFinalize(ctx, in)
		}), "Retry", middleware.After)
}

// Operations returns how many times the client called operation.
func (c *sdkCalls) Operations(operation string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.operations[operation]
}

// Attempts returns how many requests the client sent for operation,
// retries included.
func (c *sdkCalls) Attempts(operation string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.attempts[operation]
}
