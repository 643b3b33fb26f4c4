package athenasql

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/cloudtrail/internal/duckdbtest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/cloudtrail/ctgen"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// duckDBScript is scripts/athena/duckdb-query.mjs with its pinned
// @duckdb/node-api installed next to it (scripts/athena/duckdb_test.sh sets
// it; `make ci-integration-test` runs that).
const duckDBScript = "AEGIS_DUCKDB_QUERY"

// TestDuckDBEqualsGoAggregator: the generated queries, run by DuckDB over
// the log files, give the same usage rows (their resources included),
// unmapped events and coverage as Go's log reader over the same files: the
// hand-written fixtures (every identity kind, excluded event types,
// duplicates between the organization and the account trail, data events,
// denied and failed calls), a generated tree (several days and files per
// day, sidecars, a missing day) and testdata/resources (every way a record
// names its resources, or fails to).
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
	resources := duckdbtest.GzipTree(t, filepath.Join("testdata", "resources"))
	generated := t.TempDir()
	start := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	const acct = "111122223333"
	role := ctgen.Identity{Type: "AssumedRole", ARN: "arn:aws:iam::" + acct + ":role/service/api"}
	user := ctgen.Identity{Type: "IAMUser", ARN: "arn:aws:iam::" + acct + ":user/ops/dana"}
	if _, err := ctgen.Write(generated, ctgen.Spec{Seed: 7, Start: start, Days: 4, Org: "o-a1b2c3d4e5", AccountTrail: []string{acct},
		Sidecars: true, FilesPerDay: 3,
		Calls: []ctgen.Call{
			{Account: acct, Region: "us-east-1", Identity: role, Source: "s3.amazonaws.com", Name: "GetObject", Data: true, Count: 40},
			{Account: acct, Region: "us-east-1", Identity: role, Source: "s3.amazonaws.com", Name: "ListObjectsV2", Count: 9},
			{Account: acct, Region: "eu-west-1", Identity: role, Source: "lambda.amazonaws.com", Name: "GetFunction20150331v2", Count: 4, Days: []int{0, 3}},
			{Account: acct, Region: "us-east-1", Identity: user, Source: "iam.amazonaws.com", Name: "DeleteUser", ErrorCode: "AccessDenied", Count: 2, Days: []int{2}},
			{Account: acct, Region: "us-east-1", Identity: user, Source: "ec2.amazonaws.com", Name: "RunInstances", ErrorCode: "InsufficientInstanceCapacity", Count: 3},
			{Account: acct, Region: "us-east-1", Identity: user, Source: "dynamodb.amazonaws.com", Name: "ExecuteStatement", Count: 5},
			{Account: acct, Region: "us-east-1", Identity: ctgen.Identity{Type: "AWSService", ARN: "ec2.amazonaws.com"}, Source: "kms.amazonaws.com", Name: "Decrypt", Count: 5},
		},
		Missing: []ctgen.Missing{{Account: acct, Region: "eu-west-1", Day: 2}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, root string
		start, end time.Time
	}{
		{"fixtures", fixtures, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)},
		{"fixtures-part-day", fixtures, time.Date(2025, 6, 1, 14, 1, 0, 0, time.UTC), time.Date(2025, 6, 1, 15, 5, 30, 0, time.UTC)},
		{"generated", generated, start, start.AddDate(0, 0, 4)},
		{"generated-inner-days", generated, start.AddDate(0, 0, 1), start.AddDate(0, 0, 3)},
		{"resources", resources, time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := cloudtrail.ReadDir(context.Background(), tc.root, cloudtrail.Options{DB: db, Start: tc.start, End: tc.end})
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Rows) == 0 {
				t.Fatal("the Go reader found no rows: the case tests nothing")
			}
			if !slices.ContainsFunc(want.Rows, func(r audit.UsageRow) bool { return len(r.Resources) > 0 }) && tc.name != "fixtures-part-day" {
				t.Fatal("the Go reader found no rows with resources: the case tests them not")
			}
			tbl := Table{Database: "aegis", Name: "cloudtrail", Bucket: "local-logs", Org: "o-a1b2c3d4e5", Accounts: []string{"111122223333", "444455556666"},
				Regions: []string{"us-east-1", "eu-west-1"}, Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
			view, err := tbl.DuckDBView(filepath.ToSlash(tc.root) + "/**/CloudTrail/*/*/*/*/*.json.gz")
			if err != nil {
				t.Fatal(err)
			}
			query, err := tbl.Query(Window{Start: tc.start, End: tc.end}, DuckDB)
			if err != nil {
				t.Fatal(err)
			}
			cover, err := tbl.CoverageQuery(Window{Start: tc.start, End: tc.end}, DuckDB)
			if err != nil {
				t.Fatal(err)
			}
			cols, rows := duckdbtest.Run(t, script, view, query)
			counts, err := Decode(cols, rows)
			if err != nil {
				t.Fatal(err)
			}
			cols, rows = duckdbtest.Run(t, script, view, cover)
			cov, err := DecodeCoverage(cols, rows)
			if err != nil {
				t.Fatal(err)
			}
			got := Usage(db, Window{Start: tc.start, End: tc.end}, counts, cov)
			// Athena reports no exclusions and no per-file failures.
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(audit.Usage{}, "Excluded", "Failures")); diff != "" {
				t.Errorf("usage (-Go +DuckDB):\n%s", diff)
			}
			if len(want.Failures) != 0 {
				t.Errorf("the Go reader failed on %v: the case is not one Athena reads alike", want.Failures)
			}
		})
	}
}
