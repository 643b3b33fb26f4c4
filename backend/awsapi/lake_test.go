package awsapi

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
	"github.com/aegis-iam/aegis/backend/cloudtrail/lakesql"
)

const lakeStoreID = "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"

var lakeQuery = LakeQuery{EventDataStore: "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/" + lakeStoreID,
	Accounts: []string{"111122223333"}, Regions: []string{"us-east-1", "eu-west-1"}, Start: athenaWindow.Start, End: athenaWindow.End}

func lakeRunner(t *testing.T, f *awsapitest.Lake) *LakeRunner {
	t.Helper()
	r, _ := countedLakeRunner(t, f, nil)
	return r
}

// countedLakeRunner is lakeRunner with the count of the operations its
// client makes, through client when it is not nil.
func countedLakeRunner(t *testing.T, f *awsapitest.Lake, client aws.HTTPClient) (*LakeRunner, *sdkCalls) {
	t.Helper()
	calls := &sdkCalls{}
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAAUDITOREXAMPLE", "secret", "")}
	r := NewLakeRunner(cfg, func(o *cloudtrail.Options) {
		o.BaseEndpoint = aws.String(f.URL)
		o.RetryMaxAttempts = 4
		o.APIOptions = append(o.APIOptions, calls.apiOption)
		if client != nil {
			o.HTTPClient = client
		}
	})
	r.firstPoll, r.maxPoll = time.Millisecond, 4*time.Millisecond
	return r, calls
}

// lakeAnswer answers the usage query with rows usage rows (the second
// with two resource sets, the others' unknown) and the coverage query
// with two days.
func lakeAnswer(rows int) func(string) awsapitest.LakeAnswer {
	return func(q string) awsapitest.LakeAnswer {
		if strings.Contains(q, "AS data_events") {
			return awsapitest.LakeAnswer{Columns: athenasql.CoverageColumns, Rows: [][]*string{
				stringPtrs([]string{"111122223333", "us-east-1", "2025/06/01", "1", "90", "0"}),
				stringPtrs([]string{"111122223333", "us-east-1", "2025/06/02", "1", "120", "40"}),
			}}
		}
		usage := usageRows(rows)
		for i := range usage {
			usage[i] = append(usage[i], nil) // resources unknown: Lake leaves the NULL out
		}
		if rows > 1 {
			sets := `[["arn:aws:s3:::logs/*"],[]]`
			usage[1][len(usage[1])-1] = &sets
		}
		return awsapitest.LakeAnswer{Columns: append(slices.Clone(athenasql.Columns), athenasql.ResourceSetsColumn), Rows: usage, Scanned: 987654321}
	}
}

// TestLakeUsageRows: both queries are started with the generated text on
// the store's ID, polled through QUEUED and RUNNING, and every page read
// (2,500 rows: three pages; a NULL cell, which Lake leaves out of its
// row, read back as NULL), also under throttling of every call and with
// responses lost in transit, which the SDK retries.
func TestLakeUsageRows(t *testing.T) {
	for _, tc := range []struct{ throttle, lost bool }{{}, {throttle: true}, {lost: true}} {
		throttle := tc.throttle
		t.Run(fmt.Sprintf("throttled=%v,lost=%v", tc.throttle, tc.lost), func(t *testing.T) {
			f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Polls: 3, Answer: lakeAnswer(2500)})
			if throttle {
				for _, op := range []string{"StartQuery", "DescribeQuery", "GetQueryResults"} {
					f.Throttle(op, 2)
				}
			}
			var client aws.HTTPClient
			if tc.lost {
				client = awsapitest.NewLossyClient("StartQuery", "DescribeQuery", "GetQueryResults")
			}
			runner, calls := countedLakeRunner(t, f, client)
			usage, coverage, err := runner.UsageRows(context.Background(), lakeQuery)
			if err != nil {
				t.Fatal(err)
			}
			store, _ := lakesql.ParseStore(lakeQuery.EventDataStore)
			w := athenasql.Window{Start: lakeQuery.Start, End: lakeQuery.End, Accounts: lakeQuery.Accounts, Regions: lakeQuery.Regions}
			wantUsage, _ := lakesql.Query(store, w, lakesql.Lake)
			wantCover, _ := lakesql.CoverageQuery(store, w, lakesql.Lake)
			if q := f.Queries(); len(q) != 2 || q[0] != wantUsage || q[1] != wantCover {
				t.Errorf("queries started: %d, the generated ones: %v", len(q), len(q) == 2 && q[0] == wantUsage && q[1] == wantCover)
			}
			counts, err := athenasql.Decode(usage.Columns, usage.Rows)
			if err != nil {
				t.Fatal(err)
			}
			if len(counts) != 2500 || counts[0].Name != "" || counts[2499].Principal != "arn:aws:iam::111122223333:role/r2499" ||
				counts[1].Count != 3 || !counts[1].Data || usage.Scanned != 987654321 ||
				counts[0].ResourceSets != nil || !reflect.DeepEqual(counts[1].ResourceSets, [][]string{{"arn:aws:s3:::logs/*"}, {}}) {
				t.Errorf("%d counts, first %+v, last %+v, scanned %d", len(counts), counts[0], counts[len(counts)-1], usage.Scanned)
			}
			cov, err := athenasql.DecodeCoverage(coverage.Columns, coverage.Rows)
			if err != nil || len(cov.Days) != 2 || cov.Days[1].Day != "2025-06-02" || cov.Days[1].DataEvents != 40 {
				t.Errorf("coverage %+v, %v", cov.Days, err)
			}
			// Per query, polls: QUEUED, 3 × RUNNING, FINISHED; pages: 3 and 1.
			// Exact operation counts, client side (a loaded machine may
			// retry any attempt); a throttled operation was sent again.
			for op, n := range map[string]int{"StartQuery": 2, "DescribeQuery": 10, "GetQueryResults": 4} {
				if calls.Operations(op) != n {
					t.Errorf("%s called %d times, want %d", op, calls.Operations(op), n)
				}
				if got := f.Calls(op); throttle && got < n+2 || tc.lost && got < n+1 {
					t.Errorf("%s reached the fake %d times: its throttles or lost response were not retried", op, got)
				}
			}
		})
	}
}

// TestLakeEmptyResult: a query without rows still has its columns.
func TestLakeEmptyResult(t *testing.T) {
	f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Answer: func(string) awsapitest.LakeAnswer { return awsapitest.LakeAnswer{} }})
	usage, coverage, err := lakeRunner(t, f).UsageRows(context.Background(), lakeQuery)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := athenasql.Decode(usage.Columns, usage.Rows); err != nil {
		t.Error(err)
	}
	if _, err := athenasql.DecodeCoverage(coverage.Columns, coverage.Rows); err != nil {
		t.Error(err)
	}
}

func TestLakeFailures(t *testing.T) {
	run := func(t *testing.T, f *awsapitest.Lake, ctx context.Context) error {
		t.Helper()
		_, _, err := lakeRunner(t, f).UsageRows(ctx, lakeQuery)
		return err
	}
	t.Run("query failed", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Answer: func(string) awsapitest.LakeAnswer {
			return awsapitest.LakeAnswer{Fail: "Query exceeded the maximum number of rows"}
		}})
		if err := run(t, f, context.Background()); err == nil || !strings.Contains(err.Error(), "FAILED: Query exceeded") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("timed out in Lake", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Answer: func(string) awsapitest.LakeAnswer {
			return awsapitest.LakeAnswer{TimedOut: true}
		}})
		if err := run(t, f, context.Background()); !IsTimeout(err) || !strings.Contains(err.Error(), "TIMED_OUT") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("access denied", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID})
		f.Deny("StartQuery")
		if err := run(t, f, context.Background()); !IsAccessDenied(err) || !strings.Contains(err.Error(), "StartQuery") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("throttled for good", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Answer: lakeAnswer(1)})
		f.ThrottleFrom("DescribeQuery", 1)
		if err := run(t, f, context.Background()); !IsThrottled(err) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("unknown store", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: "EXAMPLE-other"})
		if err := run(t, f, context.Background()); err == nil || !strings.Contains(err.Error(), "EventDataStoreNotFoundException") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("unexpected column", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Answer: func(string) awsapitest.LakeAnswer {
			return awsapitest.LakeAnswer{Columns: []string{"eventid"}, Rows: [][]*string{stringPtrs([]string{"e1"})}}
		}})
		if err := run(t, f, context.Background()); err == nil || !strings.Contains(err.Error(), `row 1: column "eventid"`) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Polls: 1 << 30, Answer: lakeAnswer(1)})
		ctx := cancelAfter(t, func() int { return f.Calls("DescribeQuery") })
		if err := run(t, f, ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if !f.Cancelled("EXAMPLEd-0000-4000-8000-000000000001") {
			t.Error("the query was not cancelled in Lake")
		}
	})
	t.Run("runner's deadline", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Polls: 1 << 30, Answer: lakeAnswer(1)})
		r := lakeRunner(t, f)
		r.maxWait = 30 * time.Millisecond
		_, _, err := r.UsageRows(context.Background(), lakeQuery)
		if !IsTimeout(err) || !strings.Contains(err.Error(), "still running") {
			t.Fatalf("got %v", err)
		}
		if !f.Cancelled("EXAMPLEd-0000-4000-8000-000000000001") {
			t.Error("the query was not cancelled in Lake")
		}
	})
	t.Run("bad store", func(t *testing.T) {
		f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID})
		q := lakeQuery
		q.EventDataStore = "x' OR 1=1"
		if _, _, err := lakeRunner(t, f).UsageRows(context.Background(), q); err == nil || f.Calls("StartQuery") != 0 {
			t.Errorf("got %v, %d queries started", err, f.Calls("StartQuery"))
		}
	})
}

// TestLakeNext: the operations the Lake fake does not serve reach the
// CloudTrail fake behind it, as one endpoint serves both.
func TestLakeNext(t *testing.T) {
	ct := awsapitest.NewCloudTrail(t, awsapitest.CloudTrailAccount{Trails: []byte(`{"trailList":[{"Name":"main"}]}`)})
	f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Next: ct.URL})
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAAUDITOREXAMPLE", "secret", "")}
	trails, err := NewTrailReader(cfg, func(o *cloudtrail.Options) { o.BaseEndpoint = aws.String(f.URL) }).Trails(context.Background())
	if err != nil || !strings.Contains(string(trails), `"main"`) {
		t.Errorf("trails %s, %v", trails, err)
	}
}

// TestLakeHomeRegion: a store given by ARN is queried in its home region,
// whatever the session's; one given by ID in the session's.
func TestLakeHomeRegion(t *testing.T) {
	f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Answer: lakeAnswer(1)})
	f.DenyRegion("us-east-1") // the session's region
	q := lakeQuery
	q.EventDataStore = "arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/" + lakeStoreID
	if _, _, err := lakeRunner(t, f).UsageRows(context.Background(), q); err != nil {
		t.Fatalf("store in eu-west-1: %v", err)
	}
	q.EventDataStore = lakeStoreID
	if _, _, err := lakeRunner(t, f).UsageRows(context.Background(), q); !IsAccessDenied(err) || !strings.Contains(err.Error(), "us-east-1") {
		t.Errorf("store by ID, from us-east-1: %v", err)
	}
}

// TestLakeStores: every page of ListEventDataStores is read.
func TestLakeStores(t *testing.T) {
	f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: lakeStoreID, Others: []string{"EXAMPLE-old-1", "EXAMPLE-old-2"}})
	f.Throttle("ListEventDataStores", 1)
	runner, calls := countedLakeRunner(t, f, nil)
	stores, err := runner.Stores(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 3 || stores[0].ARN != "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/"+lakeStoreID || stores[0].Status != "ENABLED" ||
		!stores[0].Organization || stores[0].RetentionDays != 2557 || stores[2].Name != "old-store-2" {
		t.Errorf("stores %+v", stores)
	}
	// Two pages; the throttled first one sent again.
	if n, got := calls.Operations("ListEventDataStores"), f.Calls("ListEventDataStores"); n != 2 || got < 3 {
		t.Errorf("ListEventDataStores: %d calls reaching the fake %d times, want 2 calls and a retry", n, got)
	}
}

// BenchmarkLakeUsageRows: both queries through the local Lake endpoint,
// 10,000 usage rows (ten pages), decoded as the CLI decodes them.
func BenchmarkLakeUsageRows(b *testing.B) {
	f := awsapitest.NewLake(b, awsapitest.LakeStore{ID: lakeStoreID, Answer: lakeAnswer(10000)})
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKIAAUDITOREXAMPLE", "secret", "")}
	r := NewLakeRunner(cfg, func(o *cloudtrail.Options) { o.BaseEndpoint = aws.String(f.URL) })
	r.firstPoll, r.maxPoll = time.Millisecond, time.Millisecond
	for b.Loop() {
		usage, _, err := r.UsageRows(context.Background(), lakeQuery)
		if err != nil {
			b.Fatal(err)
		}
		if counts, err := athenasql.Decode(usage.Columns, usage.Rows); err != nil || len(counts) != 10000 {
			b.Fatal(len(counts), err)
		}
	}
}
