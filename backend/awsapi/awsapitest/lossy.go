package awsapitest

import (
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"syscall"
)

// LossyClient is an HTTP client (aws.HTTPClient) that loses the response
// to the first request of each operation it was given: the request
// reaches the endpoint, and the client sees the connection reset, as on a
// loaded machine. An SDK retries the call with the same invocation ID,
// which the fakes recognise (see perCall). An operation is a JSON
// protocol's X-Amz-Target suffix (LookupEvents) or, for REST protocols,
// the last segment of the URL path (converse).
type LossyClient struct {
	mu   sync.Mutex
	lose map[string]bool // operation → its next response is lost
}

// NewLossyClient returns a LossyClient for operations.
func NewLossyClient(operations ...string) *LossyClient {
	c := &LossyClient{lose: map[string]bool{}}
	for _, op := range operations {
		c.lose[op] = true
	}
	return c
}

// Do sends r and loses its response if it is the first of its operation.
func (c *LossyClient) Do(r *http.Request) (*http.Response, error) {
	op := path.Base(r.URL.Path)
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		op = target[strings.LastIndexByte(target, '.')+1:]
	}
	resp, err := http.DefaultClient.Do(r)
	c.mu.Lock()
	lose := c.lose[op]
	c.lose[op] = false
	c.mu.Unlock()
	if err != nil || !lose {
		return resp, err
	}
	resp.Body.Close()
	return nil, fmt.Errorf("read response of %s: %w", op, syscall.ECONNRESET)
}
