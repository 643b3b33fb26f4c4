// Package unused decides, for every permission a principal holds, whether
// it was used, is unused, or cannot be judged, and whether the principal
// itself is in use. "Unused" is claimed only where every source with
// coverage agrees over the whole window (CloudTrail usage rows with their
// coverage, Access Advisor, RoleLastUsed, the credential report); what no
// source can see — data events a trail did not log, iam:PassRole, excluded
// event sources, days without logs, principals younger than the window —
// is unknown. See https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
// and docs/audit.md.
package unused

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/internal/parallel"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// ReasonLastAccessed: Access Advisor says the action's service was used in
// the window although no usage row shows one of its actions, so the logs
// miss something.
const ReasonLastAccessed audit.UnknownReason = "last-accessed-disagrees"

// Editability says who may change a principal's policies.
type Editability string

// Editabilities.
const (
	Editable       Editability = "editable"
	ServiceLinked  Editability = "service-linked"  // owned by the AWS service: reported, never rewritten
	IdentityCenter Editability = "identity-center" // changed through its permission set
)

// Principal is a principal's permissions judged against its usage.
type Principal struct {
	*effective.Principal
	Editability Editability
	// PermissionSet is the IAM Identity Center permission set behind an
	// AWSReservedSSO_ role.
	PermissionSet string
	// Activity is whether the principal itself was used in the window.
	Activity audit.Verdict
	// Permissions are the live grants with their verdicts, by action.
	Permissions []Permission
	// Dead are the grants an SCP, RCP or boundary blocks.
	Dead []Permission
	// Denied are the principal's denied calls in the window.
	Denied []audit.UsageRow
}

// Permission is one action with its classification and verdict.
type Permission struct {
	Action      string
	Access      iamdb.AccessLevel
	Sensitivity Sensitivity
	Verdict     audit.Verdict
	BlockedBy   eval.Layer // for dead grants
	// Resources are the resources a used permission was used on (ARNs or
	// ARN patterns, sorted), when they are known: the logs cover the whole
	// window, the trails log every call of the action whatever its
	// resource, and every authorized call's record named them; nil
	// otherwise.
	Resources []string
	grant     *effective.Grant
}

// Grant returns the effective grant the permission judges.
func (p *Permission) Grant() *effective.Grant { return p.grant }

// Window is the period judged.
type Window struct{ Start, End time.Time }

// Analyze judges every principal of acct. u may be nil (no usage source
// read); w is the window (u's when u is given).
func Analyze(s *audit.Snapshot, acct *effective.Account, u *audit.Usage, w Window) []*Principal {
	if u != nil {
		w = Window{Start: u.Start, End: u.End}
	}
	a := &analyzer{s: s, u: u, w: w, log: trailLogging(s.Trails)}
	a.index()
	// Principals are independent: judge them on every core, each worker
	// with its own caches, keeping acct's order.
	out := make([]*Principal, len(acct.Principals))
	parallel.Each(len(acct.Principals), func() func(int) {
		w := a.worker()
		return func(i int) { out[i] = w.principal(acct.Principals[i]) }
	})
	return out
}

// worker returns a copy of a, its indexes shared read-only, with caches
// and scratch of its own.
func (a *analyzer) worker() *analyzer {
	w := *a
	w.actions, w.reasonSets, w.reasons, w.key = map[*iamdb.Action]*actionInfo{}, map[string][]audit.UnknownReason{}, nil, nil
	return &w
}

type rowKey struct{ principal, action string }

// callSum is a principal's authorized calls: how many, and the last.
type callSum struct {
	n    int64
	last time.Time
}

type analyzer struct {
	s    *audit.Snapshot
	u    *audit.Usage
	w    Window
	log  logging
	used map[rowKey]*audit.UsageRow // authorized, certain calls summed
	// resources are the used rows' resources; nil for a key with a row
	// that names none.
	resources map[rowKey][]string
	doubtful  map[rowKey]bool // uncertain rows
	denied    map[string][]audit.UsageRow
	active    map[string]*callSum // principals with any authorized call: their used rows summed
	services  map[rowKey]bool     // (principal, prefix) with a used action
	unmapped  map[rowKey]bool     // (principal, prefix) with unmapped events
	advisor   map[string]*audit.LastAccessed
	// Caches and scratch: per action, per managed policy ARN (its default
	// version's date), per set of reasons.
	actions    map[*iamdb.Action]*actionInfo
	versions   map[string]time.Time
	reasonSets map[string][]audit.UnknownReason
	reasons    []audit.UnknownReason
	key        []byte
	gap        bool // the window has a gap or no coverage
	noLogs     bool // no usage source covers the account
}

func (a *analyzer) index() {
	a.used, a.doubtful, a.denied = map[rowKey]*audit.UsageRow{}, map[rowKey]bool{}, map[string][]audit.UsageRow{}
	a.resources = map[rowKey][]string{}
	a.active, a.services, a.unmapped = map[string]*callSum{}, map[rowKey]bool{}, map[rowKey]bool{}
	a.advisor = map[string]*audit.LastAccessed{}
	a.versions = map[string]time.Time{}
	for i := range a.s.Policies {
		if v := a.s.Policies[i].Default(); v != nil {
			a.versions[a.s.Policies[i].ARN] = v.Created
		}
	}
	for i := range a.s.LastAccessed {
		a.advisor[a.s.LastAccessed[i].ARN] = &a.s.LastAccessed[i]
	}
	if a.u == nil {
		a.noLogs = true
		return
	}
	for _, r := range a.u.Rows {
		k := rowKey{r.Principal, strings.ToLower(r.Action)}
		switch {
		case r.Uncertain:
			a.doubtful[k] = true
		case r.Outcome == audit.OutcomeDenied:
			a.denied[r.Principal] = append(a.denied[r.Principal], r)
		case r.Used():
			sum := a.used[k]
			if sum == nil {
				sum = &audit.UsageRow{Principal: r.Principal, Action: r.Action, Outcome: audit.OutcomeOK}
				a.used[k] = sum
				a.resources[k] = []string{}
			}
			if res := a.resources[k]; res != nil && len(r.Resources) > 0 {
				a.resources[k] = append(res, r.Resources...)
			} else {
				a.resources[k] = nil
			}
			sum.Add(r.Count, r.First, r.Last)
			prefix, _, _ := strings.Cut(k.action, ":")
			a.services[rowKey{r.Principal, prefix}] = true
		}
	}
	for k, r := range a.used {
		sum := a.active[k.principal]
		if sum == nil {
			sum = &callSum{}
			a.active[k.principal] = sum
		}
		sum.n += r.Count
		if r.Last.After(sum.last) {
			sum.last = r.Last
		}
	}
	for _, e := range a.u.Unmapped {
		a.unmapped[rowKey{e.Principal, strings.ToLower(e.Prefix)}] = true
	}
	covered := false
	for _, d := range a.u.Coverage.Days {
		if d.Account == a.s.Account {
			covered = true
			break
		}
	}
	a.noLogs = !covered
	for _, g := range a.u.Coverage.Gaps(a.w.Start, a.w.End) {
		if g.Account == a.s.Account {
			a.gap = true
		}
	}
}

func (a *analyzer) principal(p *effective.Principal) *Principal {
	out := &Principal{Principal: p, Editability: Editable, Denied: a.denied[p.ARN]}
	if r := p.Role; r != nil {
		switch {
		case r.ServiceLinked():
			out.Editability = ServiceLinked
		case r.IdentityCenter():
			out.Editability, out.PermissionSet = IdentityCenter, permissionSet(r.Name)
		}
	}
	created := principalCreated(p)
	out.Permissions = make([]Permission, 0, len(p.Grants))
	for i := range p.Grants {
		g := &p.Grants[i]
		info := a.action(g.Action)
		perm := Permission{Action: info.name, Access: g.Action.Access.Primary(), Sensitivity: info.sensitivity, BlockedBy: g.BlockedBy, grant: g}
		if g.Dead() {
			out.Dead = append(out.Dead, perm)
			continue
		}
		perm.Verdict = a.judge(p, g, info, created)
		if perm.Verdict.State == audit.StateUsed && !a.noLogs && !a.gap && len(info.reasons) == 0 {
			if res := a.resources[rowKey{p.ARN, info.lower}]; len(res) > 0 {
				slices.Sort(res)
				perm.Resources = slices.Compact(res)
			}
		}
		out.Permissions = append(out.Permissions, perm)
	}
	out.Activity = a.activity(p, created)
	return out
}

// principalCreated returns when the principal was created.
func principalCreated(p *effective.Principal) time.Time {
	if p.Role != nil {
		return p.Role.Created
	}
	return p.User.Created
}

// grantedAt returns the latest time the grant can be dated to: when the
// principal was created or, for a grant that only managed policies give,
// when their default versions were written. Inline policies and
// attachments carry no date, so the principal's creation is a lower bound.
func (a *analyzer) grantedAt(g *effective.Grant, created time.Time) time.Time {
	oldest := time.Time{}
	for _, src := range g.Sources {
		t := created
		arn := src
		if i := strings.LastIndexByte(src, ' '); i >= 0 {
			arn = src[i+1:]
		}
		if v, ok := a.versions[arn]; ok && v.After(t) {
			t = v
		}
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
	}
	return oldest
}

// actionInfo is what the analysis needs of an action, computed once.
type actionInfo struct {
	name, lower, prefix string // the full name, it and the prefix in lower case
	sensitivity         Sensitivity
	// reasons are the logging causes of doubt (logging.reasons): when
	// there are none, the trails log every call of the action.
	reasons []audit.UnknownReason
}

// action returns act's information, from the cache.
func (a *analyzer) action(act *iamdb.Action) *actionInfo {
	if info, ok := a.actions[act]; ok {
		return info
	}
	name := act.FullName()
	info := &actionInfo{name: name, lower: strings.ToLower(name), prefix: strings.ToLower(act.Service.Prefix),
		sensitivity: classify(act), reasons: a.log.reasons(act)}
	a.actions[act] = info
	return info
}

// intern returns the verdict with a shared copy of its reasons: thousands
// of permissions share a few sets.
func (a *analyzer) intern(v audit.Verdict) audit.Verdict {
	if len(v.Reasons) == 0 {
		return v
	}
	a.key = a.key[:0]
	for _, r := range v.Reasons {
		a.key = append(append(a.key, r...), 0)
	}
	if shared, ok := a.reasonSets[string(a.key)]; ok {
		v.Reasons = shared
		return v
	}
	a.reasonSets[string(a.key)] = v.Reasons
	return v
}

func (a *analyzer) judge(p *effective.Principal, g *effective.Grant, info *actionInfo, created time.Time) audit.Verdict {
	k := rowKey{p.ARN, info.lower}
	prefix := info.prefix
	if v, ok := a.advisorUsed(p.ARN, prefix, g.Action.Name); ok {
		return v
	}
	reasons := a.reasons[:0]
	defer func() { a.reasons = reasons[:0] }()
	if !a.advisorTracks(p.ARN, prefix, g.Action.Name) {
		// CloudTrail is the only source for this action.
		switch {
		case a.noLogs:
			reasons = append(reasons, audit.ReasonNoSource)
		case a.gap:
			reasons = append(reasons, audit.ReasonGap)
		}
		reasons = append(reasons, info.reasons...)
	}
	if created.After(a.w.Start) {
		reasons = append(reasons, audit.ReasonPrincipalTooNew)
	}
	if a.doubtful[k] {
		reasons = append(reasons, audit.ReasonUncertainMapping)
	}
	if a.unmapped[rowKey{p.ARN, prefix}] {
		reasons = append(reasons, audit.ReasonUnmappedEvent)
	}
	if a.advisorServiceUsed(p.ARN, prefix) && !a.services[rowKey{p.ARN, prefix}] {
		reasons = append(reasons, ReasonLastAccessed)
	}
	return a.intern(audit.Judge(a.used[k], a.grantedAt(g, created), a.w.End, reasons...))
}

// advisorService returns Access Advisor's entry for a principal's service.
func (a *analyzer) advisorService(arn, prefix string) *audit.ServiceAccessed {
	la := a.advisor[arn]
	if la == nil {
		return nil
	}
	for i := range la.Services {
		if strings.EqualFold(la.Services[i].Namespace, prefix) {
			return &la.Services[i]
		}
	}
	return nil
}

func (a *analyzer) inWindow(t time.Time) bool {
	return !t.IsZero() && !t.Before(a.w.Start) && t.Before(a.w.End)
}

// advisorUsed reports Access Advisor's action-level evidence of use in
// the window. It counts denied attempts too, which errs toward "used".
func (a *analyzer) advisorUsed(arn, prefix, name string) (audit.Verdict, bool) {
	sv := a.advisorService(arn, prefix)
	if sv == nil {
		return audit.Verdict{}, false
	}
	for _, t := range sv.Tracked {
		if strings.EqualFold(t.Action, name) && a.inWindow(t.Last) {
			return audit.Verdict{State: audit.StateUsed, Last: t.Last}, true
		}
	}
	return audit.Verdict{}, false
}

// advisorLag is how long Access Advisor takes to show activity: "within
// about four hours".
const advisorLag = 4 * time.Hour

// advisorTracks reports whether Access Advisor tracks the action and saw
// no use of it: a source with full coverage of its own (all regions,
// management events, 400 days) that agrees it is unused — provided its job
// ran after the window ended, else the window's last days are not in it.
func (a *analyzer) advisorTracks(arn, prefix, name string) bool {
	sv := a.advisorService(arn, prefix)
	if sv == nil || a.advisor[arn].Completed.Before(a.w.End.Add(advisorLag)) {
		return false
	}
	for _, t := range sv.Tracked {
		if strings.EqualFold(t.Action, name) {
			return !a.inWindow(t.Last)
		}
	}
	return false
}

func (a *analyzer) advisorServiceUsed(arn, prefix string) bool {
	sv := a.advisorService(arn, prefix)
	return sv != nil && a.inWindow(sv.LastAuthenticated)
}

// activity judges whether the principal was used at all: any authorized
// call, RoleLastUsed (IAM's own record, every region), or a password or
// access key used according to the credential report.
func (a *analyzer) activity(p *effective.Principal, created time.Time) audit.Verdict {
	if sum := a.active[p.ARN]; sum != nil {
		return audit.Verdict{State: audit.StateUsed, Count: sum.n, Last: sum.last}
	}
	var reasons []audit.UnknownReason
	if created.After(a.w.Start) {
		reasons = append(reasons, audit.ReasonPrincipalTooNew)
	}
	switch {
	case p.Role != nil:
		if lu := p.Role.LastUsed; lu != nil && !lu.Date.Before(a.w.Start) {
			return audit.Verdict{State: audit.StateUsed, Last: lu.Date}
		}
	case a.s.CredentialReport != nil:
		if last, ok := a.credentialUse(p.ARN); ok {
			return audit.Verdict{State: audit.StateUsed, Last: last}
		}
	default:
		if a.noLogs || a.gap {
			reasons = append(reasons, audit.ReasonNoSource)
		}
	}
	return audit.Judge(nil, time.Time{}, a.w.End, reasons...)
}

// credentialUse returns the last use of a user's password or access keys
// in the window.
func (a *analyzer) credentialUse(arn string) (time.Time, bool) {
	for _, u := range a.s.CredentialReport.Users {
		if u.ARN != arn {
			continue
		}
		last := u.PasswordLastUsed.Time
		for _, k := range u.AccessKeys {
			if k.LastUsed.Time.After(last) {
				last = k.LastUsed.Time
			}
		}
		return last, !last.Before(a.w.Start) && !last.IsZero()
	}
	return time.Time{}, false
}

// permissionSet returns the permission set of an Identity Center role,
// named AWSReservedSSO_<PermissionSet>_<16 hex digits>.
func permissionSet(role string) string {
	name := strings.TrimPrefix(role, "AWSReservedSSO_")
	if i := strings.LastIndexByte(name, '_'); i > 0 {
		name = name[:i]
	}
	return name
}

// Actions returns the actions in a state, sorted.
func (p *Principal) Actions(state audit.UsageState) []string {
	var out []string
	for _, perm := range p.Permissions {
		if perm.Verdict.State == state {
			out = append(out, perm.Action)
		}
	}
	sort.Strings(out)
	return out
}
