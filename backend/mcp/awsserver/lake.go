package awsserver

import (
	"context"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ToolLakeUsage runs Aegis's usage and coverage queries on a CloudTrail
// Lake event data store.
const ToolLakeUsage = "lake_usage"

// LakeArgs are lake_usage's arguments: the store and what to count.
type LakeArgs struct {
	EventDataStore string    `json:"eventDataStore" jsonschema:"the CloudTrail Lake event data store's ID or ARN"`
	Accounts       []string  `json:"accounts,omitempty" jsonschema:"the recipient account IDs whose events to count (default: every account of the store)"`
	Regions        []string  `json:"regions,omitempty" jsonschema:"the regions whose events to count (default: every region of the store)"`
	Start          time.Time `json:"start" jsonschema:"start of the window, RFC 3339"`
	End            time.Time `json:"end" jsonschema:"end of the window (excluded), RFC 3339"`
}

// LakeUsage is lake_usage's answer: each query's result in the shape
// athena_usage gives (Scanned is what Lake bills), which athenasql's
// decoders read.
type LakeUsage struct {
	Usage    AthenaRows `json:"usage" jsonschema:"the aggregate query: one row per (account, principal, event, outcome) with its count, first and last time"`
	Coverage AthenaRows `json:"coverage" jsonschema:"the coverage query: per recipient account, region and day, the events the store holds; a day without a row had none"`
}

// addLake registers lake_usage, running queries with lake's runner.
func addLake(s *server.MCPServer, lake func() *awsapi.LakeRunner) {
	s.AddTool(readOnly(ToolLakeUsage, "Usage from a CloudTrail Lake event data store, for customers who have one (Lake is closed to new customers since 31 May 2026): "+
		"runs Aegis's aggregate and coverage queries on the store for [start, end) in the given accounts and regions, waits for them and returns their rows "+
		"(docs/live-audit.md, CloudTrail Lake).",
		mcp.WithInputSchema[LakeArgs](), mcp.WithOutputSchema[LakeUsage]()),
		handle("cloudtrail:StartQuery", func(ctx context.Context, a LakeArgs) (any, error) {
			usage, coverage, err := lake().UsageRows(ctx, awsapi.LakeQuery{EventDataStore: a.EventDataStore, Accounts: a.Accounts, Regions: a.Regions, Start: a.Start, End: a.End})
			if err != nil {
				return nil, err
			}
			return LakeUsage{Usage: lakeRows(usage), Coverage: lakeRows(coverage)}, nil
		}))
}

func lakeRows(r *awsapi.LakeResult) AthenaRows {
	return AthenaRows{QueryID: r.QueryID, Columns: r.Columns, Rows: r.Rows, Scanned: r.Scanned}
}
