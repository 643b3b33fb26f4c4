// Package lakesql writes the SQL that pushes CloudTrail usage aggregation
// down to CloudTrail Lake, for customers who already have an event data
// store: CloudTrail Lake is closed to new customers since 31 May 2026
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-lake-service-availability-change.html);
// Athena over the trail's bucket (athenasql) is the main push-down path.
//
// Lake queries are Trino SELECT statements over one event data store,
// named in FROM by its ID, with eventTime a timestamp
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/query-limitations.html,
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/query-supported-event-schemas.html).
// The queries here are single SELECTs, starting with SELECT (no comment),
// without sub-queries or WITH, which older Lake documentation disallowed,
// and bound eventTime, since an unbounded query scans (and bills) the
// whole store.
//
// They return exactly the result shape of athenasql's queries (its
// Columns with ResourceSetsColumn, and CoverageColumns, times as
// CloudTrail's text), so athenasql.Decode, DecodeCoverage and Usage read
// them, and the rows are those backend/cloudtrail counts, their resources
// included: the record rules come from eventsql and the mapping of events
// to IAM actions stays in Go (cloudtrail.FromEvents).
// It does no I/O: backend/awsapi runs the statements.
package lakesql

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
	"github.com/aegis-iam/aegis/backend/cloudtrail/eventsql"
)

// Dialect is the SQL engine a query is written for: CloudTrail Lake, or
// DuckDB, which runs the same query over local log files for testing.
// They differ in the regular-expression test, the time formatting
// function and the quoting of the store's ID.
type Dialect uint8

// Dialects, valued as their engines in eventsql (Lake is Trino), so that
// sql is a conversion.
const (
	Lake   = Dialect(eventsql.Trino)
	DuckDB = Dialect(eventsql.DuckDB)
)

// sql is the engine of eventsql's texts.
func (d Dialect) sql() eventsql.Dialect { return eventsql.Dialect(d) }

// member is a member of requestParameters, which Lake's schema holds as
// map<string, string>: the value's text, NULL when absent (Trino's
// element_at; DuckDB's subscript gives NULL too, where Trino's fails).
func (d Dialect) member(name string) string {
	if d == DuckDB {
		return "requestParameters['" + name + "']"
	}
	return "element_at(requestParameters, '" + name + "')"
}

// resourceSets is athenasql's ResourceSetsColumn: the distinct sets of
// the group's resource ARNs (eventsql.ResourceARNs) as JSON, NULL past
// athenasql.MaxResourceSets. The aggregate is wrapped in a one-element
// array so that its result is named once inside a lambda: Lake takes
// no sub-query, and a statement of at most maxStatement characters.
func (d Dialect) resourceSets() string {
	arns := eventsql.ResourceARNs(d.sql(), eventsql.Record{
		Resources: "resources", Member: d.member,
		Source: "eventSource", Region: "awsRegion", Recipient: "recipientAccountId",
		Partition: eventsql.PrincipalField(2),
	})
	return fmt.Sprintf("%s(ARRAY[array_agg(DISTINCT %s)], s -> CASE WHEN %s <= %d THEN %s END)[1]",
		d.sql().Transform(), strings.ReplaceAll(arns, "\n", "\n  "), d.sql().Cardinality("s"), athenasql.MaxResourceSets, d.sql().JSONText("s"))
}

// maxStatement is the longest QueryStatement StartQuery takes
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StartQuery.html).
const maxStatement = 10000

// format writes expr, a timestamp, as text: Trino's date_format takes
// MySQL's specifiers, DuckDB's strftime C's.
func (d Dialect) format(expr string, layout timeLayout) string {
	if d == DuckDB {
		return fmt.Sprintf("strftime(%s, '%s')", expr, layout.c)
	}
	return fmt.Sprintf("date_format(%s, '%s')", expr, layout.mysql)
}

type timeLayout struct{ mysql, c string }

var (
	// eventTimeText is CloudTrail's eventTime, which athenasql.Decode reads.
	eventTimeText = timeLayout{"%Y-%m-%dT%H:%i:%sZ", "%Y-%m-%dT%H:%M:%SZ"}
	// dayText is a day as athenasql.DecodeCoverage reads it (the trail's
	// day folder).
	dayText = timeLayout{"%Y/%m/%d", "%Y/%m/%d"}
)

// from is the FROM target: the store's ID as AWS's examples write it, or
// quoted for DuckDB, whose identifiers cannot hold a hyphen unquoted.
func (d Dialect) from(id string) string {
	if d == DuckDB {
		return `"` + id + `"`
	}
	return id
}

// check reports every problem with a query over store for w. Values end
// up inside SQL, so anything outside the documented shapes is refused
// rather than escaped.
func check(store Store, w athenasql.Window) error {
	var errs []error
	if !idRE.MatchString(store.ID) {
		errs = append(errs, fmt.Errorf("event data store ID %q: want letters, digits and hyphens", store.ID))
	}
	if w.Start.IsZero() || !w.Start.Before(w.End) {
		errs = append(errs, fmt.Errorf("empty window %s..%s", w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339)))
	}
	for _, a := range w.Accounts {
		if !eventsql.ValidAccount(a) {
			errs = append(errs, fmt.Errorf("account %q is not valid", a))
		}
	}
	for _, r := range w.Regions {
		if !eventsql.ValidRegion(r) {
			errs = append(errs, fmt.Errorf("region %q is not valid", r))
		}
	}
	return errors.Join(errs...)
}

// where is the condition both queries share: the window on eventTime
// (compared with text, as AWS's examples do) and w's accounts (the
// recipient account, whose trail folder holds the event) and regions.
func where(w athenasql.Window) string {
	s := fmt.Sprintf("eventTime >= '%s' AND eventTime < '%s'", w.Start.UTC().Format(time.DateTime), w.End.UTC().Format(time.DateTime))
	if len(w.Accounts) > 0 {
		s += "\n  AND recipientAccountId IN (" + eventsql.QuoteList(w.Accounts) + ")"
	}
	if len(w.Regions) > 0 {
		s += "\n  AND awsRegion IN (" + eventsql.QuoteList(w.Regions) + ")"
	}
	return s
}

// Query returns the aggregate query over store for w, with athenasql's
// Columns and ResourceSetsColumn. It counts what cloudtrail.Read counts
// for the same events:
//
//   - events whose eventTime lies in the window (start included, end
//     excluded), of w's recipient accounts and regions when named;
//   - each eventID once, as count(DISTINCT eventID) per group: duplicates
//     (trail logs imported twice) are the same record, so they fall in
//     one group; events without an ID are all counted;
//   - calls only, attributed to an IAM principal, with the outcome and
//     data-event rules of eventsql;
//   - athenasql.ResourceSetsColumn, the distinct sets of resource ARNs
//     of the calls, each derived as eventsql.ResourceARNs derives it,
//     from Lake's requestParameters map (a member that is not a string in
//     the record holds its JSON text there, where the log reader takes
//     none: no bucket, queue, table or function is named that way).
//
// account is the principal's account (field 5 of its ARN).
func Query(store Store, w athenasql.Window, d Dialect) (string, error) {
	if err := check(store, w); err != nil {
		return "", err
	}
	principal := eventsql.Principal(d.sql())
	q := fmt.Sprintf(`SELECT
  %[11]s AS account,
  %[1]s AS principal,
  COALESCE(eventSource, '') AS event_source,
  COALESCE(eventName, '') AS event_name,
  %[2]s AS outcome,
  count(DISTINCT NULLIF(eventID, '')) + sum(CASE WHEN COALESCE(eventID, '') = '' THEN 1 ELSE 0 END) AS calls,
  %[3]s AS first_seen,
  %[4]s AS last_seen,
  max(CASE WHEN %[5]s THEN 1 ELSE 0 END) AS data_event,
  %[9]s AS %[10]s
FROM %[6]s
WHERE %[7]s
  AND %[8]s
  AND %[1]s IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 2, 3, 4, 5`,
		principal, eventsql.Outcome,
		d.format("min(eventTime)", eventTimeText), d.format("max(eventTime)", eventTimeText),
		eventsql.DataEvent, d.from(store.ID), where(w), eventsql.Call, d.resourceSets(), athenasql.ResourceSetsColumn, eventsql.PrincipalField(5))
	if len(q) > maxStatement {
		return "", fmt.Errorf("the query has %d characters, more than the %d Lake takes: name fewer accounts or regions (none reads them all)", len(q), maxStatement)
	}
	return q, nil
}

// CoverageQuery returns the query that counts, per recipient account,
// region and UTC day of eventTime in w, the events the store holds and
// the data events among them, with athenasql's CoverageColumns. files is
// 1: the store's day, read whole. A day without a row had no events in
// the store (not logged, not ingested, or past its retention): a gap, as
// a day folder without logs is in the trail's bucket.
func CoverageQuery(store Store, w athenasql.Window, d Dialect) (string, error) {
	if err := check(store, w); err != nil {
		return "", err
	}
	return fmt.Sprintf(`SELECT
  recipientAccountId AS account,
  awsRegion AS region,
  %s AS day,
  1 AS files,
  count(*) AS events,
  sum(CASE WHEN %s THEN 1 ELSE 0 END) AS data_events
FROM %s
WHERE %s
  AND recipientAccountId IS NOT NULL AND awsRegion IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3`, d.format("eventTime", dayText), eventsql.DataEvent, d.from(store.ID), where(w)), nil
}
