package awsapitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// LakeAnswer is what a CloudTrail Lake query gives: result columns and
// rows (a nil cell is NULL, left out of its row as Lake leaves it), or
// Fail, the reason the query fails with, or TimedOut.
type LakeAnswer struct {
	Columns  []string
	Rows     [][]*string
	Fail     string
	TimedOut bool
	// Scanned is the BytesScanned the query reports.
	Scanned int64
}

// Lake is a local CloudTrail Lake endpoint speaking the real awsJson1_1
// protocol of CloudTrail (X-Amz-Target CloudTrail_20131101.*, SigV4-signed
// POSTs, epoch-second timestamps) for one event data store: StartQuery
// (a SELECT whose FROM names the store, else the errors Lake gives),
// DescribeQuery (QUEUED, then RUNNING for a set number of polls, then
// FINISHED, FAILED or TIMED_OUT), GetQueryResults (rows as lists of
// column→value pairs, NextToken paging of at most MaxQueryResults rows)
// CancelQuery, and ListEventDataStores (the store, then Others, two per
// page, the ARNs in the region the request was signed for). Other
// CloudTrail operations go to Next, when set, so
// that one endpoint serves both fakes as one AWS endpoint does.
// Throttling, AccessDenied and stalls (timeouts) can be injected.
type Lake struct {
	URL string

	t      testing.TB
	store  string
	others []string
	answer func(query string) LakeAnswer
	next   *httputil.ReverseProxy

	*queryBook[*lakeQuery]
	*faults
}

type lakeQuery struct {
	bookEntry
	answer LakeAnswer
}

// LakeStore is what a Lake fake serves: one event data store's ID, the
// answer to each query started on it, how many DescribeQuery calls see a
// query RUNNING, and the endpoint other CloudTrail operations go to (a
// CloudTrail fake's URL; empty: none).
type LakeStore struct {
	ID     string
	Polls  int
	Answer func(query string) LakeAnswer
	Next   string
	// Others are the IDs of more stores ListEventDataStores lists,
	// stopped and without queries.
	Others []string
}

// NewLake starts the endpoint.
func NewLake(t testing.TB, s LakeStore) *Lake {
	f := &Lake{t: t, store: s.ID, others: s.Others, answer: s.Answer,
		queryBook: newQueryBook[*lakeQuery]("EXAMPLEd-0000-4000-8000-%012d", s.Polls), faults: newFaults()}
	if s.Next != "" {
		u, err := url.Parse(s.Next)
		if err != nil {
			t.Fatalf("awsapitest: Lake next %q: %v", s.Next, err)
		}
		f.next = httputil.NewSingleHostReverseProxy(u)
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// StartedBy returns the access keys that started the queries, in order.
func (f *Lake) StartedBy() []string { return f.signers() }

// Cancelled reports whether CancelQuery stopped the query.
func (f *Lake) Cancelled(id string) bool { return f.isStopped(id) }

var lakeOps = map[string]bool{"StartQuery": true, "DescribeQuery": true, "GetQueryResults": true, "CancelQuery": true, "ListEventDataStores": true}

func (f *Lake) serve(w http.ResponseWriter, r *http.Request) {
	m := ctTarget.FindStringSubmatch(r.Header.Get("X-Amz-Target"))
	if m != nil && !lakeOps[m[1]] && f.next != nil {
		f.next.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodPost || m == nil || !lakeOps[m[1]] || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		ctError(w, "UnknownOperationException", "")
		return
	}
	op := m[1]
	in, ok := readJSON(w, r, ctSigV4, ctError)
	if !ok {
		return
	}
	region := signedRegion(r.Header.Get("Authorization"))
	if f.ctRefused(w, r, op, region, "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: cloudtrail:"+op+
		" on resource: arn:aws:cloudtrail:"+region+":111122223333:eventdatastore/"+f.store) {
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "StartQuery":
		f.start(w, r, in)
	case "DescribeQuery":
		f.describe(w, r, in)
	case "GetQueryResults":
		f.results(w, in)
	case "CancelQuery":
		f.cancel(w, in)
	case "ListEventDataStores":
		f.list(w, in, region)
	}
}

// start checks the statement as Lake does: a SELECT over the store.
func (f *Lake) start(w http.ResponseWriter, r *http.Request, in map[string]any) {
	sql := jsonField(in, "QueryStatement")
	switch {
	case !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(sql)), "SELECT"):
		ctError(w, "InvalidQueryStatementException", "Only SELECT statements are allowed.")
		return
	case !strings.Contains(sql, "FROM "+f.store+"\n") && !strings.HasSuffix(sql, "FROM "+f.store):
		ctError(w, "EventDataStoreNotFoundException", "The specified event data store was not found.")
		return
	}
	id := f.perCall(r, func() string {
		q := &lakeQuery{bookEntry: bookEntry{sql: sql, signer: accessKey(r)}}
		id := f.add(q)
		q.answer = f.answer(sql)
		return id
	})
	json.NewEncoder(w).Encode(map[string]string{"QueryId": id})
}

func (f *Lake) query(w http.ResponseWriter, in map[string]any) *lakeQuery {
	q := f.get(jsonField(in, "QueryId"))
	if q == nil {
		ctError(w, "QueryIdNotFoundException", "The query ID does not exist or does not map to a query.")
	}
	return q
}

// status is the query's status, after one more poll when poll is set.
func (f *Lake) status(q *lakeQuery, poll bool) string {
	if st := f.progress(q, poll); st != "" {
		return st
	}
	switch {
	case q.answer.Fail != "":
		return "FAILED"
	case q.answer.TimedOut:
		return "TIMED_OUT"
	}
	return "FINISHED"
}

func (f *Lake) describe(w http.ResponseWriter, r *http.Request, in map[string]any) {
	q := f.query(w, in)
	if q == nil {
		return
	}
	st := f.perCall(r, func() string { return f.status(q, true) })
	out := map[string]any{"QueryId": q.id, "QueryString": q.sql, "QueryStatus": st,
		"QueryStatistics": map[string]any{"EventsMatched": len(q.answer.Rows), "EventsScanned": 1000, "BytesScanned": q.answer.Scanned,
			"ExecutionTimeInMillis": 1200, "CreationTime": float64(q.started.UnixMilli()) / 1000}}
	switch st {
	case "FAILED":
		out["ErrorMessage"] = q.answer.Fail
	case "TIMED_OUT":
		out["ErrorMessage"] = "Query timed out."
	}
	json.NewEncoder(w).Encode(out)
}

func (f *Lake) results(w http.ResponseWriter, in map[string]any) {
	q := f.query(w, in)
	if q == nil {
		return
	}
	st := f.status(q, false)
	out := map[string]any{"QueryStatus": st, "QueryResultRows": [][]map[string]string{}}
	if st != "FINISHED" {
		json.NewEncoder(w).Encode(out)
		return
	}
	max := 1000
	if m, ok := in["MaxQueryResults"].(float64); ok {
		if m < 1 || m > 1000 {
			ctError(w, "InvalidMaxResultsException", "MaxQueryResults must be between 1 and 1000.")
			return
		}
		max = int(m)
	}
	from := 0
	if tok := jsonField(in, "NextToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "page-"))
		if err != nil || n <= 0 || n > len(q.answer.Rows) {
			ctError(w, "InvalidNextTokenException", "A token that is not valid was specified.")
			return
		}
		from = n
	}
	to := min(from+max, len(q.answer.Rows))
	rows := make([][]map[string]string, 0, to-from)
	for _, r := range q.answer.Rows[from:to] {
		pairs := []map[string]string{}
		for i, c := range r {
			if c != nil && i < len(q.answer.Columns) {
				pairs = append(pairs, map[string]string{q.answer.Columns[i]: *c})
			}
		}
		rows = append(rows, pairs)
	}
	out["QueryResultRows"] = rows
	out["QueryStatistics"] = map[string]any{"ResultsCount": len(rows), "TotalResultsCount": len(q.answer.Rows), "BytesScanned": q.answer.Scanned}
	if to < len(q.answer.Rows) {
		out["NextToken"] = fmt.Sprintf("page-%d", to)
	}
	json.NewEncoder(w).Encode(out)
}

func (f *Lake) cancel(w http.ResponseWriter, in map[string]any) {
	q := f.query(w, in)
	if q == nil {
		return
	}
	if st := f.status(q, false); st != "QUEUED" && st != "RUNNING" {
		ctError(w, "InactiveQueryException", "The specified query cannot be canceled because it is in the "+st+" state.")
		return
	}
	f.stop(q)
	json.NewEncoder(w).Encode(map[string]string{"QueryId": q.id, "QueryStatus": "CANCELLED"})
}

func (f *Lake) list(w http.ResponseWriter, in map[string]any, region string) {
	ids := append([]string{f.store}, f.others...)
	from := 0
	if tok := jsonField(in, "NextToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "stores-"))
		if err != nil || n <= 0 || n >= len(ids) {
			ctError(w, "InvalidNextTokenException", "A token that is not valid was specified.")
			return
		}
		from = n
	}
	to := min(from+2, len(ids))
	stores := []map[string]any{}
	for i, id := range ids[from:to] {
		status, name := "ENABLED", "aegis-audit-store"
		if from+i > 0 {
			status, name = "STOPPED_INGESTION", "old-store-"+strconv.Itoa(from+i)
		}
		stores = append(stores, map[string]any{"EventDataStoreArn": "arn:aws:cloudtrail:" + region + ":111122223333:eventdatastore/" + id,
			"Name": name, "Status": status, "MultiRegionEnabled": true, "OrganizationEnabled": from+i == 0, "RetentionPeriod": 2557,
			"TerminationProtectionEnabled": true, "CreatedTimestamp": 1.7e9, "UpdatedTimestamp": 1.7e9})
	}
	out := map[string]any{"EventDataStores": stores}
	if to < len(ids) {
		out["NextToken"] = "stores-" + strconv.Itoa(to)
	}
	json.NewEncoder(w).Encode(out)
}
