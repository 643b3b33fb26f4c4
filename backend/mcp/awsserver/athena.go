package awsserver

import (
	"context"
	"fmt"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ToolAthenaUsage runs Aegis's usage and coverage queries in Athena.
const ToolAthenaUsage = "athena_usage"

// AthenaArgs are athena_usage's arguments: the table of aegis audit
// athena-setup, where to run the queries, and what to count.
type AthenaArgs struct {
	Database  string    `json:"database" jsonschema:"the Glue database holding the table"`
	Table     string    `json:"table" jsonschema:"the CloudTrail table made by aegis audit athena-setup"`
	Bucket    string    `json:"bucket" jsonschema:"the S3 bucket of the trail's logs, as in the table's DDL"`
	Prefix    string    `json:"prefix,omitempty" jsonschema:"the trail's S3 key prefix, as in the table's DDL"`
	Org       string    `json:"org,omitempty" jsonschema:"the organization ID (o-…) of an organization trail, as in the table's DDL"`
	Since     string    `json:"since" jsonschema:"the first day of the table's date projection, YYYY-MM-DD"`
	Accounts  []string  `json:"accounts" jsonschema:"the account IDs whose events to count"`
	Regions   []string  `json:"regions" jsonschema:"the regions whose events to count (the table must project them)"`
	Workgroup string    `json:"workgroup" jsonschema:"the Athena workgroup to run the queries in"`
	Output    string    `json:"output,omitempty" jsonschema:"the S3 location of query results, s3://bucket/prefix/ (default: the workgroup's)"`
	Start     time.Time `json:"start" jsonschema:"start of the window, RFC 3339"`
	End       time.Time `json:"end" jsonschema:"end of the window (excluded), RFC 3339"`
}

// AthenaRows is one query's result as Athena returns it.
type AthenaRows struct {
	QueryID string      `json:"queryId" jsonschema:"the Athena query execution ID"`
	Columns []string    `json:"columns" jsonschema:"the result's column names"`
	Rows    [][]*string `json:"rows" jsonschema:"the data rows, each cell text or null"`
	Scanned int64       `json:"scanned" jsonschema:"bytes scanned, what Athena bills"`
	// ReadFrom and Fallback: see awsapi.AthenaResult.
	ReadFrom string `json:"readFrom,omitempty" jsonschema:"where the rows were read: the query's result file (s3://…csv) or GetQueryResults"`
	Fallback string `json:"fallback,omitempty" jsonschema:"why the result file could not be read when the rows were read page by page instead"`
}

// AthenaUsage is athena_usage's answer.
type AthenaUsage struct {
	Usage    AthenaRows `json:"usage" jsonschema:"the aggregate query: one row per (account, principal, event, outcome) with its count, first and last time"`
	Coverage AthenaRows `json:"coverage" jsonschema:"the coverage query: per account, region and day folder, the log files and records seen; a day without a row had no logs"`
}

// query is the Athena query the arguments describe.
func (a AthenaArgs) query() (awsapi.AthenaQuery, error) {
	since, err := time.Parse(time.DateOnly, a.Since)
	if err != nil {
		return awsapi.AthenaQuery{}, fmt.Errorf("since %q: want YYYY-MM-DD", a.Since)
	}
	return awsapi.AthenaQuery{Database: a.Database, Table: a.Table, Bucket: a.Bucket, Prefix: a.Prefix, Org: a.Org, Since: since,
		Accounts: a.Accounts, Regions: a.Regions, Start: a.Start, End: a.End}, nil
}

// rows is a runner's result as AthenaRows.
func rows(r *awsapi.AthenaResult) AthenaRows {
	return AthenaRows{QueryID: r.QueryID, Columns: r.Columns, Rows: r.Rows, Scanned: r.Scanned, ReadFrom: r.ReadFrom, Fallback: r.Fallback}
}

// addAthena registers athena_usage, running queries with runner's.
func addAthena(s *server.MCPServer, runner func(workgroup, output string) *awsapi.AthenaRunner) {
	s.AddTool(readOnly(ToolAthenaUsage, "Usage for organizations and busy accounts: runs Aegis's aggregate and coverage queries over the CloudTrail table of `aegis audit athena-setup` "+
		"for [start, end) in the given accounts and regions, waits for them and returns their rows as Athena gives them (docs/live-audit.md, Athena set-up).",
		mcp.WithInputSchema[AthenaArgs](), mcp.WithOutputSchema[AthenaUsage]()),
		handle("athena:StartQueryExecution", func(ctx context.Context, a AthenaArgs) (any, error) {
			q, err := a.query()
			if err != nil {
				return nil, err
			}
			usage, coverage, err := runner(a.Workgroup, a.Output).UsageRows(ctx, q)
			if err != nil {
				return nil, err
			}
			return AthenaUsage{Usage: rows(usage), Coverage: rows(coverage)}, nil
		}))
}
