package awsapi

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
	"github.com/aegis-iam/aegis/backend/cloudtrail/lakesql"
)

// LakeRunner runs queries on CloudTrail Lake event data stores (closed to
// new customers since 31 May 2026; see lakesql): starts each with
// StartQuery, polls DescribeQuery with exponential backoff, and reads
// every page of GetQueryResults. A query that fails, is cancelled or
// times out in Lake is an error naming its ID and Lake's reason; a caller
// that gives up (ctx ended, or the runner's own deadline) cancels the
// query in Lake, so that it is not billed to the end.
type LakeRunner struct {
	cfg  aws.Config
	opts []func(*cloudtrail.Options)
	// firstPoll and maxPoll bound the wait between DescribeQuery calls: it
	// doubles from firstPoll up to maxPoll, so a short query is read soon
	// and a long one costs few calls.
	firstPoll, maxPoll time.Duration
	// maxWait bounds how long one query may stay queued or running.
	maxWait time.Duration
	// pageSize is GetQueryResults' MaxQueryResults (at most 1,000).
	pageSize int32
}

// NewLakeRunner returns a runner with cfg's credentials. A store named by
// its ARN is queried in its home region, one named by its ID in cfg's.
func NewLakeRunner(cfg aws.Config, opts ...func(*cloudtrail.Options)) *LakeRunner {
	return &LakeRunner{cfg: cfg, opts: opts, firstPoll: 500 * time.Millisecond, maxPoll: 10 * time.Second, maxWait: time.Hour, pageSize: 1000}
}

// Lake is a CloudTrail Lake runner with the session's credentials.
func (s Session) Lake() *LakeRunner { return NewLakeRunner(s.cfg) }

// client is a CloudTrail client in the store's home region, when known.
func (r *LakeRunner) client(store lakesql.Store) *cloudtrail.Client {
	return cloudtrail.NewFromConfig(r.cfg, append(slices.Clip(r.opts), func(o *cloudtrail.Options) {
		if store.Region != "" {
			o.Region = store.Region
		}
	})...)
}

// LakeResult is a finished query's result, as athenasql's decoders read
// it.
type LakeResult struct {
	QueryID string
	Columns []string
	Rows    [][]*string // nil cells are NULL (a column a row lacks)
	// Scanned is the bytes the query scanned, what Lake bills.
	Scanned int64
}

// run runs one SELECT with c and returns its result with the given
// columns, the query's own in order: Lake returns each row as
// column→value pairs and no column list, so an empty result still has
// its columns. A row naming a column not asked for is an error.
func (r *LakeRunner) run(ctx context.Context, c *cloudtrail.Client, sql string, columns []string) (*LakeResult, error) {
	started, err := c.StartQuery(ctx, &cloudtrail.StartQueryInput{QueryStatement: aws.String(sql)})
	if err != nil {
		return nil, fmt.Errorf("cloudtrail StartQuery: %w", err)
	}
	id := aws.ToString(started.QueryId)
	res := &LakeResult{QueryID: id, Columns: columns}
	if err := r.wait(ctx, c, id); err != nil {
		return nil, err
	}
	index := make(map[string]int, len(columns))
	for i, col := range columns {
		index[col] = i
	}
	pages := cloudtrail.NewGetQueryResultsPaginator(c, &cloudtrail.GetQueryResultsInput{QueryId: aws.String(id), MaxQueryResults: aws.Int32(r.pageSize)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cloudtrail GetQueryResults %s: %w", id, err)
		}
		if page.QueryStatistics != nil {
			res.Scanned = max(res.Scanned, aws.ToInt64(page.QueryStatistics.BytesScanned))
		}
		for _, row := range page.QueryResultRows {
			cells := make([]*string, len(columns))
			for _, pair := range row {
				for col, v := range pair {
					i, ok := index[col]
					if !ok {
						return nil, fmt.Errorf("cloudtrail query %s: row %d: column %q, want %v", id, len(res.Rows)+1, col, columns)
					}
					cells[i] = aws.String(v)
				}
			}
			res.Rows = append(res.Rows, cells)
		}
	}
	return res, nil
}

// wait polls DescribeQuery, doubling the interval up to maxPoll, until
// the query ends; past maxWait, or when ctx ends, it cancels the query.
func (r *LakeRunner) wait(ctx context.Context, c *cloudtrail.Client, id string) error {
	waitCtx, cancel := context.WithTimeout(ctx, r.maxWait)
	defer cancel()
	var out *cloudtrail.DescribeQueryOutput
	err := pollDoubling(waitCtx, r.firstPoll, r.maxPoll, sleepContext, func(waitCtx context.Context) (bool, error) {
		var err error
		out, err = c.DescribeQuery(waitCtx, &cloudtrail.DescribeQueryInput{QueryId: aws.String(id)})
		if err != nil {
			return false, fmt.Errorf("cloudtrail DescribeQuery %s: %w", id, err)
		}
		return out.QueryStatus != types.QueryStatusQueued && out.QueryStatus != types.QueryStatusRunning, nil
	})
	if err != nil {
		if waitCtx.Err() != nil {
			r.cancel(ctx, c, id)
			if ctx.Err() != nil {
				return fmt.Errorf("cloudtrail query %s cancelled: %w", id, ctx.Err())
			}
			return fmt.Errorf("cloudtrail query %s still running after %s, cancelled: %w", id, r.maxWait, context.DeadlineExceeded)
		}
		return err
	}
	switch out.QueryStatus {
	case types.QueryStatusFinished:
		return nil
	case types.QueryStatusFailed, types.QueryStatusCancelled, types.QueryStatusTimedOut:
		reason := aws.ToString(out.ErrorMessage)
		if reason == "" {
			reason = "no reason given"
		}
		err := fmt.Errorf("cloudtrail query %s %s: %s", id, out.QueryStatus, reason)
		if out.QueryStatus == types.QueryStatusTimedOut {
			err = fmt.Errorf("%w (%w)", err, context.DeadlineExceeded)
		}
		return err
	}
	return fmt.Errorf("cloudtrail DescribeQuery %s: status %q", id, out.QueryStatus)
}

// cancel asks Lake to stop a query whose caller gave up; best effort,
// with its own short deadline.
func (r *LakeRunner) cancel(ctx context.Context, c *cloudtrail.Client, id string) {
	ctx, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer stop()
	c.CancelQuery(ctx, &cloudtrail.CancelQueryInput{QueryId: aws.String(id)})
}

// LakeQuery names an event data store (its ID or ARN: an ARN names its
// home region, where it is queried) and what to count in it: the
// recipient accounts and regions of [Start, End).
type LakeQuery struct {
	EventDataStore    string
	Accounts, Regions []string
	Start, End        time.Time
}

// UsageRows runs q's aggregate query, then its coverage query, and returns
// both results undecoded (athenasql.Decode and DecodeCoverage read them).
func (r *LakeRunner) UsageRows(ctx context.Context, q LakeQuery) (usage, coverage *LakeResult, err error) {
	store, err := lakesql.ParseStore(q.EventDataStore)
	if err != nil {
		return nil, nil, err
	}
	w := athenasql.Window{Start: q.Start, End: q.End, Accounts: q.Accounts, Regions: q.Regions}
	sql, err := lakesql.Query(store, w, lakesql.Lake)
	if err != nil {
		return nil, nil, err
	}
	cover, _ := lakesql.CoverageQuery(store, w, lakesql.Lake)
	c := r.client(store)
	if usage, err = r.run(ctx, c, sql, append(slices.Clip(athenasql.Columns), athenasql.ResourceSetsColumn)); err != nil {
		return nil, nil, err
	}
	if coverage, err = r.run(ctx, c, cover, athenasql.CoverageColumns); err != nil {
		return nil, nil, err
	}
	return usage, coverage, nil
}

// LakeStore is an event data store as ListEventDataStores describes it.
type LakeStore struct {
	ARN, Name, Status         string
	MultiRegion, Organization bool
	RetentionDays             int
}

// Stores lists the event data stores of the runner's account and region,
// every page: how a user finds the store to query.
func (r *LakeRunner) Stores(ctx context.Context) ([]LakeStore, error) {
	var out []LakeStore
	pages := cloudtrail.NewListEventDataStoresPaginator(r.client(lakesql.Store{}), &cloudtrail.ListEventDataStoresInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("cloudtrail ListEventDataStores: %w", err)
		}
		for _, s := range page.EventDataStores {
			out = append(out, LakeStore{ARN: aws.ToString(s.EventDataStoreArn), Name: aws.ToString(s.Name), Status: string(s.Status),
				MultiRegion: aws.ToBool(s.MultiRegionEnabled), Organization: aws.ToBool(s.OrganizationEnabled),
				RetentionDays: int(aws.ToInt32(s.RetentionPeriod))})
		}
	}
	return out, nil
}
