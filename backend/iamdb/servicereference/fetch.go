package servicereference

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// DefaultIndexURL is AWS's service reference index.
const DefaultIndexURL = "https://servicereference.us-east-1.amazonaws.com/"

// Defaults for Client fields left zero.
const (
	defaultConcurrency  = 8
	defaultMaxBytes     = 16 << 20 // the largest service file (ec2) is about 1 MB
	defaultIndexMaxSize = 4 << 20
	defaultTimeout      = 30 * time.Second
)

// Entry is one row of the index.
type Entry struct {
	Service  string `json:"service"`
	URL      string `json:"url"`
	Modified string `json:"modified,omitempty"`
}

// Client fetches the service reference. The zero value is ready to use
// against AWS.
type Client struct {
	// HTTP is the client used for every request (its transport and
	// timeout); nil means one with a 30 s timeout. Redirects are always
	// re-checked against the URL rules.
	HTTP *http.Client
	// IndexURL overrides DefaultIndexURL (tests).
	IndexURL string
	// AllowHost says which hosts may be contacted; nil allows amazonaws.com
	// and its subdomains. Whatever it says, only https is ever used.
	AllowHost func(host string) bool
	// Concurrency bounds parallel service downloads (default 8).
	Concurrency int
	// MaxBytes caps each service response (default 16 MiB).
	MaxBytes int64
	// Now is the clock recorded in the provenance (default time.Now).
	Now func() time.Time
}

// ErrRefused is wrapped by the errors for URLs the client will not fetch.
var ErrRefused = errors.New("refused URL")

func isAWSHost(host string) bool {
	return host == "amazonaws.com" || strings.HasSuffix(host, ".amazonaws.com")
}

// checkURL accepts only absolute https URLs on an allowed host, without
// user info.
func (c *Client) checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", ErrRefused, raw, err)
	}
	allow := c.AllowHost
	if allow == nil {
		allow = isAWSHost
	}
	switch {
	case u.Scheme != "https":
		return nil, fmt.Errorf("%w %q: not https", ErrRefused, raw)
	case u.User != nil:
		return nil, fmt.Errorf("%w %q: carries user info", ErrRefused, raw)
	case !allow(strings.ToLower(u.Hostname())):
		return nil, fmt.Errorf("%w %q: host %q is not on amazonaws.com", ErrRefused, raw, u.Hostname())
	}
	return u, nil
}

// httpClient returns the HTTP client to use, with redirects re-checked
// against the URL rules whatever client was supplied.
func (c *Client) httpClient() *http.Client {
	hc := http.Client{Timeout: defaultTimeout}
	if c.HTTP != nil {
		hc = *c.HTTP
	}
	hc.CheckRedirect = c.checkRedirect
	return &hc
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("too many redirects")
	}
	_, err := c.checkURL(req.URL.String())
	return err
}

// get fetches an allowed URL and returns at most limit bytes of a 200 body.
func (c *Client) get(ctx context.Context, raw string, limit int64) ([]byte, error) {
	u, err := c.checkURL(raw)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", raw, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: HTTP %s", raw, resp.Status)
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("fetching %s: response of %d bytes exceeds the %d-byte limit", raw, resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", raw, err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("fetching %s: response exceeds the %d-byte limit", raw, limit)
	}
	return body, nil
}

// ParseIndex reads the index: a JSON array of {"service", "url"} objects.
// Every URL must pass the client's URL rules; prefixes must be unique.
func (c *Client) ParseIndex(data []byte) ([]Entry, error) {
	var entries []Entry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("invalid service reference index: %w", err)
	}
	seen := map[string]bool{}
	for i, e := range entries {
		if !validPrefix(e.Service) {
			return nil, fmt.Errorf("service reference index entry %d: service %q is not an IAM prefix", i, e.Service)
		}
		if seen[e.Service] {
			return nil, fmt.Errorf("service reference index entry %d: duplicate service %q", i, e.Service)
		}
		seen[e.Service] = true
		if _, err := c.checkURL(e.URL); err != nil {
			return nil, fmt.Errorf("service reference index entry %d (%s): %w", i, e.Service, err)
		}
	}
	return entries, nil
}

// Fetch downloads the index and every service it lists and returns them as
// an iamdb database to lay over the embedded one (iamdb.Overlay). It fails
// as a whole if any service fails: a partial update is never returned.
func (c *Client) Fetch(ctx context.Context) (*iamdb.DB, error) {
	indexURL := c.IndexURL
	if indexURL == "" {
		indexURL = DefaultIndexURL
	}
	body, err := c.get(ctx, indexURL, defaultIndexMaxSize)
	if err != nil {
		return nil, err
	}
	entries, err := c.ParseIndex(body)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	services := make([]*iamdb.Service, len(entries))
	errs := make([]error, len(entries))
	limit := c.MaxBytes
	if limit <= 0 {
		limit = defaultMaxBytes
	}
	workers := c.Concurrency
	if workers <= 0 {
		workers = defaultConcurrency
	}
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, e := range entries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			services[i], errs[i] = c.fetchService(ctx, e, limit)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// Report the failure that cancelled the others, not the cancellations.
	var cancelled error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled):
			cancelled = err
		default:
			return nil, err
		}
	}
	if cancelled != nil {
		return nil, fmt.Errorf("fetching the service reference: %w", cancelled)
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	return iamdb.New(iamdb.Data{
		Provenance: iamdb.Provenance{Source: "servicereference", UpdatedAt: now().UTC().Format(time.RFC3339), IndexURL: indexURL},
		Services:   services,
	})
}

func (c *Client) fetchService(ctx context.Context, e Entry, limit int64) (*iamdb.Service, error) {
	body, err := c.get(ctx, e.URL, limit)
	if err != nil {
		return nil, err
	}
	s, err := Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.URL, err)
	}
	if s.Prefix != e.Service {
		return nil, fmt.Errorf("%s: document is for service %q, the index says %q", e.URL, s.Prefix, e.Service)
	}
	return s, nil
}

// Gates are the sanity checks an update must pass before it is stored.
type Gates struct {
	MinServices        int     // fewer services than this means a broken index
	MaxRemovedFraction float64 // at most this share of the base's actions may disappear
}

// DefaultGates suit AWS's data (456 services in the embedded snapshot):
// at least 400 services, at most 5% of the actions removed.
func DefaultGates() Gates { return Gates{MinServices: 400, MaxRemovedFraction: 0.05} }

// ErrGate is wrapped by the errors of a failed sanity gate.
var ErrGate = errors.New("update refused by sanity gate")

// Check compares the merged result of an update with the base it replaces.
func (g Gates) Check(base, merged *iamdb.DB) (iamdb.Change, error) {
	c := iamdb.Diff(base, merged)
	if c.Services < g.MinServices {
		return c, fmt.Errorf("%w: %d services, want at least %d", ErrGate, c.Services, g.MinServices)
	}
	if total := len(base.Actions()); total > 0 && float64(len(c.RemovedActions)) > g.MaxRemovedFraction*float64(total) {
		return c, fmt.Errorf("%w: %d of %d actions would disappear (limit %.0f%%)", ErrGate, len(c.RemovedActions), total, g.MaxRemovedFraction*100)
	}
	return c, nil
}
