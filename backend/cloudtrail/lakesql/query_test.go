package lakesql

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/cloudtrail/athenasql"
)

var update = flag.Bool("update", false, "rewrite the golden files")

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

var (
	store  = Store{ID: "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE", Partition: "aws", Region: "us-east-1", Account: "111122223333"}
	window = athenasql.Window{Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC),
		Accounts: []string{"111122223333", "444455556666"}, Regions: []string{"us-east-1", "eu-west-1"}}
)

// TestQueries: the generated Lake queries, as golden files.
func TestQueries(t *testing.T) {
	q, err := Query(store, window, Lake)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "query.sql", q+"\n")
	c, err := CoverageQuery(store, window, Lake)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "coverage.sql", c+"\n")
}

// selectList matches the result columns' aliases.
var selectList = regexp.MustCompile(`(?m)^\s+.* AS ([a-z_]+),?$`)

// TestQueryShape: the queries obey Lake's documented constraints, and
// return athenasql's columns so that its decoders read them.
func TestQueryShape(t *testing.T) {
	for name, tc := range map[string]struct {
		build func(Store, athenasql.Window, Dialect) (string, error)
		cols  []string
	}{"usage": {Query, append(slices.Clip(athenasql.Columns), athenasql.ResourceSetsColumn)}, "coverage": {CoverageQuery, athenasql.CoverageColumns}} {
		q, err := tc.build(store, window, Lake)
		if err != nil {
			t.Fatal(err)
		}
		var aliases []string
		for _, m := range selectList.FindAllStringSubmatch(q, -1) {
			aliases = append(aliases, m[1])
		}
		if !slices.Equal(aliases, tc.cols) {
			t.Errorf("%s: columns %v, want %v", name, aliases, tc.cols)
		}
		body := strings.ToUpper(q)
		if !strings.HasPrefix(body, "SELECT\n") || strings.Count(body, "SELECT") != 1 || strings.Contains(body, "WITH ") || strings.Contains(body, "INTERVAL") {
			t.Errorf("%s: not one flat SELECT without INTERVAL:\n%s", name, q)
		}
		if !strings.Contains(q, "\nFROM "+store.ID+"\n") {
			t.Errorf("%s: FROM is not the store's ID:\n%s", name, q)
		}
		if !strings.Contains(q, "WHERE eventTime >= '2025-06-01 00:00:00' AND eventTime < '2025-06-03 00:00:00'") {
			t.Errorf("%s: eventTime is not bounded by the window:\n%s", name, q)
		}
		d, _ := tc.build(store, window, DuckDB)
		if !strings.Contains(d, `FROM "`+store.ID+`"`) || strings.Contains(d, "date_format") || strings.Contains(d, "regexp_like") {
			t.Errorf("%s: DuckDB text:\n%s", name, d)
		}
	}
}

// TestQueryLength: the usage query fits StartQuery's statement for a
// window naming 100 accounts and 9 regions; past the limit, Query says so.
func TestQueryLength(t *testing.T) {
	w := window
	w.Accounts = nil
	for i := range 100 {
		w.Accounts = append(w.Accounts, fmt.Sprintf("%012d", 100000000000+i))
	}
	w.Regions = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-1", "ap-northeast-1"}
	q, err := Query(store, w, Lake)
	if err != nil || len(q) > maxStatement {
		t.Fatalf("%d accounts: %d characters, %v", len(w.Accounts), len(q), err)
	}
	for err == nil && len(w.Accounts) < 1000 {
		w.Accounts = append(w.Accounts, fmt.Sprintf("%012d", 100000000000+len(w.Accounts)))
		_, err = Query(store, w, Lake)
	}
	if err == nil || !strings.Contains(err.Error(), "more than the 10000 Lake takes") {
		t.Errorf("%d accounts: %v", len(w.Accounts), err)
	}
}

// TestQueryBadInput: every problem is reported, nothing reaches the SQL.
func TestQueryBadInput(t *testing.T) {
	w := athenasql.Window{Start: window.End, End: window.Start, Accounts: []string{"1111'"}, Regions: []string{"us-east-1; DROP"}}
	_, err := Query(Store{ID: "x' OR 1=1"}, w, Lake)
	for _, want := range []string{"event data store ID", "empty window", `account "1111'"`, `region "us-east-1; DROP"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if _, err := CoverageQuery(Store{}, window, Lake); err == nil {
		t.Error("coverage query without a store accepted")
	}
}

func TestParseStore(t *testing.T) {
	for _, tc := range []struct {
		in, id, arn, err string
	}{
		{in: "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE", id: "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"},
		{in: store.ARN(), id: store.ID, arn: "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"},
		{in: "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:eventdatastore/0a1b2c3d-4e5f", id: "0a1b2c3d-4e5f",
			arn: "arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:eventdatastore/0a1b2c3d-4e5f"},
		{in: "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/a b", err: "malformed ARN"},
		{in: "arn:aws:cloudtrail:us-east-1:111122223333:trail/main", err: "want its ID or its ARN"},
		{in: "", err: "want its ID or its ARN"},
	} {
		s, err := ParseStore(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || s.ID != tc.id || s.ARN() != tc.arn {
			t.Errorf("%q: got %+v (ARN %q), %v; want ID %q, ARN %q", tc.in, s, s.ARN(), err, tc.id, tc.arn)
		}
	}
}

// FuzzParseStore: no input panics, and whatever is accepted is safe to
// write unquoted in a query's FROM and gives a valid query.
func FuzzParseStore(f *testing.F) {
	for _, s := range []string{store.ID, store.ARN(), "arn:aws:cloudtrail:us-east-1:111122223333:eventdatastore/x'--", "", "--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseStore(in)
		if err != nil {
			return
		}
		if !idRE.MatchString(s.ID) {
			t.Fatalf("%q: accepted ID %q", in, s.ID)
		}
		if _, err := Query(s, window, Lake); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
	})
}

func TestPolicy(t *testing.T) {
	doc, err := Policy(store)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "policy.json", string(doc)+"\n")
	if _, err := Policy(Store{ID: store.ID}); err == nil || !strings.Contains(err.Error(), "needs its ARN") {
		t.Errorf("policy of a store without ARN: %v", err)
	}
}
