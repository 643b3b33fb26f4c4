package result

import (
	"slices"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/internal/fixture"
	"github.com/aegis-iam/aegis/backend/audit/unused"
)

// TestCoverageRegions checks coverage.regions: every region the account's
// logs mention, with the window's days it has logs for and complete logs
// for, and none from another account or outside the window.
func TestCoverageRegions(t *testing.T) {
	db, s := fixture.Snapshot(t)
	u := fixture.Usage("2026-09-10", "2026-09-11")
	day := func(region string, d time.Time, files, failed int) audit.CoverageDay {
		return audit.CoverageDay{Account: fixture.Account, Region: region, Day: audit.DayOf(d), Files: files, Failed: failed, Events: 7}
	}
	u.Coverage.Days = append(u.Coverage.Days,
		day("us-east-1", fixture.Start, 2, 0),
		day("us-east-1", fixture.Start, 1, 0), // a second file of the same day
		day("us-east-1", fixture.Start.AddDate(0, 0, 1), 1, 1),
		day("us-east-1", fixture.End, 3, 0), // after the window
		audit.CoverageDay{Account: "999999999999", Region: "ap-south-1", Day: audit.DayOf(fixture.Start), Files: 1, Events: 1},
	)
	a, err := Run(db, s, u, unused.Window{})
	if err != nil {
		t.Fatal(err)
	}
	want := []RegionCoverage{
		{Region: "eu-west-1", Days: 88, CompleteDays: 88, Events: 8800},
		{Region: "us-east-1", Days: 2, CompleteDays: 1, Events: 21},
	}
	if !slices.Equal(a.Coverage.Regions, want) {
		t.Errorf("regions = %+v, want %+v", a.Coverage.Regions, want)
	}

	a, err = Run(db, s, nil, unused.Window{Start: fixture.Start, End: fixture.End})
	if err != nil {
		t.Fatal(err)
	}
	if a.Coverage.Regions == nil || len(a.Coverage.Regions) != 0 {
		t.Errorf("regions without usage = %#v, want an empty list", a.Coverage.Regions)
	}
}
