package collecttest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
)

// LakeStoreID is the event data store Account.Lake serves; LakeStoreARN
// is its ARN in the profile's region.
const (
	LakeStoreID  = "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"
	LakeStoreARN = "arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/" + LakeStoreID
)

// WriteLogs writes the management events the CloudTrail fake holds, in
// the profile's region and OtherRegion, as a trail delivers them under
// dir: one file a region and day for the days days up to EventsEnd's, a
// day without events an empty file. Event history holds no data events, so
// neither do the logs: an offline import of them reads what a live
// collection reads.
func WriteLogs(t testing.TB, dir string, days int) {
	t.Helper()
	for _, region := range []string{"eu-west-1", OtherRegion} {
		var file struct{ Records []json.RawMessage }
		if err := json.Unmarshal(awsapitest.LogFileIn(region, Events, EventsEnd), &file); err != nil {
			t.Fatal(err)
		}
		byDay := map[string][]string{}
		for _, r := range file.Records {
			var v struct {
				EventTime       time.Time `json:"eventTime"`
				ManagementEvent bool      `json:"managementEvent"`
			}
			if err := json.Unmarshal(r, &v); err != nil {
				t.Fatal(err)
			}
			if v.ManagementEvent {
				day := v.EventTime.Format("2006/01/02")
				byDay[day] = append(byDay[day], string(r))
			}
		}
		for d := EventsEnd.Truncate(24*time.Hour).AddDate(0, 0, 1-days); d.Before(EventsEnd); d = d.AddDate(0, 0, 1) {
			day := d.Format("2006/01/02")
			p := filepath.Join(dir, "AWSLogs", "111122223333", "CloudTrail", region, day)
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			fmt.Fprintf(zw, `{"Records":[%s]}`, strings.Join(byDay[day], ","))
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("111122223333_CloudTrail_%s_%sT2355Z_0000000000000001.json.gz", region, d.Format("20060102"))
			if err := os.WriteFile(filepath.Join(p, name), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Athena starts a fake Athena answering Aegis's two queries with what
// Athena returns over the logs u was read from (an offline import of
// WriteLogs' files): u's rows, their resources included, and its coverage
// (queryAnswers). A query's result file goes to a fake S3, which hands
// the bucket-level calls on to the Resources fake. The SDK's Athena and S3
// clients are pointed at the two (t.Setenv).
func (a *Account) Athena(t testing.TB, u *audit.Usage) (*awsapitest.Athena, *awsapitest.S3) {
	t.Helper()
	usage, coverage := queryAnswers(t, u, func(d audit.CoverageDay) int { return d.Files })
	f := awsapitest.NewAthena(t, 1, func(q string) awsapitest.AthenaAnswer {
		if strings.Contains(q, "log coverage") {
			return awsapitest.AthenaAnswer{Columns: athenasql.CoverageColumns, Rows: coverage}
		}
		return awsapitest.AthenaAnswer{Columns: usageColumns(), Rows: usage}
	})
	files := awsapitest.NewS3(t)
	f.WriteResults(files)
	resources, err := url.Parse(a.Resources.URL)
	if err != nil {
		t.Fatal(err)
	}
	files.Forward(httputil.NewSingleHostReverseProxy(resources))
	t.Setenv("AWS_ENDPOINT_URL_ATHENA", f.URL)
	t.Setenv("AWS_ENDPOINT_URL_S3", files.URL)
	return f, files
}

// Lake starts a fake CloudTrail Lake for LakeStoreID in front of the
// CloudTrail fake, answering Aegis's two queries with what the store
// holds for the logs u was read from: u's rows, their resources included,
// and its coverage, a day with events one file (lakesql's coverage query
// counts a store's day as one). The SDK's CloudTrail client is pointed at
// it (t.Setenv). The generated SQL itself is run over log files by
// lakesql's DuckDB test.
func (a *Account) Lake(t testing.TB, u *audit.Usage) *awsapitest.Lake {
	t.Helper()
	usage, coverage := queryAnswers(t, u, func(audit.CoverageDay) int { return 1 })
	f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: LakeStoreID, Polls: 1, Next: a.CloudTrail.URL,
		Answer: func(q string) awsapitest.LakeAnswer {
			if strings.Contains(q, "AS data_events") {
				return awsapitest.LakeAnswer{Columns: athenasql.CoverageColumns, Rows: coverage}
			}
			return awsapitest.LakeAnswer{Columns: usageColumns(), Rows: usage}
		}})
	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", f.URL)
	return f
}

// usageColumns are the aggregate query's: athenasql's Columns and
// ResourceSetsColumn.
func usageColumns() []string {
	return append(slices.Clone(athenasql.Columns), athenasql.ResourceSetsColumn)
}

// queryAnswers are u as the aggregate query's rows (usageColumns) and the
// coverage query's (athenasql.CoverageColumns). The fakes' events are each
// service's own (sqs GetQueueAttributes), so a row's event is its
// action's; its resources are one set, NULL where unknown. Coverage has a
// row for each day with events, files of them: a query sees no record in
// an empty file, so no day.
func queryAnswers(t testing.TB, u *audit.Usage, files func(audit.CoverageDay) int) (usage, coverage [][]*string) {
	t.Helper()
	for _, r := range u.Rows {
		service, name, _ := strings.Cut(r.Action, ":")
		data := "0"
		if r.Data {
			data = "1"
		}
		row := cells("111122223333", r.Principal, service+".amazonaws.com", name, string(r.Outcome), strconv.FormatInt(r.Count, 10),
			r.First.UTC().Format("2006-01-02T15:04:05Z"), r.Last.UTC().Format("2006-01-02T15:04:05Z"), data)
		var sets *string // resources unknown
		if r.Resources != nil {
			b, _ := json.Marshal([][]string{r.Resources})
			sets = cells(string(b))[0]
		}
		usage = append(usage, append(row, sets))
	}
	for _, d := range u.Coverage.Days {
		if d.Events > 0 {
			coverage = append(coverage, cells(d.Account, d.Region, strings.ReplaceAll(d.Day, "-", "/"), strconv.Itoa(files(d)),
				strconv.FormatInt(d.Events, 10), strconv.FormatInt(d.DataEvents, 10)))
		}
	}
	if len(usage) == 0 || len(coverage) == 0 {
		t.Fatal("the logs hold no usage: the comparison would prove nothing")
	}
	return usage, coverage
}

func cells(vals ...string) []*string {
	out := make([]*string, len(vals))
	for i := range vals {
		out[i] = &vals[i]
	}
	return out
}
