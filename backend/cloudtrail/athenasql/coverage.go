package athenasql

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/cloudtrail/eventsql"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// Usage assembles a window's usage from the two queries' decoded results
// as cloudtrail.Read returns it for the same files: rows and unmapped
// events mapped by cloudtrail.FromEvents, and the coverage. Excluded
// counts and per-file failures stay empty: Athena reports neither.
func Usage(db *iamdb.DB, w Window, counts []cloudtrail.EventCount, cov audit.Coverage) *audit.Usage {
	u := cloudtrail.FromEvents(db, counts)
	u.Start, u.End = w.Start.UTC(), w.End.UTC()
	u.Coverage = cov
	return u
}

// CoverageColumns are the coverage query's result columns, in order.
var CoverageColumns = []string{"account", "region", "day", "files", "events", "data_events"}

// CoverageQuery returns the query that counts, per account, region and
// delivery day of w's folders, the log files ("$path", which the DuckDB
// view also provides), the records (duplicates and events outside the
// window included) and the data events among them: what cloudtrail.Read
// records as coverage for the files it reads whole. A folder without a
// row had no logs: a gap. Unlike the local reader, Athena sees no file
// without records, and a file it cannot parse fails the query rather than
// one day.
func (t Table) CoverageQuery(w Window, d Dialect) (string, error) {
	if err := t.checkWindow(w); err != nil {
		return "", err
	}
	return fmt.Sprintf(`-- Aegis IAM log coverage for %s..%s (see backend/cloudtrail/athenasql).
SELECT
  %s AS account,
  %s AS region,
  %s AS day,
  count(DISTINCT "$path") AS files,
  count(*) AS events,
  sum(CASE WHEN %s THEN 1 ELSE 0 END) AS data_events
FROM %s
WHERE %s
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`, w.Start.UTC().Format(time.RFC3339), w.End.UTC().Format(time.RFC3339),
		colAccount, colRegion, colDay, eventsql.DataEvent, t.ref(), partitions(w, "  ")), nil
}

// DecodeCoverage reads the coverage query's result into audit coverage,
// sorted as cloudtrail.Read sorts it. Every problem is reported with its
// row number (1-based, counting data rows).
func DecodeCoverage(columns []string, rows [][]*string) (audit.Coverage, error) {
	if !slices.Equal(columns, CoverageColumns) {
		return audit.Coverage{}, fmt.Errorf("result columns %v, want %v", columns, CoverageColumns)
	}
	var c audit.Coverage
	var errs []error
	for i, r := range rows {
		d, err := decodeCoverageRow(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("row %d: %w", i+1, err))
			continue
		}
		c.Days = append(c.Days, d)
	}
	slices.SortFunc(c.Days, func(a, b audit.CoverageDay) int {
		if a.Account != b.Account {
			return strings.Compare(a.Account, b.Account)
		}
		if a.Region != b.Region {
			return strings.Compare(a.Region, b.Region)
		}
		return strings.Compare(a.Day, b.Day)
	})
	return c, errors.Join(errs...)
}

func decodeCoverageRow(r []*string) (audit.CoverageDay, error) {
	var d audit.CoverageDay
	if len(r) != len(CoverageColumns) {
		return d, fmt.Errorf("%d cells, want %d", len(r), len(CoverageColumns))
	}
	for i, c := range r {
		if c == nil {
			return d, fmt.Errorf("%s is NULL", CoverageColumns[i])
		}
	}
	d.Account, d.Region = *r[0], *r[1]
	if !eventsql.ValidAccount(d.Account) || !eventsql.ValidRegion(d.Region) {
		return d, fmt.Errorf("account %q, region %q", d.Account, d.Region)
	}
	day, err := time.Parse(dayFormat, *r[2])
	if err != nil {
		return d, fmt.Errorf("day %q: %w", *r[2], err)
	}
	d.Day = audit.DayOf(day)
	files, err1 := strconv.Atoi(*r[3])
	events, err2 := strconv.ParseInt(*r[4], 10, 64)
	data, err3 := strconv.ParseInt(*r[5], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || files <= 0 || events <= 0 || data < 0 || data > events {
		return d, fmt.Errorf("counts files %q, events %q, data_events %q", *r[3], *r[4], *r[5])
	}
	d.Files, d.Events, d.DataEvents = files, events, data
	return d, nil
}
