package cloudtrail

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// aggregator counts one worker's events by (principal, event, outcome)
// before any mapping: principals and events are interned, so the hot path
// allocates only for a name seen for the first time.
type aggregator struct {
	start, end int64 // window, Unix seconds, end exclusive
	seen       *dedup
	cursor     dedupCursor

	principals map[string]int32
	pnames     []string
	events     map[string]int32
	enames     []eventName
	counts     map[aggKey]*stat
	excluded   map[string]int64
	key        []byte
	// Scratch for a call's resources: the ARNs, their bytes, and the
	// set's key.
	arns      [][]byte
	arnBuf    []byte
	resources []byte
}

type eventName struct{ source, name string }

// aggKey is a (principal, event, outcome) triple: interned IDs and the
// outcome's index in outcomes, so that the key hashes as plain memory.
type aggKey struct {
	principal, event int32
	outcome          uint8
}

// outcomes are the outcomes by their aggKey index.
var outcomes = [...]audit.Outcome{audit.OutcomeOK, audit.OutcomeDenied, audit.OutcomeError}

func outcomeIndex(o audit.Outcome) uint8 {
	switch o {
	case audit.OutcomeDenied:
		return 1
	case audit.OutcomeError:
		return 2
	}
	return 0
}

type stat struct {
	n           int64
	first, last int64
	data        bool
	// sets are the distinct resource sets of the calls (each the sorted
	// ARNs joined by NUL; "" for a call whose record names none), up to
	// maxResourceSets; overflow says there were more.
	sets     map[string]struct{}
	overflow bool
	// lastSet is the set seen last: consecutive calls usually share it.
	lastSet string
}

// maxResourceSets bounds the resource sets kept per (principal, event,
// outcome): more than that and the calls' resources count as unknown
// (a policy listing them all would be no narrower in practice).
const maxResourceSets = 32

// observe records one call's resource set.
func (s *stat) observe(set []byte) {
	if s.overflow || s.sets != nil && s.lastSet == string(set) {
		return
	}
	if _, ok := s.sets[string(set)]; ok {
		s.lastSet = string(set)
		return
	}
	if len(s.sets) == maxResourceSets {
		s.sets, s.overflow = nil, true
		return
	}
	if s.sets == nil {
		s.sets = map[string]struct{}{}
	}
	s.lastSet = string(set)
	s.sets[s.lastSet] = struct{}{}
}

func newAggregator(start, end int64, seen *dedup) *aggregator {
	return &aggregator{start: start, end: end, seen: seen,
		principals: map[string]int32{}, events: map[string]int32{},
		counts: map[aggKey]*stat{}, excluded: map[string]int64{}}
}

// add counts one record; it reports false when the record's eventTime is
// unreadable.
func (a *aggregator) add(r *record) bool {
	t, ok := parseTime(r.EventTime)
	if !ok {
		return false
	}
	if t < a.start || t >= a.end || !a.seen.first(r.EventID, t, &a.cursor) {
		return true
	}
	if !r.Call() {
		a.excluded[string(r.EventType)]++
		return true
	}
	arn, why := attribute(r)
	if arn == nil {
		a.excluded[why]++
		return true
	}
	k := aggKey{principal: a.principal(arn), event: a.event(r.EventSource, r.EventName), outcome: outcomeIndex(outcome(r.ErrorCode))}
	s := a.counts[k]
	if s == nil {
		s = &stat{first: t, last: t}
		a.counts[k] = s
	}
	s.n++
	s.first, s.last = min(s.first, t), max(s.last, t)
	s.data = s.data || r.Data()
	a.arns, a.arnBuf = resourceARNs(a.arns[:0], a.arnBuf[:0], r, partition(arn))
	a.resources = a.resources[:0]
	for i, res := range a.arns {
		if i > 0 {
			a.resources = append(a.resources, 0)
		}
		a.resources = append(a.resources, res...)
	}
	s.observe(a.resources)
	return true
}

// partition returns the partition of an ARN ("aws").
func partition(arn []byte) []byte {
	rest := arn[len("arn:"):] // attribute returns IAM ARNs only
	if i := bytes.IndexByte(rest, ':'); i >= 0 {
		return rest[:i]
	}
	return rest
}

func (a *aggregator) principal(arn []byte) int32 {
	if id, ok := a.principals[string(arn)]; ok {
		return id
	}
	id := int32(len(a.pnames))
	a.pnames = append(a.pnames, string(arn))
	a.principals[a.pnames[id]] = id
	return id
}

func (a *aggregator) event(source, name []byte) int32 {
	a.key = append(append(append(a.key[:0], source...), 0), name...)
	if id, ok := a.events[string(a.key)]; ok {
		return id
	}
	id := int32(len(a.enames))
	a.enames = append(a.enames, eventName{string(source), string(name)})
	a.events[string(a.key)] = id
	return id
}

// merge combines the workers' counts, maps events to actions and builds
// the coverage.
func merge(db *iamdb.DB, aggs []*aggregator, files []File, results []fileResult) *audit.Usage {
	type rowKey struct {
		principal, action string
		outcome           audit.Outcome
		uncertain         bool
	}
	type unmappedKey struct {
		principal string
		ev        eventName
		outcome   audit.Outcome
	}
	rows := map[rowKey]*audit.UsageRow{}
	resources := map[rowKey]map[string]bool{} // nil: some call's resource is unknown
	matches := resourceMatcher{db: db, cache: map[[2]string]bool{}}
	unmapped := map[unmappedKey]*audit.UnmappedEvent{}
	mappings := map[eventName]mapping{}
	u := &audit.Usage{Excluded: map[string]int64{}}
	for _, a := range aggs {
		for k, v := range a.excluded {
			u.Excluded[k] += v
		}
		for k, s := range a.counts {
			p, ev := a.pnames[k.principal], a.enames[k.event]
			m, ok := mappings[ev]
			if !ok {
				m = mapEvent(db, ev)
				mappings[ev] = m
			}
			first, last := time.Unix(s.first, 0).UTC(), time.Unix(s.last, 0).UTC()
			o := outcomes[k.outcome]
			if !m.known {
				uk := unmappedKey{p, ev, o}
				e := unmapped[uk]
				if e == nil {
					e = &audit.UnmappedEvent{Principal: p, Source: ev.source, Name: ev.name, Prefix: m.prefix, Outcome: o, First: first, Last: last}
					unmapped[uk] = e
				}
				e.Count += s.n
				e.First, e.Last = minTime(e.First, first), maxTime(e.Last, last)
				continue
			}
			for _, act := range m.actions {
				rk := rowKey{p, act, o, m.uncertain}
				r := rows[rk]
				if r == nil {
					r = &audit.UsageRow{Principal: p, Action: act, Outcome: o, Uncertain: m.uncertain}
					rows[rk] = r
					resources[rk] = map[string]bool{}
				}
				r.Add(s.n, first, last)
				r.Data = r.Data || s.data
				if set := resources[rk]; set != nil && !matches.add(set, act, s) {
					resources[rk] = nil
				}
			}
		}
	}
	if len(u.Excluded) == 0 {
		u.Excluded = nil
	}
	for k, r := range rows {
		if set := resources[k]; len(set) > 0 {
			r.Resources = slices.Sorted(maps.Keys(set))
		}
		u.Rows = append(u.Rows, *r)
	}
	slices.SortFunc(u.Rows, func(a, b audit.UsageRow) int { return a.Compare(&b) })
	for _, e := range unmapped {
		u.Unmapped = append(u.Unmapped, *e)
	}
	slices.SortFunc(u.Unmapped, func(a, b audit.UnmappedEvent) int {
		return strings.Compare(a.Principal+"\x00"+a.Source+"\x00"+a.Name+"\x00"+string(a.Outcome),
			b.Principal+"\x00"+b.Source+"\x00"+b.Name+"\x00"+string(b.Outcome))
	})
	u.Coverage, u.Failures = coverage(files, results)
	return u
}

// resourceMatcher keeps, of the resources a call named, those an action
// acts on: the ARNs that name one of its resource types (iamdb).
type resourceMatcher struct {
	db    *iamdb.DB
	cache map[[2]string]bool // (action, ARN) → matches
}

// add adds to set the resources of s's calls that action acts on; it
// reports false when some call named none of them (or too many sets were
// seen), so that the action's resources are unknown.
func (m *resourceMatcher) add(set map[string]bool, action string, s *stat) bool {
	if s.overflow {
		return false
	}
	a, ok := m.db.Action(action)
	if !ok || a.WildcardOnly() {
		return false
	}
	for call := range s.sets {
		found := false
		for arn := range strings.SplitSeq(call, "\x00") {
			k := [2]string{action, arn}
			match, ok := m.cache[k]
			if !ok {
				match = arn != "" && len(m.db.ResourceTypesFor(a, arn)) > 0
				m.cache[k] = match
			}
			if match {
				set[arn], found = true, true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// mapping is an event's IAM meaning for usage.
type mapping struct {
	known     bool
	prefix    string
	actions   []string
	uncertain bool
}

// mapEvent maps with the IAM database. An any-of mapping (the call needed
// one of the actions, which one depends on the request) makes every
// candidate uncertain; an event that needs no permission maps to nothing.
func mapEvent(db *iamdb.DB, ev eventName) mapping {
	m, ok := db.Event(ev.source, ev.name)
	if !ok {
		p, _ := db.EventPrefix(ev.source)
		return mapping{prefix: p}
	}
	return mapping{known: true, prefix: m.Prefix, actions: m.Actions, uncertain: m.Kind == iamdb.EventAnyOf}
}

func coverage(files []File, results []fileResult) (audit.Coverage, []audit.SourceFailure) {
	type key struct {
		account, region string
		day             time.Time
	}
	days := map[key]*audit.CoverageDay{}
	var fails []audit.SourceFailure
	for i, f := range files {
		k := key{f.Account, f.Region, f.Day}
		d := days[k]
		if d == nil {
			d = &audit.CoverageDay{Account: f.Account, Region: f.Region, Day: audit.DayOf(f.Day)}
			days[k] = d
		}
		res := results[i]
		d.Events += res.events
		d.DataEvents += res.data
		if res.fail != nil {
			d.Failed++
			fails = append(fails, *res.fail)
		} else {
			d.Files++
		}
	}
	var c audit.Coverage
	for _, k := range slices.SortedFunc(maps.Keys(days), func(a, b key) int {
		if n := strings.Compare(a.account, b.account); n != 0 {
			return n
		}
		if n := strings.Compare(a.region, b.region); n != 0 {
			return n
		}
		return a.day.Compare(b.day)
	}) {
		c.Days = append(c.Days, *days[k])
	}
	slices.SortFunc(fails, func(a, b audit.SourceFailure) int { return strings.Compare(a.Source, b.Source) })
	return c, fails
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
