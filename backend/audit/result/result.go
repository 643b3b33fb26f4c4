// Package result runs an audit over one account's snapshot and usage and
// returns it in the documented JSON contract (docs/audit.md): the account's
// risk score and coverage, and per principal its findings, its permissions
// split into used, unused and unknown, and its right-sized recommendation
// with the evaluator's proofs.
package result

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/external"
	"github.com/aegis-iam/aegis/backend/audit/graph"
	"github.com/aegis-iam/aegis/backend/audit/internal/parallel"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Audit is one account's audit.
type Audit struct {
	Account string `json:"account"`
	// Sample marks an audit of the built-in sample account: generated
	// data, not a real AWS account.
	Sample bool `json:"sample,omitempty"`
	// CollectedAt is when the snapshot was taken.
	CollectedAt time.Time `json:"collectedAt"`
	Window      Window    `json:"window"`
	RiskScore   int       `json:"riskScore"`
	Coverage    Coverage  `json:"coverage"`
	// Problems are facts the audit could not use; where they apply
	// nothing is claimed.
	Problems        []string         `json:"problems"`
	Principals      []Principal      `json:"principals"`
	EscalationPaths []EscalationPath `json:"escalationPaths"`
	ExternalAccess  []ExternalAccess `json:"externalAccess"`
	// Drift compares with a previous audit of the account, when given.
	Drift *Drift `json:"drift,omitempty"`
}

// Window is the period judged.
type Window struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Coverage says what the usage verdicts rest on.
type Coverage struct {
	// Sources are the usage sources read: "cloudtrail", "access-advisor",
	// "role-last-used", "credential-report".
	Sources []string `json:"sources"`
	// Days is the number of days of the window; CompleteDays how many have
	// complete logs in every region the logs mention.
	Days         int         `json:"days"`
	CompleteDays int         `json:"completeDays"`
	Gaps         []audit.Gap `json:"gaps"`
	// DataEventTypes are the data resource types some trail logs.
	DataEventTypes []string `json:"dataEventTypes"`
	// Failures counts the log files or queries that could not be read.
	Failures int `json:"failures"`
	// Regions are the regions the account's CloudTrail usage has logs for
	// (the log files' delivery folders, or a live lookup's regions), by
	// name: empty without CloudTrail usage. Audits saved before the field
	// have none.
	Regions []RegionCoverage `json:"regions"`
}

// RegionCoverage is what the logs of one region cover in the window.
type RegionCoverage struct {
	Region string `json:"region"`
	// Days counts the window's days with logs read for the region;
	// CompleteDays those of them whose every log file was read.
	Days         int `json:"days"`
	CompleteDays int `json:"completeDays"`
	// Events counts the records read in the window (duplicates included).
	Events int64 `json:"events"`
}

// Principal is one user's or role's audit.
type Principal struct {
	ARN       string `json:"arn"`
	Type      string `json:"type"` // user or role
	Name      string `json:"name"`
	RiskScore int    `json:"riskScore"`
	Risk      Risk   `json:"risk"`
	// Admin says why the principal can grant itself anything ("" when it
	// cannot).
	Admin         string        `json:"admin,omitempty"`
	Activity      audit.Verdict `json:"activity"`
	Editability   string        `json:"editability"`
	PermissionSet string        `json:"permissionSet,omitempty"`
	Findings      []Finding     `json:"findings"`
	Permissions   Permissions   `json:"permissions"`
	// Current are the identity policies in force today (status
	// "current"), named as the recommendation names them: the recommended
	// set is a change against these.
	Current []Policy `json:"current"`
	// Recommendation is absent for a principal whose policies could not
	// all be read.
	Recommendation *Recommendation `json:"recommendation,omitempty"`
}

// Risk is the evidence behind a risk score: three parts that add up to it.
type Risk struct {
	Capability int `json:"capability"` // 0-50: the most sensitive live permission
	Reach      int `json:"reach"`      // 0-25: who else can become this principal
	Dormancy   int `json:"dormancy"`   // 0-25: the share of judged permissions unused
}

// Finding is one audit finding about a principal.
type Finding struct {
	ID       string         `json:"id"`
	Severity check.Severity `json:"severity"`
	Message  string         `json:"message"`
}

// Permissions are a principal's live grants by usage state (IAM action
// names, sorted), its dead grants, and why the unknown ones are unknown.
type Permissions struct {
	Used    []string `json:"used"`
	Unused  []string `json:"unused"`
	Unknown []string `json:"unknown"`
	TooNew  []string `json:"tooNew"`
	Dead    []string `json:"dead"`
	// UnknownReasons counts the unknown permissions by reason (one
	// permission may have several).
	UnknownReasons map[audit.UnknownReason]int `json:"unknownReasons"`
	// UnusedByAccessLevel and UnusedBySensitivity classify the unused
	// permissions (access levels as the IAM database names them:
	// List, Read, Write, Permissions management, Tagging).
	UnusedByAccessLevel map[string]int             `json:"unusedByAccessLevel"`
	UnusedBySensitivity map[unused.Sensitivity]int `json:"unusedBySensitivity"`
	// Denied are the actions the principal was denied in the window.
	Denied []string `json:"denied"`
}

// Recommendation is the right-sized policy set.
type Recommendation struct {
	Kind      rightsize.Kind `json:"kind"`
	AddressTo string         `json:"addressTo,omitempty"`
	Detach    []string       `json:"detach"`
	Replace   []string       `json:"replace"`
	Delete    []string       `json:"delete"`
	Policies  []Policy       `json:"policies"`
	Proof     Proof          `json:"proof"`
	Notes     []string       `json:"notes"`
}

// Policy is one policy of the recommended set.
type Policy struct {
	Name     string          `json:"name"`
	Status   string          `json:"status"`
	Managed  bool            `json:"managed"`
	Document json.RawMessage `json:"document"`
}

// Proof is what the evaluator proved.
type Proof struct {
	// NoNewAccess is eval.Verdict's name: no-new-access, new-access or
	// possibly-new-access.
	NoNewAccess string   `json:"noNewAccess"`
	CoversUsage bool     `json:"coversUsage"`
	Reasons     []string `json:"reasons,omitempty"`
	Lost        []string `json:"lost,omitempty"`
}

// EscalationPath is a way from a non-admin principal to an admin, hop by
// hop.
type EscalationPath struct {
	From string `json:"from"`
	To   string `json:"to"`
	Hops []Hop  `json:"hops"`
}

// Hop is one edge of an escalation path.
type Hop struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Via         string `json:"via"`
	Conditional bool   `json:"conditional,omitempty"`
}

// ExternalAccess is what a principal outside the account and its
// organization (or anyone, "*") may do to a resource or assume a role.
type ExternalAccess struct {
	Resource    string   `json:"resource"`
	Principal   string   `json:"principal"`
	Actions     []string `json:"actions"`
	Conditional bool     `json:"conditional,omitempty"`
}

// Run audits s with usage u (nil: no usage source) over window w (u's
// window when u is given).
func Run(db *iamdb.DB, s *audit.Snapshot, u *audit.Usage, w unused.Window) (*Audit, error) {
	acct := effective.Compute(db, s)
	g := graph.Build(acct)
	paths := g.Paths()
	judged := unused.Analyze(s, acct, u, w)
	if u != nil {
		w = unused.Window{Start: u.Start, End: u.End}
	}
	out := &Audit{
		Account: s.Account, CollectedAt: s.CollectedAt, Window: Window{Start: w.Start, End: w.End},
		Coverage: coverage(s, u, w), Problems: append(append([]string{}, acct.Problems...), g.Problems...),
		Principals: []Principal{}, EscalationPaths: []EscalationPath{}, ExternalAccess: []ExternalAccess{},
	}
	rcps := acct.RCPs
	if o := s.Organization; o != nil && o.ManagementAccount == s.Account {
		rcps = nil // RCPs do not apply to the management account's resources
	}
	ext, extProblems := external.Find(db, s, rcps)
	out.Problems = append(out.Problems, extProblems...)
	for _, e := range ext {
		out.ExternalAccess = append(out.ExternalAccess, ExternalAccess{Resource: e.Resource, Principal: e.Principal, Actions: e.Actions, Conditional: e.Conditional})
	}
	pathOf := map[string]*graph.Path{}
	for i := range paths {
		pathOf[paths[i].From] = &paths[i]
		ep := EscalationPath{From: paths[i].From, To: paths[i].To, Hops: []Hop{}}
		for _, e := range paths[i].Hops {
			ep.Hops = append(ep.Hops, Hop{From: e.From, To: e.To, Via: e.Via, Conditional: e.Conditional})
		}
		out.EscalationPaths = append(out.EscalationPaths, ep)
	}
	// Recommendations and their proofs are independent per principal: work
	// on every core, keeping the principals' order.
	prs := make([]Principal, len(judged))
	errs := make([]error, len(judged))
	parallel.Each(len(judged), func() func(int) {
		return func(i int) { prs[i], errs[i] = principal(db, s, judged[i], w) }
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, pr := range prs {
		p := judged[i]
		pr.Admin = g.Admins[p.ARN]
		if path := pathOf[p.ARN]; path != nil {
			pr.Findings = append(pr.Findings, Finding{ID: "AEG-AUDIT-009", Severity: check.SeverityHigh,
				Message: fmt.Sprintf("can escalate to the admin %s in %d hops", path.To, len(path.Hops))})
			pr.Risk.Reach = max(pr.Risk.Reach, 20)
			pr.RiskScore = pr.Risk.Capability + pr.Risk.Reach + pr.Risk.Dormancy
		}
		out.RiskScore = max(out.RiskScore, pr.RiskScore)
		out.Principals = append(out.Principals, pr)
	}
	return out, nil
}

// regionCoverage sums the account's logs in the window by region, sorted
// by region.
func regionCoverage(cov *audit.Coverage, account string, w unused.Window) []RegionCoverage {
	from, to := audit.DayOf(w.Start), audit.DayOf(w.End.Add(-time.Nanosecond))
	type regionDay struct{ region, day string }
	days := map[regionDay]audit.CoverageDay{}
	for _, d := range cov.Days {
		if d.Account == account && d.Day >= from && d.Day <= to {
			k := regionDay{d.Region, d.Day}
			cur := days[k]
			cur.Add(d)
			days[k] = cur
		}
	}
	byRegion := map[string]*RegionCoverage{}
	out := []RegionCoverage{}
	for _, p := range cov.Pairs() {
		if p[0] == account {
			out = append(out, RegionCoverage{Region: p[1]})
		}
	}
	for i := range out {
		byRegion[out[i].Region] = &out[i]
	}
	for k, d := range days {
		r := byRegion[k.region]
		r.Events += d.Events
		if d.Files+d.Failed > 0 {
			r.Days++
		}
		if d.Complete() {
			r.CompleteDays++
		}
	}
	return out
}

func coverage(s *audit.Snapshot, u *audit.Usage, w unused.Window) Coverage {
	c := Coverage{Sources: []string{}, Gaps: []audit.Gap{}, DataEventTypes: []string{}, Regions: []RegionCoverage{}}
	c.Days = int(w.End.Sub(w.Start).Hours()/24 + 0.5)
	if u != nil {
		c.Sources = append(c.Sources, "cloudtrail")
		c.Failures = len(u.Failures)
		for _, g := range u.Coverage.Gaps(w.Start, w.End) {
			if g.Account == s.Account {
				c.Gaps = append(c.Gaps, g)
			}
		}
		gapDays := map[string]bool{}
		for _, g := range c.Gaps {
			for d, _ := time.Parse(audit.DayLayout, g.From); audit.DayOf(d) <= g.To; d = d.AddDate(0, 0, 1) {
				gapDays[audit.DayOf(d)] = true
			}
		}
		if slices.ContainsFunc(u.Coverage.Pairs(), func(p [2]string) bool { return p[0] == s.Account }) {
			c.CompleteDays = c.Days - len(gapDays)
		}
		c.Regions = regionCoverage(&u.Coverage, s.Account, w)
	}
	if len(s.LastAccessed) > 0 {
		c.Sources = append(c.Sources, "access-advisor")
	}
	for _, r := range s.Roles {
		if r.LastUsed != nil {
			c.Sources = append(c.Sources, "role-last-used")
			break
		}
	}
	if s.CredentialReport != nil {
		c.Sources = append(c.Sources, "credential-report")
	}
	seen := map[string]bool{}
	for _, t := range s.Trails {
		for _, es := range t.EventSelectors {
			for _, d := range es.DataResources {
				seen[d.Type] = true
			}
		}
		for _, as := range t.AdvancedEventSelectors {
			data := false
			var types []string
			for _, f := range as.FieldSelectors {
				switch f.Field {
				case "eventCategory":
					data = len(f.Equals) > 0 && f.Equals[0] == "Data"
				case "resources.type":
					types = f.Equals
				}
			}
			if data {
				for _, ty := range types {
					seen[ty] = true
				}
			}
		}
	}
	for ty := range seen {
		c.DataEventTypes = append(c.DataEventTypes, ty)
	}
	sort.Strings(c.DataEventTypes)
	return c
}

func principal(db *iamdb.DB, s *audit.Snapshot, p *unused.Principal, w unused.Window) (Principal, error) {
	out := Principal{
		ARN: p.ARN, Type: p.Kind, Name: p.Name, Activity: p.Activity,
		Editability: string(p.Editability), PermissionSet: p.PermissionSet, Findings: []Finding{},
		Permissions: permissions(p), Current: []Policy{},
	}
	for _, ip := range p.Identity {
		if ip.Compiled != nil {
			out.Current = append(out.Current, Policy{Name: ip.Name, Status: "current", Managed: ip.ManagedARN != "", Document: json.RawMessage(policy.Format(ip.Compiled.Doc))})
		}
	}
	out.Findings = findings(s, p, w)
	out.Risk = risk(db, s, p)
	out.RiskScore = out.Risk.Capability + out.Risk.Reach + out.Risk.Dormancy
	if len(p.Incomplete) > 0 {
		return out, nil
	}
	rec, err := rightsize.For(db, s, p)
	if err != nil {
		return out, err
	}
	r := &Recommendation{Kind: rec.Kind, AddressTo: rec.AddressTo, Detach: nonNil(rec.Detach), Replace: nonNil(rec.Replace), Delete: nonNil(rec.Delete), Policies: []Policy{}, Notes: nonNil(rec.Notes),
		Proof: Proof{NoNewAccess: rec.Proof.NoNewAccess.String(), CoversUsage: rec.Proof.CoversUsage, Reasons: rec.Proof.Reasons, Lost: rec.Proof.Lost}}
	if rec.Kind == rightsize.Remove {
		r.Proof = Proof{NoNewAccess: eval.NoNewAccess.String(), CoversUsage: true}
	}
	for _, pol := range rec.Policies {
		r.Policies = append(r.Policies, Policy{Name: pol.Name, Status: pol.Status, Managed: pol.Managed, Document: json.RawMessage(policy.Format(pol.Document))})
	}
	out.Recommendation = r
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func permissions(p *unused.Principal) Permissions {
	out := Permissions{
		Used: nonNil(p.Actions(audit.StateUsed)), Unused: nonNil(p.Actions(audit.StateUnused)),
		Unknown: nonNil(p.Actions(audit.StateUnknown)), TooNew: nonNil(p.Actions(audit.StateTooNew)),
		Dead: []string{}, Denied: []string{}, UnknownReasons: map[audit.UnknownReason]int{},
	}
	for _, d := range p.Dead {
		out.Dead = append(out.Dead, d.Action)
	}
	out.UnusedByAccessLevel, out.UnusedBySensitivity = map[string]int{}, map[unused.Sensitivity]int{}
	for _, perm := range p.Permissions {
		for _, r := range perm.Verdict.Reasons {
			out.UnknownReasons[r]++
		}
		if perm.Verdict.State == audit.StateUnused {
			out.UnusedByAccessLevel[perm.Access.String()]++
			out.UnusedBySensitivity[perm.Sensitivity]++
		}
	}
	for _, r := range p.Denied {
		out.Denied = append(out.Denied, r.Action)
	}
	sort.Strings(out.Denied)
	return out
}

// findings lists what the audit found about a principal.
func findings(s *audit.Snapshot, p *unused.Principal, w unused.Window) []Finding {
	var out []Finding
	add := func(id string, sev check.Severity, format string, args ...any) {
		out = append(out, Finding{ID: id, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	if p.Editability == unused.ServiceLinked {
		add("AEG-AUDIT-001", check.SeverityInfo, "service-linked role: reported, never rewritten")
	}
	if len(p.Incomplete) > 0 {
		add("AEG-AUDIT-002", check.SeverityMedium, "permissions not fully known: %s", strings.Join(p.Incomplete, "; "))
	}
	if p.Activity.State == audit.StateUnused {
		add("AEG-AUDIT-003", check.SeverityMedium, "not used between %s and %s", w.Start.Format(time.DateOnly), w.End.Format(time.DateOnly))
	}
	bySens := map[unused.Sensitivity]int{}
	n := 0
	for _, perm := range p.Permissions {
		if perm.Verdict.State == audit.StateUnused {
			bySens[perm.Sensitivity]++
			n++
		}
	}
	if n > 0 {
		sev := check.SeverityLow
		switch {
		case bySens[unused.Critical] > 0:
			sev = check.SeverityHigh
		case bySens[unused.High] > 0:
			sev = check.SeverityMedium
		}
		add("AEG-AUDIT-004", sev, "%d unused permissions (%d critical, %d high, %d medium, %d low)", n,
			bySens[unused.Critical], bySens[unused.High], bySens[unused.Medium], bySens[unused.Low])
	}
	if len(p.Dead) > 0 {
		add("AEG-AUDIT-005", check.SeverityInfo, "%d grants an SCP, RCP or the permissions boundary blocks (dead grants)", len(p.Dead))
	}
	if len(p.Denied) > 0 {
		add("AEG-AUDIT-006", check.SeverityLow, "%d denied actions in the window: missing permissions or attempts", len(p.Denied))
	}
	if p.Kind == effective.KindUser && s.CredentialReport != nil {
		for _, u := range s.CredentialReport.Users {
			if u.ARN != p.ARN {
				continue
			}
			for i, k := range u.AccessKeys {
				if k.Active && !k.LastUsed.Time.After(w.Start) && (!k.LastRotated.Known() || k.LastRotated.Time.Before(w.Start)) {
					add("AEG-AUDIT-007", check.SeverityMedium, "access key %d is active but was not used in the window", i+1)
				}
			}
			if u.PasswordEnabled && !u.PasswordLastUsed.Time.After(w.Start) && (!u.PasswordLastChanged.Known() || u.PasswordLastChanged.Time.Before(w.Start)) {
				add("AEG-AUDIT-008", check.SeverityMedium, "console password enabled but not used in the window")
			}
		}
	}
	if out == nil {
		return []Finding{}
	}
	return out
}

// risk scores a principal (docs/audit.md, "Risk score").
func risk(db *iamdb.DB, s *audit.Snapshot, p *unused.Principal) Risk {
	var r Risk
	for _, perm := range p.Permissions {
		v := 0
		switch perm.Sensitivity {
		case unused.Critical:
			v = 40
		case unused.High:
			v = 25
		case unused.Medium:
			v = 10
		}
		r.Capability = max(r.Capability, v)
	}
	if len(p.Permissions)+len(p.Dead) == len(db.Actions()) {
		r.Capability = 50 // granted every action: an administrator
	}
	if p.Role != nil {
		r.Reach = trustReach(s.Account, p.Role.Trust)
	}
	judged, unusedN := 0, 0
	for _, perm := range p.Permissions {
		switch perm.Verdict.State {
		case audit.StateUsed:
			judged++
		case audit.StateUnused:
			judged++
			unusedN++
		}
	}
	if judged > 0 {
		r.Dormancy = 25 * unusedN / judged
	}
	return r
}

// trustReach scores a trust policy's Allow statements: anyone (25), another
// account or a federated identity without conditions (15), with conditions
// (5), only this account or services (0).
func trustReach(account string, doc []byte) int {
	d, err := policy.Parse("trust", doc, policy.KindTrust)
	if err != nil {
		return 0
	}
	score := 0
	for _, st := range d.Statements {
		if st.Effect != policy.EffectAllow || st.Principal == nil {
			continue
		}
		conditioned := len(st.Condition) > 0
		outside := len(st.Principal.Federated.Strings()) > 0
		if st.Principal.Wildcard {
			if !conditioned {
				return 25
			}
			outside = true
		}
		for _, v := range st.Principal.AWS.Strings() {
			if v == "*" && !conditioned {
				return 25
			}
			if a, err := policy.ParseARN(v); (err == nil && a.Account != account) || (err != nil && v != account) {
				outside = true
			}
		}
		switch {
		case outside && !conditioned:
			score = max(score, 15)
		case outside:
			score = max(score, 5)
		}
	}
	return score
}
