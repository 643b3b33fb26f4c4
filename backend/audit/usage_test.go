package audit

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(DayLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOutcomeAuthorized(t *testing.T) {
	for o, want := range map[Outcome]bool{OutcomeOK: true, OutcomeError: true, OutcomeDenied: false} {
		if got := o.Authorized(); got != want {
			t.Errorf("%s.Authorized() = %v, want %v", o, got, want)
		}
	}
}

func TestUsageRowAdd(t *testing.T) {
	var r UsageRow
	r.Add(2, day("2025-06-03"), day("2025-06-04"))
	r.Add(1, day("2025-06-01"), day("2025-06-02"))
	r.Add(5, day("2025-06-05"), day("2025-06-09"))
	if r.Count != 8 || !r.First.Equal(day("2025-06-01")) || !r.Last.Equal(day("2025-06-09")) {
		t.Errorf("got %d %s..%s, want 8 2025-06-01..2025-06-09", r.Count, r.First, r.Last)
	}
}

func TestUsageRowCompare(t *testing.T) {
	rows := []UsageRow{
		{Principal: "b", Action: "s3:GetObject", Outcome: OutcomeOK},
		{Principal: "a", Action: "s3:PutObject", Outcome: OutcomeOK, Uncertain: true},
		{Principal: "a", Action: "s3:PutObject", Outcome: OutcomeOK},
		{Principal: "a", Action: "s3:PutObject", Outcome: OutcomeDenied},
		{Principal: "a", Action: "iam:GetRole", Outcome: OutcomeOK},
	}
	slices.SortFunc(rows, func(a, b UsageRow) int { return a.Compare(&b) })
	var got []string
	for _, r := range rows {
		s := r.Principal + " " + r.Action + " " + string(r.Outcome)
		if r.Uncertain {
			s += "?"
		}
		got = append(got, s)
	}
	want := []string{"a iam:GetRole ok", "a s3:PutObject denied", "a s3:PutObject ok", "a s3:PutObject ok?", "b s3:GetObject ok"}
	if !slices.Equal(got, want) {
		t.Errorf("sorted\n got %q\nwant %q", got, want)
	}
}

func TestCoverageGaps(t *testing.T) {
	c := Coverage{Days: []CoverageDay{
		{Account: "111122223333", Region: "us-east-1", Day: "2025-06-01", Files: 3, Events: 10},
		{Account: "111122223333", Region: "us-east-1", Day: "2025-06-02", Files: 2, Failed: 1},
		{Account: "111122223333", Region: "us-east-1", Day: "2025-06-05", Files: 1},
		{Account: "111122223333", Region: "eu-west-1", Day: "2025-06-01", Files: 1, DataEvents: 4},
		{Account: "111122223333", Region: "eu-west-1", Day: "2025-06-02", Files: 1},
		{Account: "111122223333", Region: "eu-west-1", Day: "2025-06-03", Files: 1},
		{Account: "111122223333", Region: "eu-west-1", Day: "2025-06-04", Files: 1},
		{Account: "111122223333", Region: "eu-west-1", Day: "2025-06-05", Files: 1},
	}}
	start, end := day("2025-06-01"), day("2025-06-06")
	got := c.Gaps(start, end)
	want := []Gap{
		{Account: "111122223333", Region: "us-east-1", From: "2025-06-02", To: "2025-06-02", Reason: GapFailed},
		{Account: "111122223333", Region: "us-east-1", From: "2025-06-03", To: "2025-06-04", Reason: GapNoLogs},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Gaps\n got %+v\nwant %+v", got, want)
	}
	if !c.Covered("111122223333", "eu-west-1", start, end) {
		t.Error("eu-west-1 should be covered")
	}
	if c.Covered("111122223333", "us-east-1", start, end) {
		t.Error("us-east-1 should not be covered")
	}
	if c.Covered("111122223333", "ap-south-1", start, end) {
		t.Error("a region without logs should not be covered")
	}
	if !c.DataSeen("111122223333", start, end) || c.DataSeen("111122223333", day("2025-06-02"), end) {
		t.Error("DataSeen should see the data events of 2025-06-01 only")
	}
}

func TestJudge(t *testing.T) {
	end := day("2025-09-01")
	used := &UsageRow{Action: "s3:GetObject", Outcome: OutcomeOK, Count: 3, Last: day("2025-08-01")}
	denied := &UsageRow{Action: "s3:GetObject", Outcome: OutcomeDenied, Count: 3}
	uncertain := &UsageRow{Action: "dynamodb:GetItem", Outcome: OutcomeOK, Count: 1, Uncertain: true}
	old := day("2024-01-01")
	tests := []struct {
		name    string
		used    *UsageRow
		granted time.Time
		reasons []UnknownReason
		want    Verdict
	}{
		{"used beats doubt", used, old, []UnknownReason{ReasonGap}, Verdict{State: StateUsed, Count: 3, Last: day("2025-08-01")}},
		{"unused", nil, old, nil, Verdict{State: StateUnused}},
		{"grant date unknown", nil, time.Time{}, nil, Verdict{State: StateUnused}},
		{"denied is not use", denied, old, nil, Verdict{State: StateUnused}},
		{"too new", nil, end.Add(-13 * 24 * time.Hour), []UnknownReason{ReasonGap}, Verdict{State: StateTooNew}},
		{"14 days is judged", nil, end.Add(-NewPermissionAge), nil, Verdict{State: StateUnused}},
		{"reasons sorted and unique", uncertain, old,
			[]UnknownReason{ReasonUncertainMapping, ReasonGap, ReasonUncertainMapping},
			Verdict{State: StateUnknown, Reasons: []UnknownReason{ReasonGap, ReasonUncertainMapping}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Judge(tt.used, tt.granted, end, tt.reasons...); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Judge(%+v, %s, %v)\n got %+v\nwant %+v", tt.used, tt.granted, tt.reasons, got, tt.want)
			}
		})
	}
}
