package lakesql

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/cloudtrail/internal/duckdbtest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
	"github.com/aegis-iam/aegis/backend/cloudtrail/ctgen"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// duckDBScript is scripts/athena/duckdb-query.mjs with its pinned
// @duckdb/node-api installed next to it (scripts/athena/duckdb_test.sh sets
// it).
const duckDBScript = "AEGIS_DUCKDB_QUERY"

// lakeView makes DuckDB hold the log files under root as an event data
// store would: athenasql's view over the files (every copy of a record
// the organization and account trails delivered, which the query must
// count once), with eventTime a timestamp and requestParameters a map of
// text as in Lake's schema (a member that is not a string holds its JSON
// text). Records whose eventTime is not CloudTrail's shape, which Lake
// never ingests, have none and fall outside every window.
func lakeView(t *testing.T, root string) string {
	t.Helper()
	tbl := athenasql.Table{Database: "aegis", Name: "cloudtrail", Bucket: "local-logs", Org: "o-a1b2c3d4e5", Accounts: []string{"111122223333", "444455556666"},
		Regions: []string{"us-east-1", "eu-west-1"}, Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	view, err := tbl.DuckDBView(filepath.ToSlash(root) + "/**/CloudTrail/*/*/*/*/*.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	return view + `;
CREATE OR REPLACE VIEW "` + store.ID + `" AS
SELECT * REPLACE (CASE WHEN regexp_matches(eventTime, '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')
  THEN CAST(eventTime AS TIMESTAMP) END AS eventTime,
  CASE WHEN json_valid(requestParameters) THEN CASE WHEN json_type(requestParameters) = 'OBJECT'
  THEN CAST(json(requestParameters) AS MAP(VARCHAR, VARCHAR)) END END AS requestParameters)
FROM aegis.cloudtrail;`
}

// TestDuckDBEqualsGoAggregator: the generated Lake queries, run by DuckDB
// over the log files as a store, give the usage rows and unmapped events
// Go's log reader gives over the same files (every identity kind,
// excluded event types, duplicates, data events, denied and failed
// calls, and athenasql's testdata/resources: every way a record names
// its resources, or fails to), their resources included, and per
// recipient account, region and day the events in the window.
func TestDuckDBEqualsGoAggregator(t *testing.T) {
	script := os.Getenv(duckDBScript)
	if script == "" {
		t.Skipf("%s is not set: run scripts/athena/duckdb_test.sh", duckDBScript)
	}
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	fixtures := duckdbtest.GzipTree(t, filepath.Join("..", "testdata", "trail"))
	resources := duckdbtest.GzipTree(t, filepath.Join("..", "athenasql", "testdata", "resources"))
	generated := t.TempDir()
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	const acct = "111122223333"
	role := ctgen.Identity{Type: "AssumedRole", ARN: "arn:aws:iam::" + acct + ":role/service/api"}
	user := ctgen.Identity{Type: "IAMUser", ARN: "arn:aws:iam::" + acct + ":user/ops/dana"}
	if _, err := ctgen.Write(generated, ctgen.Spec{Seed: 11, Start: start, Days: 3, Org: "o-a1b2c3d4e5", AccountTrail: []string{acct}, FilesPerDay: 2,
		Calls: []ctgen.Call{
			{Account: acct, Region: "us-east-1", Identity: role, Source: "s3.amazonaws.com", Name: "GetObject", Data: true, Count: 30},
			{Account: acct, Region: "eu-west-1", Identity: role, Source: "lambda.amazonaws.com", Name: "GetFunction20150331v2", Count: 4, Days: []int{0, 2}},
			{Account: acct, Region: "us-east-1", Identity: user, Source: "iam.amazonaws.com", Name: "DeleteUser", ErrorCode: "AccessDenied", Count: 2, Days: []int{1}},
			{Account: acct, Region: "us-east-1", Identity: user, Source: "ec2.amazonaws.com", Name: "RunInstances", ErrorCode: "InsufficientInstanceCapacity", Count: 3},
			{Account: acct, Region: "us-east-1", Identity: user, Source: "dynamodb.amazonaws.com", Name: "ExecuteStatement", Count: 5},
			{Account: acct, Region: "us-east-1", Identity: ctgen.Identity{Type: "AWSService", ARN: "ec2.amazonaws.com"}, Source: "kms.amazonaws.com", Name: "Decrypt", Count: 5},
		},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, root string
		start, end time.Time
	}{
		{"fixtures", fixtures, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)},
		{"fixtures-part-day", fixtures, time.Date(2025, 6, 1, 14, 1, 0, 0, time.UTC), time.Date(2025, 6, 1, 15, 5, 30, 0, time.UTC)},
		{"generated", generated, start, start.AddDate(0, 0, 3)},
		{"generated-inner-day", generated, start.AddDate(0, 0, 1), start.AddDate(0, 0, 2)},
		{"resources", resources, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := cloudtrail.ReadDir(context.Background(), tc.root, cloudtrail.Options{DB: db, Start: tc.start, End: tc.end})
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Rows) == 0 || len(want.Failures) != 0 {
				t.Fatalf("the Go reader found %d rows, failures %v: the case tests nothing", len(want.Rows), want.Failures)
			}
			if !slices.ContainsFunc(want.Rows, func(r audit.UsageRow) bool { return len(r.Resources) > 0 }) && tc.name != "fixtures-part-day" {
				t.Fatal("the Go reader found no rows with resources: the case tests them not")
			}
			if tc.name == "resources" {
				lakeReadsNumberKey(t, want.Rows)
			}
			w := athenasql.Window{Start: tc.start, End: tc.end}
			view := lakeView(t, tc.root)
			query, err := Query(store, w, DuckDB)
			if err != nil {
				t.Fatal(err)
			}
			cover, err := CoverageQuery(store, w, DuckDB)
			if err != nil {
				t.Fatal(err)
			}
			counts, err := athenasql.Decode(duckdbtest.Run(t, script, view, query))
			if err != nil {
				t.Fatal(err)
			}
			cov, err := athenasql.DecodeCoverage(duckdbtest.Run(t, script, view, cover))
			if err != nil {
				t.Fatal(err)
			}
			got := athenasql.Usage(db, w, counts, cov)
			// Lake reports no exclusions.
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(audit.Usage{}, "Excluded", "Coverage")); diff != "" {
				t.Errorf("usage (-Go +DuckDB):\n%s", diff)
			}
			if diff := cmp.Diff(storeCoverage(t, tc.root, w), got.Coverage, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("coverage (-records +DuckDB):\n%s", diff)
			}
		})
	}
}

// lakeReadsNumberKey makes rows, the log reader's over athenasql's
// testdata/resources, what Lake's schema gives: requestParameters is a
// map<string, string> there, so the number of DeleteObject's "key": 5
// is the text "5", a key, where the log reader takes no key (the bucket,
// which is not a resource of DeleteObject's type: no resources).
func lakeReadsNumberKey(t *testing.T, rows []audit.UsageRow) {
	t.Helper()
	i := slices.IndexFunc(rows, func(r audit.UsageRow) bool {
		return r.Principal == "arn:aws:iam::111122223333:user/s3-bucket" && r.Action == "s3:DeleteObject"
	})
	if i < 0 || rows[i].Resources != nil {
		t.Fatalf("testdata/resources changed: DeleteObject with a number key not found as expected")
	}
	rows[i].Resources = []string{"arn:aws:s3:::drops/*"}
}

// storeCoverage counts what a store holding the log files under root
// holds for w, per recipient account, region and day of eventTime: the
// records (every delivered copy) and the data events among them.
func storeCoverage(t *testing.T, root string, w athenasql.Window) audit.Coverage {
	t.Helper()
	type key struct{ account, region, day string }
	days := map[key]*audit.CoverageDay{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(p, string(filepath.Separator)+"CloudTrail"+string(filepath.Separator)) {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return err
		}
		var file struct {
			Records []struct {
				EventTime          string
				RecipientAccountID string `json:"recipientAccountId"`
				AWSRegion          string `json:"awsRegion"`
				EventCategory      string
				ManagementEvent    *bool
			}
		}
		if err := json.Unmarshal(data, &file); err != nil {
			return nil // a malformed file, which Lake would not have ingested
		}
		for _, r := range file.Records {
			at, err := time.Parse("2006-01-02T15:04:05Z", r.EventTime)
			if err != nil || at.Before(w.Start) || !at.Before(w.End) || r.RecipientAccountID == "" || r.AWSRegion == "" {
				continue
			}
			k := key{r.RecipientAccountID, r.AWSRegion, audit.DayOf(at)}
			if days[k] == nil {
				days[k] = &audit.CoverageDay{Account: k.account, Region: k.region, Day: k.day, Files: 1}
			}
			days[k].Events++
			if r.EventCategory == "Data" || (r.EventCategory == "" && r.ManagementEvent != nil && !*r.ManagementEvent) {
				days[k].DataEvents++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var c audit.Coverage
	for _, d := range days {
		c.Days = append(c.Days, *d)
	}
	slices.SortFunc(c.Days, func(a, b audit.CoverageDay) int {
		return strings.Compare(a.Account+a.Region+a.Day, b.Account+b.Region+b.Day)
	})
	return c
}
