package collect

import (
	"context"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
)

// PhaseLake runs the usage and coverage queries on a CloudTrail Lake
// event data store, when asked instead of LookupEvents.
const PhaseLake = "lake"

// Lake is what lake_usage returned.
type Lake struct {
	// Args are the arguments it was called with: the window, accounts
	// and regions the rows cover.
	Args awsserver.LakeArgs
	// Rows are its answer; empty when Failed.
	Rows awsserver.LakeUsage
	// Failed says the queries did not run to the end (the gap says why):
	// the whole window is unknown in Args' accounts and regions.
	Failed bool
}

// lake calls lake_usage for the window, in the audited account and the
// collection's regions unless the arguments name others.
func (k *collector) lake(ctx context.Context, account string) {
	k.progress(PhaseLake, 0, 1)
	a := *k.opts.Lake
	a.Start, a.End, a.Accounts, a.Regions = k.scope(account, a.Accounts, a.Regions)
	out := &Lake{Args: a}
	target := a.EventDataStore + " " + strings.Join(a.Accounts, ",") + " " + strings.Join(a.Regions, ",") + " " +
		a.Start.Format(time.RFC3339) + "/" + a.End.Format(time.RFC3339)
	args := map[string]any{"eventDataStore": a.EventDataStore, "start": a.Start.Format(time.RFC3339Nano), "end": a.End.Format(time.RFC3339Nano)}
	if len(a.Accounts) > 0 {
		args["accounts"] = a.Accounts
	}
	if len(a.Regions) > 0 {
		args["regions"] = a.Regions
	}
	out.Failed = !k.call(ctx, awsserver.ToolLakeUsage, target, args, &out.Rows)
	if out.Failed {
		out.Rows = awsserver.LakeUsage{}
	}
	k.res.Lake = out
	k.progress(PhaseLake, 1, 1)
}
