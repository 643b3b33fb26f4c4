package awsapitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// AthenaAnswer is what a query gives: result columns and rows (a nil cell
// is NULL), or Fail, the reason the query fails with.
type AthenaAnswer struct {
	Columns []string
	Rows    [][]*string
	Fail    string
	// Scanned is the DataScannedInBytes the execution reports.
	Scanned int64
}

// Athena is a local Athena endpoint speaking the real awsJson1_1 protocol
// (X-Amz-Target AmazonAthena.*, SigV4-signed POSTs, epoch-second
// timestamps) for StartQueryExecution, GetQueryExecution (QUEUED, then
// RUNNING for a set number of polls, then SUCCEEDED or FAILED; statement
// type DDL for CREATE statements, else DML),
// GetQueryResults (the header row first, as Athena returns it for a
// SELECT, NextToken paging of at most 1000 rows) and StopQueryExecution.
// With WriteResults, a DML query's result file is also written to a fake
// S3, where the execution's OutputLocation points. Throttling
// (TooManyRequestsException) and AccessDenied can be injected.
type Athena struct {
	URL string

	t      testing.TB
	answer func(query string) AthenaAnswer

	mu     sync.Mutex // guards files and tokens
	files  *S3
	tokens map[string]string // ClientRequestToken → the query it started

	*queryBook[*athenaQuery]
	*faults
}

type athenaQuery struct {
	bookEntry
	database, workgroup, output string
	answer                      AthenaAnswer
}

// NewAthena starts the endpoint. answer gives each started query's result;
// GetQueryExecution reports a query RUNNING for its first polls calls.
func NewAthena(t testing.TB, polls int, answer func(query string) AthenaAnswer) *Athena {
	f := &Athena{t: t, answer: answer, tokens: map[string]string{},
		queryBook: newQueryBook[*athenaQuery]("a1b2c3d4-0000-4000-8000-%012d", polls), faults: newFaults()}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// WriteResults makes every query that succeeds write its result file,
// <OutputLocation><QueryExecutionId>.csv in Athena's CSV, to files.
func (f *Athena) WriteResults(files *S3) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files = files
}

// Signers returns the access keys that signed the queries started, in
// order: whose credentials ran them.
func (f *Athena) Signers() []string { return f.signers() }

// Stopped reports whether StopQueryExecution was called for the query.
func (f *Athena) Stopped(id string) bool { return f.isStopped(id) }

var (
	athenaSigV4  = signedBy("athena")
	athenaTarget = regexp.MustCompile(`^AmazonAthena\.([A-Za-z]+)$`)
)

func athenaError(w http.ResponseWriter, typ, msg string) {
	jsonReply(w, http.StatusBadRequest, "", map[string]string{"__type": typ, "Message": msg})
}

func (f *Athena) serve(w http.ResponseWriter, r *http.Request) {
	m := athenaTarget.FindStringSubmatch(r.Header.Get("X-Amz-Target"))
	if r.Method != http.MethodPost || m == nil || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		athenaError(w, "UnknownOperationException", "")
		return
	}
	op := m[1]
	in, ok := readJSON(w, r, athenaSigV4, athenaError)
	if !ok {
		return
	}
	throttled, denied := f.hit(r, op)
	switch {
	case throttled:
		athenaError(w, "TooManyRequestsException", "Rate exceeded")
		return
	case denied:
		athenaError(w, "AccessDeniedException", "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: athena:"+op+
			" on resource: arn:aws:athena:us-east-1:111122223333:workgroup/primary")
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	switch op {
	case "StartQueryExecution":
		f.start(w, in, accessKey(r))
	case "GetQueryExecution":
		f.execution(w, r, in)
	case "GetQueryResults":
		f.results(w, in)
	case "StopQueryExecution":
		if q := f.query(w, in); q != nil {
			f.stop(q)
			w.Write([]byte("{}"))
		}
	default:
		athenaError(w, "UnknownOperationException", op)
	}
}

// jsonField returns the string at path in a decoded JSON request; "" when absent.
func jsonField(in map[string]any, path ...string) string {
	var v any = in
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	s, _ := v.(string)
	return s
}

func (f *Athena) start(w http.ResponseWriter, in map[string]any, signer string) {
	sql := jsonField(in, "QueryString")
	if sql == "" || jsonField(in, "ClientRequestToken") == "" {
		athenaError(w, "InvalidRequestException", "QueryString and ClientRequestToken are required")
		return
	}
	f.mu.Lock()
	// Athena starts a query once per ClientRequestToken, which the SDK
	// keeps for every attempt: a retried call gets the same query back.
	if id, ok := f.tokens[jsonField(in, "ClientRequestToken")]; ok {
		f.mu.Unlock()
		json.NewEncoder(w).Encode(map[string]string{"QueryExecutionId": id})
		return
	}
	q := &athenaQuery{bookEntry: bookEntry{sql: sql, signer: signer}, database: jsonField(in, "QueryExecutionContext", "Database"),
		workgroup: jsonField(in, "WorkGroup"), output: jsonField(in, "ResultConfiguration", "OutputLocation")}
	id := f.add(q)
	f.tokens[jsonField(in, "ClientRequestToken")] = id
	files := f.files
	f.mu.Unlock()
	q.answer = f.answer(sql)
	if files != nil && q.answer.Fail == "" && !q.ddl() {
		files.PutURL(q.resultFile(), AthenaCSV(q.answer.Columns, q.answer.Rows))
	}
	json.NewEncoder(w).Encode(map[string]string{"QueryExecutionId": id})
}

// ddl reports whether the query is a DDL statement (no result rows).
func (q *athenaQuery) ddl() bool { return strings.HasPrefix(q.sql, "CREATE ") }

// resultFile is the query's result file in its output location, or the
// workgroup's default one: QueryExecutionId.csv, or .txt for DDL.
func (q *athenaQuery) resultFile() string {
	output := q.output
	if output == "" {
		output = "s3://aws-athena-query-results-111122223333-us-east-1/"
	}
	if q.ddl() {
		return output + q.id + ".txt"
	}
	return output + q.id + ".csv"
}

func (f *Athena) query(w http.ResponseWriter, in map[string]any) *athenaQuery {
	q := f.get(jsonField(in, "QueryExecutionId"))
	if q == nil {
		athenaError(w, "InvalidRequestException", "QueryExecution "+jsonField(in, "QueryExecutionId")+" was not found")
	}
	return q
}

// state is the query's state, after one more poll when poll is set.
func (f *Athena) state(q *athenaQuery, poll bool) string {
	if st := f.progress(q, poll); st != "" {
		return st
	}
	if q.answer.Fail != "" {
		return "FAILED"
	}
	return "SUCCEEDED"
}

func (f *Athena) execution(w http.ResponseWriter, r *http.Request, in map[string]any) {
	q := f.query(w, in)
	if q == nil {
		return
	}
	st := f.perCall(r, func() string { return f.state(q, true) })
	status := map[string]any{"State": st, "SubmissionDateTime": float64(q.started.UnixMilli()) / 1000}
	if st == "FAILED" {
		status["StateChangeReason"] = q.answer.Fail
		status["AthenaError"] = map[string]any{"ErrorCategory": 2, "ErrorType": 1006, "Retryable": false, "ErrorMessage": q.answer.Fail}
	}
	if st == "SUCCEEDED" || st == "FAILED" || st == "CANCELLED" {
		status["CompletionDateTime"] = float64(time.Now().UnixMilli()) / 1000
	}
	kind := "DML"
	if q.ddl() {
		kind = "DDL"
	}
	json.NewEncoder(w).Encode(map[string]any{"QueryExecution": map[string]any{
		"QueryExecutionId":      q.id,
		"Query":                 q.sql,
		"StatementType":         kind,
		"WorkGroup":             q.workgroup,
		"QueryExecutionContext": map[string]any{"Database": q.database, "Catalog": "AwsDataCatalog"},
		"ResultConfiguration":   map[string]any{"OutputLocation": q.resultFile()},
		"Status":                status,
		"Statistics":            map[string]any{"DataScannedInBytes": q.answer.Scanned, "EngineExecutionTimeInMillis": 1200},
	}})
}

func (f *Athena) results(w http.ResponseWriter, in map[string]any) {
	q := f.query(w, in)
	if q == nil {
		return
	}
	if st := f.state(q, false); st != "SUCCEEDED" {
		athenaError(w, "InvalidRequestException", "Query has not yet finished. Current state: "+st)
		return
	}
	max := 1000
	if m, ok := in["MaxResults"].(float64); ok && int(m) < max {
		max = int(m)
	}
	// Row 0 is the header row, as Athena returns it for a SELECT.
	all := append([][]*string{stringPtrs(q.answer.Columns)}, q.answer.Rows...)
	from := 0
	if tok := jsonField(in, "NextToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "rows-"))
		if err != nil || n <= 0 || n > len(all) {
			athenaError(w, "InvalidRequestException", "invalid NextToken")
			return
		}
		from = n
	}
	to := min(from+max, len(all))
	rows := make([]map[string]any, 0, to-from)
	for _, r := range all[from:to] {
		data := make([]map[string]string, len(r))
		for i, c := range r {
			data[i] = map[string]string{}
			if c != nil {
				data[i]["VarCharValue"] = *c
			}
		}
		rows = append(rows, map[string]any{"Data": data})
	}
	cols := make([]map[string]any, len(q.answer.Columns))
	for i, c := range q.answer.Columns {
		cols[i] = map[string]any{"CatalogName": "hive", "SchemaName": "", "TableName": "", "Name": c, "Label": c,
			"Type": "varchar", "Precision": 2147483647, "Scale": 0, "Nullable": "UNKNOWN", "CaseSensitive": true}
	}
	out := map[string]any{"UpdateCount": 0, "ResultSet": map[string]any{"Rows": rows, "ResultSetMetadata": map[string]any{"ColumnInfo": cols}}}
	if to < len(all) {
		out["NextToken"] = fmt.Sprintf("rows-%d", to)
	}
	json.NewEncoder(w).Encode(out)
}

func stringPtrs(s []string) []*string {
	out := make([]*string, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}
