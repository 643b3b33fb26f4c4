package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
)

// AthenaRunner runs statements in one Athena workgroup: starts each, waits
// for it with exponential backoff, and reads its result: the result file
// Athena wrote to S3, in one streamed GetObject, or, when s3:GetObject is
// refused, every 1,000-row page of GetQueryResults.
type AthenaRunner struct {
	client    *athena.Client
	results   *s3.Client // nil: pages only
	workgroup string
	output    string
	// firstPoll and maxPoll bound the wait between GetQueryExecution calls:
	// it doubles from firstPoll up to maxPoll.
	firstPoll, maxPoll time.Duration
}

// NewAthenaRunner returns a runner for cfg's account and region. output is
// the S3 location for results (s3://bucket/prefix/); empty uses the
// workgroup's. Result files are read with an S3 client for cfg; a custom
// S3 endpoint (AWS_ENDPOINT_URL_S3: a VPC endpoint, an S3-compatible
// store) is addressed path-style, since its host names no bucket. A file
// stored without a checksum (Athena writes none) is read without the
// SDK's log line saying so.
func NewAthenaRunner(cfg aws.Config, workgroup, output string, opts ...func(*athena.Options)) *AthenaRunner {
	results := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = o.BaseEndpoint != nil
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return &AthenaRunner{client: athena.NewFromConfig(cfg, opts...), results: results, workgroup: workgroup, output: output,
		firstPoll: 500 * time.Millisecond, maxPoll: 10 * time.Second}
}

// AthenaResult is a finished query's result.
type AthenaResult struct {
	QueryID string
	Columns []string
	Rows    [][]*string // data rows (the header row dropped); nil cells are NULL
	// Scanned is the bytes the query scanned, what Athena bills.
	Scanned int64
	// ReadFrom is where the rows were read: the result file's s3:// URL,
	// or ReadPages.
	ReadFrom string
	// Fallback says why the result file could not be read (s3:GetObject
	// refused) when the rows were read page by page instead.
	Fallback string
}

// ReadPages is AthenaResult.ReadFrom for rows read with GetQueryResults.
const ReadPages = "GetQueryResults"

// Run runs one statement in database and returns its result. A query that
// fails or is cancelled in Athena is an error naming its ID and Athena's
// reason. Cancelling ctx stops the query in Athena too.
func (r *AthenaRunner) Run(ctx context.Context, database, sql string) (*AthenaResult, error) {
	in := &athena.StartQueryExecutionInput{QueryString: aws.String(sql), WorkGroup: aws.String(r.workgroup),
		QueryExecutionContext: &types.QueryExecutionContext{Database: aws.String(database)}}
	if r.output != "" {
		in.ResultConfiguration = &types.ResultConfiguration{OutputLocation: aws.String(r.output)}
	}
	started, err := r.client.StartQueryExecution(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("athena StartQueryExecution: %w", err)
	}
	id := aws.ToString(started.QueryExecutionId)
	exec, err := r.wait(ctx, id)
	if err != nil {
		if ctx.Err() != nil {
			r.stop(ctx, id)
		}
		return nil, err
	}
	res := &AthenaResult{QueryID: id}
	if exec.Statistics != nil {
		res.Scanned = aws.ToInt64(exec.Statistics.DataScannedInBytes)
	}
	if exec.StatementType != types.StatementTypeDml {
		return res, nil // DDL: no rows to read
	}
	if err := r.read(ctx, exec, res); err != nil {
		return nil, err
	}
	return res, nil
}

// read reads a finished DML query's rows into res: from its result file
// when the runner has an S3 client and the query wrote one, else page by
// page. The file is always tried first: one request however large the
// result, where pages take one per 1,000 rows. When it cannot be read —
// S3 refuses it (s3:GetObject, or kms:Decrypt of an encrypted result, not
// granted), the bucket answers from elsewhere, the file is malformed or
// cannot tell NULL rows apart (one column) — the pages, which the same
// athena:GetQueryResults permission always gives, are read instead and
// the reason recorded in res.Fallback: the rows are complete either way,
// and the reason is shown rather than the usage lost.
func (r *AthenaRunner) read(ctx context.Context, exec *types.QueryExecution, res *AthenaResult) error {
	var loc string
	if exec.ResultConfiguration != nil {
		loc = aws.ToString(exec.ResultConfiguration.OutputLocation)
	}
	if r.results != nil && strings.HasSuffix(loc, ".csv") {
		err := r.readFile(ctx, loc, res)
		switch {
		case err == nil:
			res.ReadFrom = loc
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("athena query %s: result file %s: %w", res.QueryID, loc, ctx.Err())
		}
		res.Columns, res.Rows = nil, nil
		res.Fallback = Describe(err)
	}
	res.ReadFrom = ReadPages
	return r.readPages(ctx, res)
}

// readFile streams the result file at loc (s3://bucket/key) into res.
func (r *AthenaRunner) readFile(ctx context.Context, loc string, res *AthenaResult) error {
	bucket, key, err := s3Location(loc)
	if err != nil {
		return err
	}
	out, err := r.results.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("s3 GetObject: %w", err)
	}
	defer out.Body.Close()
	res.Columns, err = readAthenaCSV(out.Body, func(row []*string) error {
		res.Rows = append(res.Rows, row)
		return nil
	})
	return err
}

// readPages reads every page of GetQueryResults into res.
func (r *AthenaRunner) readPages(ctx context.Context, res *AthenaResult) error {
	id := res.QueryID
	pages := athena.NewGetQueryResultsPaginator(r.client, &athena.GetQueryResultsInput{QueryExecutionId: aws.String(id), MaxResults: aws.Int32(1000)})
	first := true
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("athena GetQueryResults %s: %w", id, err)
		}
		if page.ResultSet == nil {
			continue
		}
		rows := page.ResultSet.Rows
		if first {
			first = false
			if md := page.ResultSet.ResultSetMetadata; md != nil {
				for _, c := range md.ColumnInfo {
					res.Columns = append(res.Columns, aws.ToString(c.Name))
				}
			}
			if len(rows) > 0 && isHeader(rows[0], res.Columns) {
				rows = rows[1:]
			}
		}
		for _, row := range rows {
			cells := make([]*string, len(row.Data))
			for i, d := range row.Data {
				cells[i] = d.VarCharValue
			}
			res.Rows = append(res.Rows, cells)
		}
	}
	return nil
}

// isHeader reports whether row is the column names, which Athena returns
// as the first row of a SELECT's first page.
func isHeader(row types.Row, columns []string) bool {
	if len(row.Data) != len(columns) {
		return false
	}
	for i, d := range row.Data {
		if aws.ToString(d.VarCharValue) != columns[i] {
			return false
		}
	}
	return true
}

// wait polls GetQueryExecution, doubling the interval up to maxPoll, until
// the query ends.
func (r *AthenaRunner) wait(ctx context.Context, id string) (*types.QueryExecution, error) {
	var exec *types.QueryExecution
	err := pollDoubling(ctx, r.firstPoll, r.maxPoll, sleepContext, func(ctx context.Context) (bool, error) {
		out, err := r.client.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: aws.String(id)})
		if err != nil {
			return false, fmt.Errorf("athena GetQueryExecution %s: %w", id, err)
		}
		exec = out.QueryExecution
		if exec == nil || exec.Status == nil {
			return false, fmt.Errorf("athena GetQueryExecution %s: no status", id)
		}
		switch exec.Status.State {
		case types.QueryExecutionStateSucceeded, types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
			return true, nil
		}
		return false, nil
	})
	switch {
	case err != nil:
		return nil, err
	case exec.Status.State == types.QueryExecutionStateSucceeded:
		return exec, nil
	}
	reason := aws.ToString(exec.Status.StateChangeReason)
	if reason == "" {
		reason = "no reason given"
	}
	return nil, fmt.Errorf("athena query %s %s: %s", id, exec.Status.State, reason)
}

// stop asks Athena to stop a query whose caller gave up, so that it is not
// billed to the end; best effort, with its own short deadline.
func (r *AthenaRunner) stop(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	r.client.StopQueryExecution(ctx, &athena.StopQueryExecutionInput{QueryExecutionId: aws.String(id)})
}

// CreateTable runs t's DDL (CREATE EXTERNAL TABLE IF NOT EXISTS): the
// one-time set-up.
func (r *AthenaRunner) CreateTable(ctx context.Context, t athenasql.Table) error {
	ddl, err := t.DDL()
	if err != nil {
		return err
	}
	_, err = r.Run(ctx, t.Database, ddl)
	return err
}

// Usage runs the aggregate query over t for w and returns its rows as event
// counts for cloudtrail.FromEvents, with the query's result (ID, bytes
// scanned). A malformed row is an error, never skipped.
func (r *AthenaRunner) Usage(ctx context.Context, t athenasql.Table, w athenasql.Window) ([]cloudtrail.EventCount, *AthenaResult, error) {
	sql, err := t.Query(w, athenasql.Athena)
	if err != nil {
		return nil, nil, err
	}
	res, err := r.Run(ctx, t.Database, sql)
	if err != nil {
		return nil, nil, err
	}
	counts, err := athenasql.Decode(res.Columns, res.Rows)
	if err != nil {
		return nil, res, errors.Join(fmt.Errorf("athena query %s: malformed result", res.QueryID), err)
	}
	return counts, res, nil
}

// Coverage runs the coverage query over t for w: per account, region and
// day, the log files and records Athena saw. A day without a row had no
// logs, a gap. A malformed row is an error, never skipped.
func (r *AthenaRunner) Coverage(ctx context.Context, t athenasql.Table, w athenasql.Window) (audit.Coverage, *AthenaResult, error) {
	sql, err := t.CoverageQuery(w, athenasql.Athena)
	if err != nil {
		return audit.Coverage{}, nil, err
	}
	res, err := r.Run(ctx, t.Database, sql)
	if err != nil {
		return audit.Coverage{}, nil, err
	}
	cov, err := athenasql.DecodeCoverage(res.Columns, res.Rows)
	if err != nil {
		return audit.Coverage{}, res, errors.Join(fmt.Errorf("athena query %s: malformed result", res.QueryID), err)
	}
	return cov, res, nil
}

// AthenaQuery names a CloudTrail table (as athenasql.Table describes it)
// and what to count in it: the accounts and regions of [Start, End).
type AthenaQuery struct {
	Database, Table, Bucket, Prefix, Org string
	Since                                time.Time
	Accounts, Regions                    []string
	Start, End                           time.Time
}

// tableAndWindow is q's table (projecting q's regions, accounts injected)
// and window, each problem reported.
func (q AthenaQuery) tableAndWindow() (athenasql.Table, athenasql.Window, error) {
	t := athenasql.Table{Database: q.Database, Name: q.Table, Bucket: q.Bucket, Prefix: q.Prefix, Org: q.Org, Regions: q.Regions, Since: q.Since}
	w := athenasql.Window{Start: q.Start, End: q.End, Accounts: q.Accounts, Regions: q.Regions}
	_, err := t.CoverageQuery(w, athenasql.Athena)
	return t, w, err
}

// UsageRows runs q's aggregate query, then its coverage query, and returns
// both results undecoded (athenasql.Decode and DecodeCoverage read them).
func (r *AthenaRunner) UsageRows(ctx context.Context, q AthenaQuery) (usage, coverage *AthenaResult, err error) {
	t, w, err := q.tableAndWindow()
	if err != nil {
		return nil, nil, err
	}
	sql, err := t.Query(w, athenasql.Athena)
	if err != nil {
		return nil, nil, err
	}
	if usage, err = r.Run(ctx, t.Database, sql); err != nil {
		return nil, nil, err
	}
	if sql, err = t.CoverageQuery(w, athenasql.Athena); err != nil {
		return nil, nil, err
	}
	if coverage, err = r.Run(ctx, t.Database, sql); err != nil {
		return nil, nil, err
	}
	return usage, coverage, nil
}
