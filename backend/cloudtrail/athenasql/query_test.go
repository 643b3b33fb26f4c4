package athenasql

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

func cells(vals ...string) []*string {
	out := make([]*string, len(vals))
	for i := range vals {
		if vals[i] != "NULL" {
			out[i] = &vals[i]
		}
	}
	return out
}

func TestDecode(t *testing.T) {
	rows := [][]*string{
		cells("111122223333", "arn:aws:iam::111122223333:role/app", "s3.amazonaws.com", "GetObject", "ok", "40", "2025-06-01T00:00:01Z", "2025-06-02T10:00:00Z", "1"),
		cells("111122223333", "arn:aws:iam::111122223333:user/dana", "NULL", "NULL", "denied", "2", "2025-06-01T00:00:01Z", "2025-06-01T00:00:01Z", "0"),
	}
	got, err := Decode(Columns, rows)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2025, 6, 1, 0, 0, 1, 0, time.UTC)
	want := []cloudtrail.EventCount{
		{Principal: "arn:aws:iam::111122223333:role/app", Source: "s3.amazonaws.com", Name: "GetObject", Outcome: audit.OutcomeOK,
			Count: 40, First: day, Last: time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC), Data: true},
		{Principal: "arn:aws:iam::111122223333:user/dana", Outcome: audit.OutcomeDenied, Count: 2, First: day, Last: day},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	bad := [][]*string{
		cells("a", "NULL", "s", "n", "ok", "1", "2025-06-01T00:00:01Z", "2025-06-01T00:00:01Z", "0"),
		cells("a", "p", "s", "n", "maybe", "1", "2025-06-01T00:00:01Z", "2025-06-01T00:00:01Z", "0"),
		cells("a", "p", "s", "n", "ok", "x", "2025-06-01T00:00:01Z", "2025-06-01T00:00:01Z", "0"),
		cells("a", "p", "s", "n", "ok", "1", "yesterday", "2025-06-01T00:00:01Z", "0"),
		cells("a", "p", "s", "n", "ok", "1", "2025-06-01T00:00:01Z", "2025-06-01T00:00:01Z", "true"),
		cells("a", "p"),
	}
	_, err = Decode(Columns, bad)
	for _, want := range []string{"row 1: no principal", `row 2: outcome "maybe"`, `row 3: calls "x"`, "row 4: first_seen", `row 5: data_event "true"`, "row 6: 2 cells"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if _, err := Decode([]string{"principal"}, nil); err == nil {
		t.Error("wrong columns accepted")
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("arn:aws:iam::111122223333:role/app", "ok", "3", "2025-06-01T00:00:01Z", "1", `[["arn:aws:s3:::a/*"],[]]`)
	f.Add("", "denied", "-1", "2025-13-01T00:00:01Z", "", "[[1]]")
	f.Fuzz(func(t *testing.T, principal, outcome, calls, when, data, sets string) {
		rows := [][]*string{{nil, &principal, nil, nil, &outcome, &calls, &when, &when, &data, &sets}}
		got, err := Decode(append(slices.Clone(Columns), ResourceSetsColumn), rows)
		if err == nil && (len(got) != 1 || got[0].Count <= 0 || got[0].Principal == "" || got[0].ResourceSets == nil) {
			t.Errorf("accepted %+v", got)
		}
	})
}

func TestCoverageQuery(t *testing.T) {
	w := Window{Start: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2025, 8, 30, 0, 0, 0, 0, time.UTC),
		Accounts: []string{"111122223333"}, Regions: []string{"eu-west-1"}}
	q, err := orgTable.CoverageQuery(w, Athena)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "org.coverage.sql", q)
	if _, err := orgTable.CoverageQuery(Window{}, Athena); err == nil {
		t.Error("an empty window accepted")
	}
}

func TestDecodeCoverage(t *testing.T) {
	got, err := DecodeCoverage(CoverageColumns, [][]*string{
		cells("444455556666", "eu-west-1", "2025/06/01", "1", "4", "0"),
		cells("111122223333", "us-east-1", "2025/06/02", "3", "120", "40"),
		cells("111122223333", "us-east-1", "2025/06/01", "2", "90", "0"),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []audit.CoverageDay{
		{Account: "111122223333", Region: "us-east-1", Day: "2025-06-01", Files: 2, Events: 90},
		{Account: "111122223333", Region: "us-east-1", Day: "2025-06-02", Files: 3, Events: 120, DataEvents: 40},
		{Account: "444455556666", Region: "eu-west-1", Day: "2025-06-01", Files: 1, Events: 4},
	}
	if diff := cmp.Diff(want, got.Days); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, err = DecodeCoverage(CoverageColumns, [][]*string{
		cells("1", "us-east-1", "2025/06/01", "1", "1", "0"),
		cells("111122223333", "us-east-1", "June", "1", "1", "0"),
		cells("111122223333", "us-east-1", "2025/06/01", "1", "1", "2"),
		cells("111122223333", "us-east-1", "2025/06/01", "NULL", "1", "0"),
	})
	for _, want := range []string{`row 1: account "1"`, `row 2: day "June"`, `row 3: counts`, "row 4: files is NULL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// TestDecodeResourceSets: the resource_sets column becomes the counts'
// resource sets and, through Usage, the rows' resources: the ARNs of an
// action's resource types that every call named, unknown when a call
// named none of them, when the sets were too many (NULL), or when the
// result has no such column.
func TestDecodeResourceSets(t *testing.T) {
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	row := func(principal, event, sets string) []*string {
		return cells("111122223333", "arn:aws:iam::111122223333:role/"+principal, "s3.amazonaws.com", event, "ok", "2",
			"2025-06-01T00:00:01Z", "2025-06-01T00:00:09Z", "1", sets)
	}
	withSets := append(slices.Clone(Columns), ResourceSetsColumn)
	counts, err := Decode(withSets, [][]*string{
		row("named", "GetObject", `[["arn:aws:s3:::a","arn:aws:s3:::a/*"],["arn:aws:s3:::b/*"]]`),
		row("one-unnamed", "GetObject", `[["arn:aws:s3:::a/*"],[]]`),
		row("too-many", "GetObject", "NULL"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := counts[0].ResourceSets; len(got) != 2 || len(got[0]) != 2 || counts[2].ResourceSets != nil {
		t.Errorf("sets %q, %q", got, counts[2].ResourceSets)
	}
	u := Usage(db, Window{}, counts, audit.Coverage{})
	resources := map[string][]string{}
	for _, r := range u.Rows {
		resources[r.Principal[strings.LastIndexByte(r.Principal, '/')+1:]] = r.Resources
	}
	want := map[string][]string{"named": {"arn:aws:s3:::a/*", "arn:aws:s3:::b/*"}, "one-unnamed": nil, "too-many": nil}
	if diff := cmp.Diff(want, resources); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}

	_, err = Decode(withSets, [][]*string{
		row("a", "GetObject", `{"not":"sets"}`),
		row("b", "GetObject", `[["bucket"]]`),
		row("c", "GetObject", `[null]`),
		row("d", "GetObject", "["+strings.Repeat(`[],`, 32)+"[]]"),
	})
	for _, want := range []string{"row 1: resource_sets", `row 2: resource_sets: "bucket" is not an ARN`, "row 3: resource_sets", "row 4: resource_sets: 33 sets"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}
