package collect

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
)

// Usage is the window w's usage from a collection's answer, as the CLI and
// the desktop both read it: athena_usage's rows when Athena was asked for,
// lake_usage's when Lake was, else lookup_events' records read as
// delivered logs. home is the server's region, the one a region-less
// answer covers. The notes are to be shown among the audit's problems;
// progress, when set, follows the reading of LookupEvents' records.
func Usage(ctx context.Context, db *iamdb.DB, w unused.Window, res *Result, home string, progress func(done, total int)) (*audit.Usage, []string, error) {
	switch {
	case res.Athena != nil:
		u, notes := res.Athena.Usage(db, w, home)
		return u, notes, nil
	case res.Lake != nil:
		u, gap := res.Lake.Usage(db, w, home)
		var notes []string
		if gap != "" {
			notes = append(notes, gap)
		}
		return u, notes, nil
	}
	u, err := EventsUsage(ctx, cloudtrail.Options{DB: db, Start: w.Start, End: w.End, Progress: progress}, res.Snapshot.Account, home, res.Events)
	return u, nil, err
}

// EventsUsage is the usage lookup_events' answers give, a region each
// (home for the server's own), read by awsapi.LookupUsage: the part of a
// region's window an answer misses is a read failure.
func EventsUsage(ctx context.Context, opt cloudtrail.Options, account, home string, events []*Events) (*audit.Usage, error) {
	var regions []awsapi.RegionEvents
	for _, ev := range events {
		re := awsapi.RegionEvents{Region: cmp.Or(ev.Region, home), Log: ev.Log, Until: ev.Until}
		if ev.Failed {
			re.Gap = "LookupEvents did not read [" + ev.Start.Format(time.RFC3339) + ", " + ev.Until.Format(time.RFC3339) + ") (see the problems)"
		}
		regions = append(regions, re)
	}
	return awsapi.LookupUsage(ctx, opt, account, regions)
}

// Usage is the window's usage from athena_usage's answer, decoded as the
// runner decodes it, with the notes to show among the problems. Of the
// rows, those of the accounts asked about are kept: the principals' (the
// account column) and their log folders' (coverage), so that a query over
// several accounts splits per account. A failed call or a malformed answer
// makes every day of the window, in each account and region asked about,
// a read failure (a note says why), so that nothing is called unused
// there. A result read page by page because its file could not be read is
// complete, and noted.
func (a *Athena) Usage(db *iamdb.DB, w unused.Window, home string) (*audit.Usage, []string) {
	gap := "Athena did not answer (see the problems)"
	if !a.Failed {
		counts, cov, err := decodeRows(a.Rows.Usage, a.Rows.Coverage)
		if err == nil {
			counts = slices.DeleteFunc(counts, func(c cloudtrail.EventCount) bool {
				parts := strings.SplitN(c.Principal, ":", 6) // arn:PARTITION:iam::ACCOUNT:…
				return len(parts) < 6 || !slices.Contains(a.Args.Accounts, parts[4])
			})
			cov.Days = slices.DeleteFunc(cov.Days, func(d audit.CoverageDay) bool { return !slices.Contains(a.Args.Accounts, d.Account) })
			var notes []string
			for _, r := range []awsserver.AthenaRows{a.Rows.Usage, a.Rows.Coverage} {
				if r.Fallback != "" {
					notes = append(notes, fmt.Sprintf("athena_usage: query %s read page by page (%s): its result file could not be read: %s", r.QueryID, r.ReadFrom, r.Fallback))
				}
			}
			return athenasql.Usage(db, athenasql.Window{Start: w.Start, End: w.End}, counts, cov), notes
		}
		gap = fmt.Sprintf("athena_usage: malformed answer (queries %s, %s): %v", a.Rows.Usage.QueryID, a.Rows.Coverage.QueryID, err)
	}
	u := failedUsage(db, w, a.Args.Accounts, a.Args.Regions, home, "athena "+a.Args.Database+"."+a.Args.Table, gap)
	if !a.Failed {
		return u, []string{gap}
	}
	return u, nil
}

// Usage is the window's usage from lake_usage's answer, decoded with
// athenasql's decoders (the queries return its columns). A failed call or
// a malformed answer makes every day of the window, in each account and
// region asked about, a read failure (the returned gap says why), so that
// nothing is called unused there.
func (l *Lake) Usage(db *iamdb.DB, w unused.Window, home string) (*audit.Usage, string) {
	gap := "CloudTrail Lake did not answer (see the problems)"
	if !l.Failed {
		counts, cov, err := decodeRows(l.Rows.Usage, l.Rows.Coverage)
		if err == nil {
			return athenasql.Usage(db, athenasql.Window{Start: w.Start, End: w.End}, counts, cov), ""
		}
		gap = fmt.Sprintf("lake_usage: malformed answer (queries %s, %s): %v", l.Rows.Usage.QueryID, l.Rows.Coverage.QueryID, err)
	}
	u := failedUsage(db, w, l.Args.Accounts, l.Args.Regions, home, "cloudtrail lake "+l.Args.EventDataStore, gap)
	if !l.Failed {
		return u, gap
	}
	return u, ""
}

// decodeRows decodes the rows of the aggregate query (usage) and of the
// coverage query, both in athenasql's columns; the error is the first
// query's whose rows are malformed.
func decodeRows(usage, coverage awsserver.AthenaRows) ([]cloudtrail.EventCount, audit.Coverage, error) {
	counts, err := athenasql.Decode(usage.Columns, usage.Rows)
	if err != nil {
		return nil, audit.Coverage{}, err
	}
	cov, err := athenasql.DecodeCoverage(coverage.Columns, coverage.Rows)
	return counts, cov, err
}

// failedUsage is the usage of a query source that gave no rows: every day
// of w, in each account and region asked about (home when none was), a
// read failure of source for the reason gap.
func failedUsage(db *iamdb.DB, w unused.Window, accounts, regions []string, home, source, gap string) *audit.Usage {
	if len(regions) == 0 {
		regions = []string{home}
	}
	u := athenasql.Usage(db, athenasql.Window{Start: w.Start, End: w.End}, nil, audit.Coverage{})
	u.Coverage, u.Failures = FailedWindow(w, accounts, regions, source, gap)
	return u
}

// FailedWindow is a source's coverage and failures when it could not be
// read at all: every day of w, in each account and region, a read failure
// of source for the reason gap.
func FailedWindow(w unused.Window, accounts, regions []string, source, gap string) (audit.Coverage, []audit.SourceFailure) {
	var cov audit.Coverage
	var failures []audit.SourceFailure
	first, last := w.Start.UTC().Truncate(24*time.Hour), w.End.UTC().Add(-time.Nanosecond).Truncate(24*time.Hour)
	for _, account := range accounts {
		for _, region := range regions {
			for day := first; !day.After(last); day = day.AddDate(0, 0, 1) {
				cov.Days = append(cov.Days, audit.CoverageDay{Account: account, Region: region, Day: audit.DayOf(day), Failed: 1})
				failures = append(failures, audit.SourceFailure{Source: source, Account: account, Region: region, Day: audit.DayOf(day), Offset: -1, Err: gap})
			}
		}
	}
	return cov, failures
}
