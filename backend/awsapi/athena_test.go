package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
)

var athenaTable = athenasql.Table{Database: "default", Name: "aegis_cloudtrail", Bucket: "org-trail-logs", Org: "o-a1b2c3d4e5",
	Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"}, Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}

var athenaWindow = athenasql.Window{Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)}

// athenaRunner is a runner against f; with files, it reads result files
// from that fake S3 (f writing them there), else page by page only.
func athenaRunner(t *testing.T, f *awsapitest.Athena, files *awsapitest.S3) *AthenaRunner {
	t.Helper()
	r, _ := countedAthenaRunner(t, f, files, nil)
	return r
}

// countedAthenaRunner is athenaRunner with the count of the operations
// its Athena and S3 clients make.
func countedAthenaRunner(t *testing.T, f *awsapitest.Athena, files *awsapitest.S3, client aws.HTTPClient) (*AthenaRunner, *sdkCalls) {
	t.Helper()
	calls := &sdkCalls{}
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAAUDITOREXAMPLE", "secret", "")}
	r := NewAthenaRunner(cfg, "primary", "s3://aegis-athena-results-111122223333/aegis/", func(o *athena.Options) {
		o.BaseEndpoint = aws.String(f.URL)
		o.RetryMaxAttempts = 4
		o.APIOptions = append(o.APIOptions, calls.apiOption)
		if client != nil {
			o.HTTPClient = client
		}
	})
	r.results = nil
	if files != nil {
		f.WriteResults(files)
		r.results = s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.BaseEndpoint = aws.String(files.URL)
			o.UsePathStyle = true
			o.RetryMaxAttempts = 4
			o.DisableLogOutputChecksumValidationSkipped = true
			o.APIOptions = append(o.APIOptions, calls.apiOption)
		})
	}
	r.firstPoll, r.maxPoll = time.Millisecond, 4*time.Millisecond
	return r, calls
}

// usageRows is n rows of the aggregate query's result.
func usageRows(n int) [][]*string {
	rows := make([][]*string, n)
	for i := range rows {
		cells := []string{"111122223333", fmt.Sprintf("arn:aws:iam::111122223333:role/r%04d", i), "s3.amazonaws.com", "GetObject",
			"ok", "3", "2025-06-01T10:00:00Z", "2025-06-02T11:00:00Z", "1"}
		rows[i] = make([]*string, len(cells))
		for j := range cells {
			rows[i][j] = &cells[j]
		}
	}
	rows[0][3] = nil // a NULL eventName
	return rows
}

// TestAthenaUsage: the query is started once with the generated text, the
// execution polled through QUEUED and RUNNING, and its rows read: from the
// result file in S3 (one GetObject), or every page of GetQueryResults
// (2,500 rows: three pages, the header row dropped) without an S3 client
// or when S3 refuses the file (the fallback recorded), also under
// throttling of every call and with responses lost in transit, which the
// SDK retries.
func TestAthenaUsage(t *testing.T) {
	athenaOps := []string{"StartQueryExecution", "GetQueryExecution", "GetQueryResults"}
	for _, tc := range []struct {
		name             string
		s3, deny         bool
		throttle, lost   bool
		getResults, gets int
	}{
		{name: "pages", getResults: 3},
		{name: "pages-throttled", throttle: true, getResults: 3},
		{name: "pages-lost", lost: true, getResults: 3},
		{name: "file", s3: true, gets: 1},
		{name: "file-throttled", s3: true, throttle: true, gets: 1},
		{name: "file-denied", s3: true, deny: true, getResults: 3, gets: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := awsapitest.NewAthena(t, 3, func(string) awsapitest.AthenaAnswer {
				return awsapitest.AthenaAnswer{Columns: athenasql.Columns, Rows: usageRows(2500), Scanned: 123456789}
			})
			var files *awsapitest.S3
			if tc.s3 {
				files = awsapitest.NewS3(t)
			}
			throttle := tc.throttle
			if throttle {
				for _, op := range athenaOps {
					f.Throttle(op, 2)
				}
				if files != nil {
					files.Throttle("GetObject", 2)
				}
			}
			if tc.deny {
				files.Deny("GetObject")
			}
			var client aws.HTTPClient
			if tc.lost {
				client = awsapitest.NewLossyClient(athenaOps...)
			}
			runner, calls := countedAthenaRunner(t, f, files, client)
			counts, res, err := runner.Usage(context.Background(), athenaTable, athenaWindow)
			if err != nil {
				t.Fatal(err)
			}
			wantFrom := ReadPages
			if tc.s3 && !tc.deny {
				wantFrom = "s3://aegis-athena-results-111122223333/aegis/a1b2c3d4-0000-4000-8000-000000000001.csv"
			}
			if res.ReadFrom != wantFrom || (res.Fallback != "") != tc.deny || tc.deny && !strings.Contains(res.Fallback, "S3 GetObject: AccessDenied") {
				t.Errorf("read from %q (fallback %q), want %q", res.ReadFrom, res.Fallback, wantFrom)
			}

			want, _ := athenaTable.Query(athenaWindow, athenasql.Athena)
			if q := f.Queries(); len(q) != 1 || q[0] != want {
				t.Errorf("queries started: %d, the generated one: %v", len(q), len(q) == 1 && q[0] == want)
			}
			if len(counts) != 2500 || counts[0].Name != "" || counts[2499].Principal != "arn:aws:iam::111122223333:role/r2499" ||
				counts[1].Count != 3 || !counts[1].Data {
				t.Errorf("%d counts, first %+v, last %+v", len(counts), counts[0], counts[len(counts)-1])
			}
			if res.Scanned != 123456789 {
				t.Errorf("scanned %d", res.Scanned)
			}
			// Exact operation counts, client side (a loaded machine may
			// retry any attempt); a throttled operation was sent again.
			retried := func(op string, n, got int) {
				if calls.Operations(op) != n {
					t.Errorf("%s called %d times, want %d", op, calls.Operations(op), n)
				}
				if throttle && n > 0 && got < n+2 {
					t.Errorf("%s reached the fake %d times: its 2 throttles were not retried", op, got)
				}
			}
			if tc.lost {
				for _, op := range athenaOps {
					if got := f.Calls(op); got < calls.Operations(op)+1 {
						t.Errorf("%s reached the fake %d times: its lost response was not retried", op, got)
					}
				}
			}
			if files != nil {
				retried("GetObject", tc.gets, files.Calls("GetObject"))
			}
			// Polls: QUEUED, 3 × RUNNING, SUCCEEDED.
			for op, n := range map[string]int{"StartQueryExecution": 1, "GetQueryExecution": 5, "GetQueryResults": tc.getResults} {
				retried(op, n, f.Calls(op))
			}
		})
	}
}

func TestAthenaFailures(t *testing.T) {
	t.Run("query failed", func(t *testing.T) {
		f := awsapitest.NewAthena(t, 0, func(string) awsapitest.AthenaAnswer {
			return awsapitest.AthenaAnswer{Fail: "HIVE_BAD_DATA: Error parsing field value"}
		})
		_, _, err := athenaRunner(t, f, nil).Usage(context.Background(), athenaTable, athenaWindow)
		if err == nil || !strings.Contains(err.Error(), "FAILED: HIVE_BAD_DATA") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("access denied", func(t *testing.T) {
		f := awsapitest.NewAthena(t, 0, nil)
		f.Deny("StartQueryExecution")
		_, _, err := athenaRunner(t, f, nil).Usage(context.Background(), athenaTable, athenaWindow)
		if err == nil || !strings.Contains(err.Error(), "AccessDeniedException") || !strings.Contains(err.Error(), "StartQueryExecution") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("throttled for good", func(t *testing.T) {
		f := awsapitest.NewAthena(t, 0, func(string) awsapitest.AthenaAnswer { return awsapitest.AthenaAnswer{Columns: athenasql.Columns} })
		f.ThrottleFrom("GetQueryExecution", 1)
		_, _, err := athenaRunner(t, f, nil).Usage(context.Background(), athenaTable, athenaWindow)
		if err == nil || !strings.Contains(err.Error(), "TooManyRequestsException") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("malformed result", func(t *testing.T) {
		f := awsapitest.NewAthena(t, 0, func(string) awsapitest.AthenaAnswer {
			rows := usageRows(2)
			bad := "many"
			rows[1][5] = &bad
			return awsapitest.AthenaAnswer{Columns: athenasql.Columns, Rows: rows}
		})
		_, _, err := athenaRunner(t, f, nil).Usage(context.Background(), athenaTable, athenaWindow)
		if err == nil || !strings.Contains(err.Error(), `row 2: calls "many"`) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		f := awsapitest.NewAthena(t, 1<<30, func(string) awsapitest.AthenaAnswer { return awsapitest.AthenaAnswer{Columns: athenasql.Columns} })
		ctx := cancelAfter(t, func() int { return f.Calls("GetQueryExecution") })
		_, _, err := athenaRunner(t, f, nil).Usage(ctx, athenaTable, athenaWindow)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if !f.Stopped("a1b2c3d4-0000-4000-8000-000000000001") {
			t.Error("the query was not stopped in Athena")
		}
	})
}

// cancelAfter returns a context cancelled once calls reports a call the
// fake has seen, however slowly the machine runs: after the first poll of
// a running query, the query has started and the runner knows its ID, so
// cancelling must stop it.
func cancelAfter(t *testing.T, calls func() int) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		defer cancel()
		for calls() == 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	return ctx
}

// TestAthenaCreateTable runs the DDL, which gives no rows to read.
func TestAthenaCreateTable(t *testing.T) {
	f := awsapitest.NewAthena(t, 1, func(string) awsapitest.AthenaAnswer { return awsapitest.AthenaAnswer{} })
	if err := athenaRunner(t, f, nil).CreateTable(context.Background(), athenaTable); err != nil {
		t.Fatal(err)
	}
	want, _ := athenaTable.DDL()
	if q := f.Queries(); len(q) != 1 || q[0] != want {
		t.Errorf("started %v", q)
	}
	if n := f.Calls("GetQueryResults"); n != 0 {
		t.Errorf("GetQueryResults called %d times for DDL", n)
	}
}

// TestAthenaCoverage reads the coverage query's rows.
func TestAthenaCoverage(t *testing.T) {
	cells := func(v ...string) []*string { return stringPtrs(v) }
	f := awsapitest.NewAthena(t, 0, func(string) awsapitest.AthenaAnswer {
		return awsapitest.AthenaAnswer{Columns: athenasql.CoverageColumns, Rows: [][]*string{
			cells("111122223333", "us-east-1", "2025/06/02", "3", "120", "40"),
			cells("111122223333", "us-east-1", "2025/06/01", "2", "90", "0"),
		}}
	})
	cov, _, err := athenaRunner(t, f, nil).Coverage(context.Background(), athenaTable, athenaWindow)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := athenaTable.CoverageQuery(athenaWindow, athenasql.Athena)
	if q := f.Queries(); len(q) != 1 || q[0] != want {
		t.Errorf("started %v", q)
	}
	if len(cov.Days) != 2 || cov.Days[0].Day != "2025-06-01" || cov.Days[1].Files != 3 || cov.Days[1].DataEvents != 40 {
		t.Errorf("coverage %+v", cov.Days)
	}
}

func stringPtrs(vals []string) []*string {
	out := make([]*string, len(vals))
	for i := range vals {
		out[i] = &vals[i]
	}
	return out
}

// TestAthenaResultFileEqualsPages: the rows read from the result file are
// the rows GetQueryResults returns, cell for cell: NULL and the empty
// string apart (in the last column too), quotes, commas, line ends and
// non-ASCII text inside values.
func TestAthenaResultFileEqualsPages(t *testing.T) {
	null := (*string)(nil)
	str := func(s string) *string { return &s }
	columns := []string{"a", "b,\"quoted\"", "last"}
	rows := [][]*string{
		{str("plain"), str(""), null},
		{null, null, str("")},
		{str(`say "hi"`), str("a,b"), str("line\nbreak")},
		{str(""), str(`""`), str("é ✓")},
		{str(","), null, str(`"`)},
	}
	answer := func(string) awsapitest.AthenaAnswer { return awsapitest.AthenaAnswer{Columns: columns, Rows: rows} }
	pages, err := athenaRunner(t, awsapitest.NewAthena(t, 0, answer), nil).Run(context.Background(), "default", "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	file, err := athenaRunner(t, awsapitest.NewAthena(t, 0, answer), awsapitest.NewS3(t)).Run(context.Background(), "default", "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if pages.ReadFrom != ReadPages || !strings.HasPrefix(file.ReadFrom, "s3://") {
		t.Fatalf("read from %q and %q", pages.ReadFrom, file.ReadFrom)
	}
	for _, res := range []*AthenaResult{pages, file} {
		if diff := cmp.Diff(columns, res.Columns); diff != "" {
			t.Errorf("%s: columns (-want +got):\n%s", res.ReadFrom, diff)
		}
		if diff := cmp.Diff(rows, res.Rows); diff != "" {
			t.Errorf("%s: rows (-want +got):\n%s", res.ReadFrom, diff)
		}
	}
}

// TestAthenaResultFileFailures: a one-column result, whose NULL rows the
// file cannot show, and a result file S3 cannot give are read page by
// page, the reason recorded.
func TestAthenaResultFileFailures(t *testing.T) {
	answer := func(string) awsapitest.AthenaAnswer {
		return awsapitest.AthenaAnswer{Columns: []string{"only"}, Rows: [][]*string{{nil}, {nil}}}
	}
	files := awsapitest.NewS3(t)
	res, err := athenaRunner(t, awsapitest.NewAthena(t, 0, answer), files).Run(context.Background(), "default", "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if res.ReadFrom != ReadPages || !strings.Contains(res.Fallback, "one-column") || len(res.Rows) != 2 {
		t.Errorf("one column: read from %q (%q), %d rows", res.ReadFrom, res.Fallback, len(res.Rows))
	}

	f := awsapitest.NewAthena(t, 0, func(string) awsapitest.AthenaAnswer {
		return awsapitest.AthenaAnswer{Columns: athenasql.Columns, Rows: usageRows(3)}
	})
	r := athenaRunner(t, f, awsapitest.NewS3(t))
	f.WriteResults(nil) // Athena writes no file: S3 answers NoSuchBucket
	res, err = r.Run(context.Background(), "default", "SELECT 1")
	if err != nil {
		t.Fatal(err)
	}
	if res.ReadFrom != ReadPages || res.Fallback != "S3 GetObject: NoSuchBucket: The specified bucket does not exist" || len(res.Rows) != 3 {
		t.Errorf("missing file: read from %q (%q), %d rows", res.ReadFrom, res.Fallback, len(res.Rows))
	}

	// Cancelled while reading the file: an error, no fallback.
	f = awsapitest.NewAthena(t, 0, func(string) awsapitest.AthenaAnswer { return awsapitest.AthenaAnswer{Columns: athenasql.Columns} })
	files = awsapitest.NewS3(t)
	files.Stall("GetObject", time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := athenaRunner(t, f, files).Run(ctx, "default", "SELECT 1"); !errors.Is(err, context.DeadlineExceeded) || f.Calls("GetQueryResults") != 0 {
		t.Errorf("cancelled: got %v after %d pages", err, f.Calls("GetQueryResults"))
	}
}
