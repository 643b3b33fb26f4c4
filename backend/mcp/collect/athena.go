package collect

import (
	"context"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client"

	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
)

// PhaseAthena runs the usage and coverage queries in Athena, when asked
// instead of LookupEvents.
const PhaseAthena = "athena"

// Athena is what athena_usage returned.
type Athena struct {
	// Args are the arguments it was called with: the window, accounts
	// and regions the rows cover.
	Args awsserver.AthenaArgs
	// Rows are its answer; empty when Failed.
	Rows awsserver.AthenaUsage
	// Failed says the queries did not run to the end (the gap says why):
	// the whole window is unknown in Args' accounts and regions.
	Failed bool
}

// athena calls athena_usage for the window, in the audited account and
// the collection's regions unless the arguments name others.
func (k *collector) athena(ctx context.Context, account string) {
	k.progress(PhaseAthena, 0, 1)
	a := *k.opts.Athena
	a.Start, a.End, a.Accounts, a.Regions = k.scope(account, a.Accounts, a.Regions)
	out := &Athena{Args: a}
	target := strings.Join(a.Accounts, ",") + " " + strings.Join(a.Regions, ",") + " " + a.Start.Format(time.RFC3339) + "/" + a.End.Format(time.RFC3339)
	out.Failed = !k.call(ctx, awsserver.ToolAthenaUsage, target, map[string]any{
		"database": a.Database, "table": a.Table, "bucket": a.Bucket, "prefix": a.Prefix, "org": a.Org, "since": a.Since,
		"accounts": a.Accounts, "regions": a.Regions, "workgroup": a.Workgroup, "output": a.Output,
		"start": a.Start.Format(time.RFC3339Nano), "end": a.End.Format(time.RFC3339Nano),
	}, &out.Rows)
	if out.Failed {
		out.Rows = awsserver.AthenaUsage{}
	}
	k.res.Athena = out
	k.progress(PhaseAthena, 1, 1)
}

// scope is what a usage query (athena_usage, lake_usage) covers: the
// collection's window, and the accounts and regions asked for, else the
// audited account and the collection's regions.
func (k *collector) scope(account string, accounts, regions []string) (time.Time, time.Time, []string, []string) {
	if len(accounts) == 0 && account != "" {
		accounts = []string{account}
	}
	if len(regions) == 0 {
		regions = k.opts.Regions
	}
	return k.opts.EventsStart.UTC(), k.opts.EventsEnd.UTC(), accounts, regions
}

// AthenaUsage calls athena_usage once over c, a started client not yet
// initialized, with a (its window, accounts and regions set): one query
// for several accounts, an organization's, whose rows each account's
// audit then keeps its own of. A failed call is a gap, and Failed; an
// error is the session failing or the context ending.
func AthenaUsage(ctx context.Context, c *client.Client, a awsserver.AthenaArgs, progress func(Progress)) (*Athena, []Gap, error) {
	k := &collector{c: c, opts: Options{Athena: &a, EventsStart: a.Start, EventsEnd: a.End, Regions: a.Regions, Progress: progress},
		tools: map[string]bool{}, res: &Result{}, started: map[string]time.Time{}}
	if _, err := k.connect(ctx); err != nil {
		return nil, nil, err
	}
	k.athena(ctx, "")
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return k.res.Athena, k.res.Gaps, nil
}
