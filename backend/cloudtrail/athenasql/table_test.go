package athenasql

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// orgTable is an organization trail's table with projected accounts.
var orgTable = Table{Database: "default", Name: "aegis_cloudtrail", Bucket: "org-trail-logs", Prefix: "trails/main",
	Org: "o-a1b2c3d4e5", Accounts: []string{"111122223333", "444455556666"}, Regions: []string{"us-east-1", "eu-west-1"},
	Since: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("%s differs (go test -update to rewrite):\n%s", name, got)
	}
}

func TestDDL(t *testing.T) {
	ddl, err := orgTable.DDL()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "org.ddl.sql", ddl)

	acct := Table{Database: "audit", Name: "trail", Bucket: "acct-logs", Regions: []string{"eu-west-1"}, Since: orgTable.Since}
	ddl, err = acct.DDL()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "account.ddl.sql", ddl)
	for _, want := range []string{"LOCATION 's3://acct-logs/AWSLogs/'", "'projection.accountid.type'='injected'",
		"'storage.location.template'='s3://acct-logs/AWSLogs/${accountid}/CloudTrail/${region}/${dt}'"} {
		if !strings.Contains(ddl, want) {
			t.Errorf("account-trail DDL lacks %s", want)
		}
	}
}

func TestQuery(t *testing.T) {
	w := Window{Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 8, 30, 0, 0, 0, 0, time.UTC),
		Regions: []string{"eu-west-1"}}
	q, err := orgTable.Query(w, Athena)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "org.query.sql", q)
	if !strings.Contains(q, "dt BETWEEN '2025/05/31' AND '2025/08/30'") {
		t.Error("the day range is not the Go reader's (the day before Start to End's day)")
	}
	duck, err := orgTable.Query(w, DuckDB)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "org.query.duckdb.sql", duck)
	// The dialects differ only in the lines calling the functions they
	// spell differently.
	athenaLines, duckLines := strings.Split(q, "\n"), strings.Split(duck, "\n")
	if len(athenaLines) != len(duckLines) {
		t.Fatalf("the DuckDB query has %d lines, Athena's %d", len(duckLines), len(athenaLines))
	}
	for i, l := range athenaLines {
		if l != duckLines[i] && !strings.Contains(l, "regexp_like(") && !strings.Contains(l, "transform(") && !strings.Contains(l, "json_format(") {
			t.Errorf("line %d differs beyond the dialects' functions:\n%s\n%s", i+1, l, duckLines[i])
		}
	}
	// A part-day window: the days still come from the Go reader's rule.
	part := Window{Start: time.Date(2025, 6, 1, 10, 30, 0, 0, time.UTC), End: time.Date(2025, 6, 2, 12, 0, 0, 0, time.UTC)}
	q, err = orgTable.Query(part, Athena)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"dt BETWEEN '2025/05/31' AND '2025/06/03'", "eventTime >= '2025-06-01T10:30:00Z' AND eventTime < '2025-06-02T12:00:00Z'"} {
		if !strings.Contains(q, want) {
			t.Errorf("part-day query lacks %s", want)
		}
	}
	if strings.Contains(q, "accountid IN") {
		t.Error("a window without accounts filters on accounts")
	}
}

func TestInvalidSettings(t *testing.T) {
	bad := Table{Database: "Default", Name: "t;drop", Bucket: "B", Prefix: "/x/", Org: "o-1", Accounts: []string{"12", "12"},
		Regions: []string{"us-east-1'"}}
	err := bad.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`database "Default"`, `table "t;drop"`, `bucket "B"`, `prefix "/x/"`, `organization "o-1"`,
		`account "12" is not valid`, `region "us-east-1'" is not valid`, "no first day"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := bad.DDL(); err == nil {
		t.Error("DDL of invalid settings")
	}
	injected := orgTable
	injected.Accounts = nil
	day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for name, w := range map[string]Window{
		"the query must name its accounts": {Start: day, End: day.AddDate(0, 0, 1)},
		"empty window":                     {Start: day, End: day, Accounts: []string{"111122223333"}},
		"region ap-south-1 is not projected": {Start: day, End: day.AddDate(0, 0, 1), Accounts: []string{"111122223333"},
			Regions: []string{"ap-south-1"}},
	} {
		if _, err := injected.Query(w, Athena); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := orgTable.Query(Window{Start: day, End: day.AddDate(0, 0, 1), Accounts: []string{"999999999999"}}, Athena); err == nil ||
		!strings.Contains(err.Error(), "not projected") {
		t.Errorf("an account outside the enum: %v", err)
	}
	if _, err := orgTable.DuckDBView("/tmp/it's"); err == nil {
		t.Error("a quote in the glob")
	}
}
