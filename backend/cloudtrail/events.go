package cloudtrail

import (
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// EventCount is one group of calls counted at the source, before any
// mapping to IAM actions: what a push-down query (Athena) returns per
// principal, event and outcome, and what Read counts internally.
type EventCount struct {
	Principal   string // IAM ARN the calls are attributed to
	Source      string // eventSource
	Name        string // eventName
	Outcome     audit.Outcome
	Count       int64
	First, Last time.Time
	Data        bool // at least one of the calls was a data event
	// ResourceSets are the distinct sets of resource ARNs the calls named
	// (an empty set for a call whose record names none); nil when
	// unknown, which leaves the rows' resources unknown.
	ResourceSets [][]string
}

// FromEvents maps counted events to usage rows with the IAM database,
// exactly as Read maps the events it parses: the same rows, uncertain
// any-of mappings and unmapped events. The result has no coverage (the
// caller knows what was read) and no exclusions.
func FromEvents(db *iamdb.DB, counts []EventCount) *audit.Usage {
	a := newAggregator(0, 0, nil)
	for _, c := range counts {
		k := aggKey{principal: a.principal([]byte(c.Principal)), event: a.event([]byte(c.Source), []byte(c.Name)), outcome: outcomeIndex(c.Outcome)}
		first, last := c.First.Unix(), c.Last.Unix()
		s := a.counts[k]
		if s == nil {
			s = &stat{first: first, last: last}
			a.counts[k] = s
		}
		s.n += c.Count
		s.first, s.last = min(s.first, first), max(s.last, last)
		s.data = s.data || c.Data
		if c.ResourceSets == nil {
			s.sets, s.overflow = nil, true
		}
		for _, set := range c.ResourceSets {
			s.observe([]byte(strings.Join(set, "\x00")))
		}
	}
	return merge(db, []*aggregator{a}, nil, nil)
}
