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
)

// Dialect is the SQL engine a query is written for. The query text is the
// same for both but for the functions they spell differently: the regular
// expression test (Athena's Trino regexp_like, DuckDB regexp_matches; both
// match anywhere in the string unless anchored) and the array and JSON
// functions of the resource columns (resources.go).
type Dialect uint8

// Dialects, valued as their engines in eventsql (Athena is Trino), so
// that sql is a conversion.
const (
	Athena = Dialect(eventsql.Trino)
	DuckDB = Dialect(eventsql.DuckDB)
)

// sql is the engine of eventsql's texts.
func (d Dialect) sql() eventsql.Dialect { return eventsql.Dialect(d) }

// Window is what one aggregate query reads.
type Window struct {
	// Start and End bound the events counted (End exclusive), as in
	// cloudtrail.Options. Day folders from the day before Start to the day
	// of End are read, since a file can hold events from before its
	// delivery.
	Start, End time.Time
	// Accounts and Regions narrow the query to these partitions; empty
	// reads every projected one. A table with injected accounts needs
	// Accounts.
	Accounts, Regions []string
}

// Columns are the columns of an aggregate query's result, in order, that
// every push-down returns. Query returns ResourceSetsColumn after them;
// Decode reads a result with or without it (without: the rows' resources
// are unknown).
var Columns = []string{"account", "principal", "event_source", "event_name", "outcome", "calls", "first_seen", "last_seen", "data_event"}

// ResourceSetsColumn is Query's last column: per row, the distinct sets of
// resource ARNs its calls named, as a JSON array of arrays (an empty one
// for calls whose records name none), at most 32 sets; NULL when there
// were more (unknown, as backend/cloudtrail then counts them).
const ResourceSetsColumn = "resource_sets"

// timeShape is the eventTime shape Go's aggregator accepts
// (backend/cloudtrail parseTime), as a regular expression both dialects
// read alike.
const timeShape = `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$`

// Query returns the aggregate query over t for w. It counts what
// cloudtrail.Read counts for the same files:
//
//   - events whose eventTime has CloudTrail's shape and lies in the
//     window (compared as text: the format sorts as time);
//   - each eventID once (an organization trail and an account trail can
//     deliver the same event); events without an ID are all counted;
//   - calls only: eventType AwsApiCall or AwsConsoleAction (or absent, in
//     old records), never Insight records;
//   - attributed to an IAM user, root, role (through a role session's
//     sessionIssuer) or the user behind a federated-user session, with
//     the ARN shapes Go checks; other identities are left out;
//   - outcome ok without errorCode, denied when it names AccessDenied or
//     Unauthorized, error otherwise;
//   - data_event 1 when any of the calls was a data event (eventCategory
//     Data, or managementEvent false in records without a category);
//   - resource_sets, the distinct sets of resource ARNs of the calls
//     (ResourceSetsColumn), each derived from a record as
//     backend/cloudtrail derives it (resources.go).
//
// account is the principal's account (field 5 of its ARN).
func (t Table) Query(w Window, d Dialect) (string, error) {
	if err := t.checkWindow(w); err != nil {
		return "", err
	}
	start, end := w.Start.UTC(), w.End.UTC()
	var b strings.Builder
	fmt.Fprintf(&b, `-- Aegis IAM usage rows for %s..%s (see backend/cloudtrail/athenasql).
WITH events AS (
  SELECT
    eventID AS event_id,
    eventTime AS event_time,
    eventSource AS event_source,
    eventName AS event_name,
    %s AS principal,
    %s AS outcome,
    %s AS data_event,
    resources AS resource_list,
    requestParameters AS request_parameters,
    awsRegion AS aws_region,
    recipientAccountId AS recipient
  FROM %s
  WHERE %s
`, start.Format(time.RFC3339), end.Format(time.RFC3339),
		eventsql.Principal(d.sql()), eventsql.Outcome, eventsql.DataEvent, t.ref(), partitions(w, "    "))
	fmt.Fprintf(&b, `    AND eventTime >= '%s' AND eventTime < '%s'
    AND %s
    AND %s
),
once AS (
  SELECT *, row_number() OVER (PARTITION BY event_id) AS nth
  FROM events
),
calls AS (
  SELECT
    principal,
    event_source,
    event_name,
    outcome,
    event_time,
    data_event,
    resource_list,
    aws_region,
    recipient,
    %s
  FROM once
  WHERE principal IS NOT NULL AND (nth = 1 OR COALESCE(event_id, '') = '')
),
sets AS (
  SELECT
    principal,
    event_source,
    event_name,
    outcome,
    %s AS resource_arns,
    count(*) AS calls,
    min(event_time) AS first_seen,
    max(event_time) AS last_seen,
    max(CASE WHEN data_event THEN 1 ELSE 0 END) AS data_event
  FROM calls
  GROUP BY 1, 2, 3, 4, 5
)
SELECT
  split_part(principal, ':', 5) AS account,
  principal,
  event_source,
  event_name,
  outcome,
  sum(calls) AS calls,
  min(first_seen) AS first_seen,
  max(last_seen) AS last_seen,
  max(data_event) AS data_event,
  CASE WHEN count(*) <= %d THEN %s END AS %s
FROM sets
GROUP BY 1, 2, 3, 4, 5
ORDER BY 2, 3, 4, 5`,
		start.Format(eventTimeFormat), end.Format(eventTimeFormat), d.sql().RegexpLike("eventTime", timeShape), eventsql.Call,
		d.requestColumns("    "), d.resourceARNs("    "), MaxResourceSets, d.sql().JSONText("array_agg(resource_arns)"), ResourceSetsColumn)
	return b.String(), nil
}

// checkWindow reports every problem with a query's window over t.
func (t Table) checkWindow(w Window) error {
	errs := []error{t.Validate()}
	if w.Start.IsZero() || !w.Start.Before(w.End) {
		errs = append(errs, fmt.Errorf("empty window %s..%s", w.Start.Format(time.RFC3339), w.End.Format(time.RFC3339)))
	}
	errs = append(errs, checkList("account", w.Accounts, eventsql.ValidAccount)...)
	errs = append(errs, checkList("region", w.Regions, eventsql.ValidRegion)...)
	if len(t.Accounts) == 0 && len(w.Accounts) == 0 {
		errs = append(errs, errors.New("the table's accounts are injected: the query must name its accounts"))
	}
	for _, a := range w.Accounts {
		if len(t.Accounts) > 0 && !slices.Contains(t.Accounts, a) {
			errs = append(errs, fmt.Errorf("account %s is not projected by the table", a))
		}
	}
	for _, r := range w.Regions {
		if !slices.Contains(t.Regions, r) {
			errs = append(errs, fmt.Errorf("region %s is not projected by the table", r))
		}
	}
	return errors.Join(errs...)
}

// partitions is the condition on the partition columns that reads the day
// folders cloudtrail.Read reads (from the day before Start up to, not
// including, End plus a day) of w's accounts and regions; each line after
// the first starts with indent.
func partitions(w Window, indent string) string {
	firstDay := w.Start.UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	lastDay := w.End.UTC().AddDate(0, 0, 1).Add(-time.Nanosecond).Truncate(24 * time.Hour)
	s := fmt.Sprintf("%s BETWEEN '%s' AND '%s'", colDay, firstDay.Format(dayFormat), lastDay.Format(dayFormat))
	if len(w.Accounts) > 0 {
		s += fmt.Sprintf("\n%sAND %s IN (%s)", indent, colAccount, eventsql.QuoteList(w.Accounts))
	}
	if len(w.Regions) > 0 {
		s += fmt.Sprintf("\n%sAND %s IN (%s)", indent, colRegion, eventsql.QuoteList(w.Regions))
	}
	return s
}

// eventTimeFormat is CloudTrail's eventTime.
const eventTimeFormat = "2006-01-02T15:04:05Z"

// Decode reads an aggregate query's result, its column names and its data
// rows (a NULL cell is nil), into event counts: Columns, then optionally
// ResourceSetsColumn (without it, or where it is NULL, the rows'
// resources are unknown). Every problem is reported with its row number
// (1-based, counting data rows).
func Decode(columns []string, rows [][]*string) ([]cloudtrail.EventCount, error) {
	withSets := append(slices.Clip(Columns), ResourceSetsColumn)
	if !slices.Equal(columns, Columns) && !slices.Equal(columns, withSets) {
		return nil, fmt.Errorf("result columns %v, want %v", columns, withSets)
	}
	out := make([]cloudtrail.EventCount, 0, len(rows))
	var errs []error
	for i, r := range rows {
		c, err := decodeRow(r, len(columns))
		if err != nil {
			errs = append(errs, fmt.Errorf("row %d: %w", i+1, err))
			continue
		}
		out = append(out, c)
	}
	return out, errors.Join(errs...)
}

func decodeRow(r []*string, columns int) (cloudtrail.EventCount, error) {
	if len(r) != columns {
		return cloudtrail.EventCount{}, fmt.Errorf("%d cells, want %d", len(r), columns)
	}
	cell := func(i int) string {
		if r[i] == nil {
			return ""
		}
		return *r[i]
	}
	var c cloudtrail.EventCount
	c.Principal, c.Source, c.Name = cell(1), cell(2), cell(3)
	if c.Principal == "" {
		return c, errors.New("no principal")
	}
	switch o := audit.Outcome(cell(4)); o {
	case audit.OutcomeOK, audit.OutcomeDenied, audit.OutcomeError:
		c.Outcome = o
	default:
		return c, fmt.Errorf("outcome %q", o)
	}
	n, err := strconv.ParseInt(cell(5), 10, 64)
	if err != nil || n <= 0 {
		return c, fmt.Errorf("calls %q", cell(5))
	}
	c.Count = n
	if c.First, err = time.Parse(eventTimeFormat, cell(6)); err != nil {
		return c, fmt.Errorf("first_seen: %w", err)
	}
	if c.Last, err = time.Parse(eventTimeFormat, cell(7)); err != nil {
		return c, fmt.Errorf("last_seen: %w", err)
	}
	switch cell(8) {
	case "0":
	case "1":
		c.Data = true
	default:
		return c, fmt.Errorf("data_event %q", cell(8))
	}
	if columns > len(Columns) {
		c.ResourceSets, err = decodeResourceSets(r[len(Columns)])
	}
	return c, err
}
