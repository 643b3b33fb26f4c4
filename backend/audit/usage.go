package audit

import (
	"slices"
	"strings"
	"time"
)

// Usage is what the logs say an account's principals did in a window:
// aggregated rows, the events that could not be mapped to IAM actions, the
// coverage of the logs and the sources that failed to read. The local
// CloudTrail reader (package cloudtrail) and the Athena push-down fill the
// same value; the analysis reads only it.
type Usage struct {
	// Start and End bound the window (End exclusive), in UTC. Events
	// outside it are not counted.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Rows has one row per (principal, action, outcome), sorted by
	// principal, action, outcome.
	Rows []UsageRow `json:"rows,omitempty"`
	// Unmapped are events whose IAM meaning is not known: their service's
	// actions are unknown for the principal, never used.
	Unmapped []UnmappedEvent `json:"unmapped,omitempty"`
	// Excluded counts the events in the window that are not a principal's
	// use of a permission: by eventType for events that are not calls
	// (AwsServiceEvent, AwsConsoleSignIn…), by userIdentity.type for calls
	// of no IAM principal (AWSService, AWSAccount, SAMLUser…), or by the
	// reason attribution failed ("AssumedRole without sessionIssuer").
	Excluded map[string]int64 `json:"excluded,omitempty"`
	// Coverage says which account/region/days had logs.
	Coverage Coverage `json:"coverage"`
	// Failures are the sources (log files, queries) that could not be read
	// completely: their days are gaps.
	Failures []SourceFailure `json:"failures,omitempty"`
}

// Outcome is how a call ended, as far as authorization is concerned.
type Outcome string

// Outcomes. An error other than an authorization failure (NoSuchEntity,
// ValidationException, throttling) means the call was authorized first.
const (
	OutcomeOK     Outcome = "ok"     // no errorCode
	OutcomeDenied Outcome = "denied" // AccessDenied, UnauthorizedOperation, …
	OutcomeError  Outcome = "error"  // any other errorCode
)

// Authorized reports whether a call with this outcome passed authorization,
// which is what makes its actions used. A denied call is an attempt: a
// signal of breakage or of a missing permission, never a use.
func (o Outcome) Authorized() bool { return o == OutcomeOK || o == OutcomeError }

// UsageRow aggregates the calls of one principal that needed one action
// and ended the same way.
type UsageRow struct {
	// Principal is the IAM ARN the call is attributed to: the user
	// (arn:aws:iam::111122223333:user/path/name), the role with its path
	// (for a role session, its sessionIssuer), or the account root
	// (arn:aws:iam::111122223333:root).
	Principal string `json:"principal"`
	// Action is the IAM action ("s3:GetObject"), spelled as the IAM
	// database spells it.
	Action  string  `json:"action"`
	Outcome Outcome `json:"outcome"`
	// Uncertain marks an action that the call may or may not have needed
	// (one of several candidates, as for a DynamoDB PartiQL statement). An
	// uncertain row makes its action unknown, never used.
	Uncertain bool      `json:"uncertain,omitempty"`
	Count     int64     `json:"count"`
	First     time.Time `json:"firstSeen"`
	Last      time.Time `json:"lastSeen"`
	// Data is true when the calls were data events (S3 object, Lambda
	// Invoke, DynamoDB item operations…), false for management events.
	Data bool `json:"dataEvent,omitempty"`
	// Resources are the resources every one of the calls acted on, sorted:
	// ARNs of the action's resource types, or ARN patterns (an S3 object
	// is its bucket's "arn:aws:s3:::BUCKET/*"). Empty when some call's
	// record did not name its resource: the action's resources are then
	// unknown.
	Resources []string `json:"resources,omitempty"`
}

// Used reports whether the row proves the principal used the action.
func (r *UsageRow) Used() bool { return !r.Uncertain && r.Outcome.Authorized() && r.Count > 0 }

// Add counts n more calls seen from first to last.
func (r *UsageRow) Add(n int64, first, last time.Time) {
	if r.Count == 0 || first.Before(r.First) {
		r.First = first
	}
	if r.Count == 0 || last.After(r.Last) {
		r.Last = last
	}
	r.Count += n
}

// Compare orders rows by principal, action, outcome, then uncertainty
// (certain first): the order of Usage.Rows.
func (r *UsageRow) Compare(o *UsageRow) int {
	if c := strings.Compare(r.Principal, o.Principal); c != 0 {
		return c
	}
	if c := strings.Compare(r.Action, o.Action); c != 0 {
		return c
	}
	if c := strings.Compare(string(r.Outcome), string(o.Outcome)); c != 0 {
		return c
	}
	switch {
	case r.Uncertain == o.Uncertain:
		return 0
	case o.Uncertain:
		return -1
	}
	return 1
}

// UnmappedEvent aggregates the calls of one principal to one event that
// the IAM database cannot map to actions. Prefix is the IAM service prefix
// of the event source when it is known, empty otherwise.
type UnmappedEvent struct {
	Principal string    `json:"principal"`
	Source    string    `json:"eventSource"`
	Name      string    `json:"eventName"`
	Prefix    string    `json:"prefix,omitempty"`
	Outcome   Outcome   `json:"outcome"`
	Count     int64     `json:"count"`
	First     time.Time `json:"firstSeen"`
	Last      time.Time `json:"lastSeen"`
}

// SourceFailure is a log file or query that could not be read completely.
// Offset is the byte offset in the decompressed stream where reading
// stopped (-1 when unknown); Line is its 1-based line (0 when unknown).
type SourceFailure struct {
	Source  string `json:"source"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Day     string `json:"day,omitempty"` // YYYY-MM-DD of the delivery folder
	Offset  int64  `json:"offset"`
	Line    int    `json:"line,omitempty"`
	Err     string `json:"error"`
}

// DayLayout formats the days of Coverage: the UTC calendar date.
const DayLayout = "2006-01-02"

// DayOf returns t's UTC calendar day in DayLayout.
func DayOf(t time.Time) string { return t.UTC().Format(DayLayout) }

// Coverage records, per account, region and UTC day, whether logs were
// read. A day with no row, or with failed sources, is a gap: usage in it is
// unknown.
type Coverage struct {
	Days []CoverageDay `json:"days,omitempty"`
}

// CoverageDay is what was read for one account, region and day (the
// delivery folder AWSLogs/…/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD).
type CoverageDay struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	Day     string `json:"day"` // DayLayout
	// Files is the number of log files read completely; Failed the number
	// that could not be (see Usage.Failures).
	Files  int `json:"files"`
	Failed int `json:"failed,omitempty"`
	// Events counts the records read (duplicates included); DataEvents
	// those of them that were data events. Seeing data events proves the
	// trail logged some; seeing none proves nothing (see DataLogged).
	Events     int64 `json:"events"`
	DataEvents int64 `json:"dataEvents,omitempty"`
}

// Complete reports whether the day's logs were all read.
func (d *CoverageDay) Complete() bool { return d.Files > 0 && d.Failed == 0 }

// Add merges o (same account, region and day) into d.
func (d *CoverageDay) Add(o CoverageDay) {
	d.Files += o.Files
	d.Failed += o.Failed
	d.Events += o.Events
	d.DataEvents += o.DataEvents
}

// GapReason says why days are a gap.
type GapReason string

// Gap reasons.
const (
	GapNoLogs = GapReason("no-logs")     // no log file was delivered for the day
	GapFailed = GapReason("read-failed") // a log file of the day could not be read
)

// Gap is a run of consecutive days of one account and region without
// complete logs. From and To are inclusive days in DayLayout.
type Gap struct {
	Account string    `json:"account"`
	Region  string    `json:"region"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Reason  GapReason `json:"reason"`
}

// Pairs returns the account/region pairs that have at least one day, sorted.
func (c *Coverage) Pairs() [][2]string {
	var out [][2]string
	for _, d := range c.Days {
		out = append(out, [2]string{d.Account, d.Region})
	}
	slices.SortFunc(out, func(a, b [2]string) int {
		if n := strings.Compare(a[0], b[0]); n != 0 {
			return n
		}
		return strings.Compare(a[1], b[1])
	})
	return slices.Compact(out)
}

// Gaps returns the gaps of every account/region pair in Pairs over the
// days from start up to end (exclusive), sorted by account, region and
// day. A pair the logs never mention is not known to exist and has no
// gaps here; the caller checks the regions it expects with Covered.
func (c *Coverage) Gaps(start, end time.Time) []Gap {
	idx := c.index()
	var out []Gap
	for _, p := range c.Pairs() {
		var cur *Gap
		for day := start.UTC().Truncate(24 * time.Hour); day.Before(end); day = day.AddDate(0, 0, 1) {
			ds := DayOf(day)
			reason := GapReason("")
			switch d, ok := idx[dayKey{p[0], p[1], ds}]; {
			case !ok || d.Files+d.Failed == 0:
				reason = GapNoLogs
			case d.Failed > 0:
				reason = GapFailed
			}
			if reason == "" {
				cur = nil
				continue
			}
			if cur != nil && cur.Reason == reason {
				cur.To = ds
				continue
			}
			out = append(out, Gap{Account: p[0], Region: p[1], From: ds, To: ds, Reason: reason})
			cur = &out[len(out)-1]
		}
	}
	return out
}

// Covered reports whether every day from start up to end (exclusive) has
// complete logs for the account and region.
func (c *Coverage) Covered(account, region string, start, end time.Time) bool {
	idx := c.index()
	for day := start.UTC().Truncate(24 * time.Hour); day.Before(end); day = day.AddDate(0, 0, 1) {
		d, ok := idx[dayKey{account, region, DayOf(day)}]
		if !ok || !d.Complete() {
			return false
		}
	}
	return true
}

// DataSeen reports whether data events were seen for the account on any day
// of the window: proof that its trail logged some data events.
func (c *Coverage) DataSeen(account string, start, end time.Time) bool {
	from, to := DayOf(start), DayOf(end.Add(-time.Nanosecond))
	for _, d := range c.Days {
		if d.Account == account && d.DataEvents > 0 && d.Day >= from && d.Day <= to {
			return true
		}
	}
	return false
}

type dayKey struct{ account, region, day string }

func (c *Coverage) index() map[dayKey]CoverageDay {
	idx := make(map[dayKey]CoverageDay, len(c.Days))
	for _, d := range c.Days {
		k := dayKey{d.Account, d.Region, d.Day}
		cur := idx[k]
		cur.Add(d)
		idx[k] = cur
	}
	return idx
}

// UsageState is the three-valued verdict on one permission of one
// principal, plus "too new to judge".
type UsageState string

// Usage states. Unused is claimed only where every source with coverage
// says so for the whole window; anything it cannot see is Unknown.
const (
	StateUsed    UsageState = "used"
	StateUnused  UsageState = "unused"
	StateUnknown UsageState = "unknown"
	// StateTooNew: the permission was granted less than NewPermissionAge
	// before the end of the window.
	StateTooNew UsageState = "too-new"
)

// NewPermissionAge is how long a permission must have been granted before
// its absence from the logs is judged (Repokid's 14 days).
const NewPermissionAge = 14 * 24 * time.Hour

// UnknownReason says why a permission's use cannot be judged.
type UnknownReason string

// Reasons a permission is unknown rather than unused.
const (
	// ReasonDataEventsNotLogged: the action is a data event and the trail
	// did not log data events of its resource type.
	ReasonDataEventsNotLogged UnknownReason = "data-events-not-logged"
	// ReasonNotLogged: the action never appears in CloudTrail (iam:PassRole
	// and other permission-only actions, services that do not log).
	ReasonNotLogged UnknownReason = "not-logged"
	// ReasonExcludedSource: the trail excluded the event source
	// (ExcludeManagementEventSources: kms, rdsdata).
	ReasonExcludedSource UnknownReason = "excluded-source"
	// ReasonGap: some account/region/day of the window has no complete logs.
	ReasonGap UnknownReason = "log-gap"
	// ReasonPrincipalTooNew: the principal did not exist for the whole window.
	ReasonPrincipalTooNew UnknownReason = "principal-younger-than-window"
	// ReasonUncertainMapping: a call may have needed the action (one of
	// several candidates).
	ReasonUncertainMapping UnknownReason = "uncertain-mapping"
	// ReasonUnmappedEvent: the principal made calls to the action's service
	// that the IAM database cannot map to actions.
	ReasonUnmappedEvent UnknownReason = "unmapped-event"
	// ReasonNoSource: no usage source covers the account.
	ReasonNoSource UnknownReason = "no-usage-source"
)

// Verdict is the usage state of one permission of one principal with the
// evidence: the reasons it is unknown, or the last authorized use.
type Verdict struct {
	State   UsageState      `json:"state"`
	Reasons []UnknownReason `json:"reasons,omitempty"`
	// Count and Last sum up the authorized calls when State is StateUsed.
	Count int64     `json:"count,omitempty"`
	Last  time.Time `json:"lastUsed,omitzero"`
}

// Judge decides a permission's state. used sums up its authorized calls
// (nil when none), granted is when the principal got it (zero when
// unknown), end the end of the window and reasons the causes of doubt that
// apply to it. Use wins over doubt; a permission granted less than
// NewPermissionAge before end is too new; any reason makes it unknown;
// otherwise it is unused.
func Judge(used *UsageRow, granted, end time.Time, reasons ...UnknownReason) Verdict {
	if used != nil && used.Used() {
		return Verdict{State: StateUsed, Count: used.Count, Last: used.Last}
	}
	if !granted.IsZero() && end.Sub(granted) < NewPermissionAge {
		return Verdict{State: StateTooNew}
	}
	if len(reasons) > 0 {
		rs := slices.Clone(reasons)
		slices.Sort(rs)
		return Verdict{State: StateUnknown, Reasons: slices.Compact(rs)}
	}
	return Verdict{State: StateUnused}
}
