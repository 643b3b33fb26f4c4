package awsapitest

import (
	"fmt"
	"sync"
	"time"
)

// queryBook is what a query fake (Athena, Lake) keeps of the queries
// started on it: each by its ID, in the order they started, and how far
// each has come. Q is the fake's own record of a query, which embeds
// bookEntry.
type queryBook[Q entry] struct {
	idFormat string // the fmt format of an ID, given the query's 1-based number
	polls    int    // status calls that see a query RUNNING after QUEUED

	mu    sync.Mutex
	byID  map[string]Q
	order []string
}

// bookEntry is what the book keeps of every query.
type bookEntry struct {
	id, sql string
	signer  string // the access key that started it
	started time.Time
	polled  int  // status calls that saw it
	stopped bool // stopped (Athena) or cancelled (Lake) by its caller
}

func (e *bookEntry) entry() *bookEntry { return e }

// entry is a fake's record of a query: it embeds bookEntry.
type entry interface{ entry() *bookEntry }

func newQueryBook[Q entry](idFormat string, polls int) *queryBook[Q] {
	return &queryBook[Q]{idFormat: idFormat, polls: polls, byID: map[string]Q{}}
}

// add books q, started now, and returns the ID it gets.
func (b *queryBook[Q]) add(q Q) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := q.entry()
	e.id, e.started = fmt.Sprintf(b.idFormat, len(b.order)+1), time.Now()
	b.byID[e.id] = q
	b.order = append(b.order, e.id)
	return e.id
}

// get returns the query with ID id; nil when there is none.
func (b *queryBook[Q]) get(id string) Q {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.byID[id]
}

// Queries returns the SQL of the queries started, in order.
func (b *queryBook[Q]) Queries() []string {
	return b.each(func(e *bookEntry) string { return e.sql })
}

// signers returns the access keys that started the queries, in order.
func (b *queryBook[Q]) signers() []string {
	return b.each(func(e *bookEntry) string { return e.signer })
}

// each returns field of every query, in the order they started.
func (b *queryBook[Q]) each(field func(*bookEntry) string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, len(b.order))
	for i, id := range b.order {
		out[i] = field(b.byID[id].entry())
	}
	return out
}

// stop marks q stopped by its caller.
func (b *queryBook[Q]) stop(q Q) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q.entry().stopped = true
}

// isStopped reports whether the query with ID id was stopped.
func (b *queryBook[Q]) isStopped(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, ok := b.byID[id]
	return ok && q.entry().stopped
}

// progress is q's status while it has not ended, counting one more
// status call when poll is set: CANCELLED once stopped, QUEUED until its
// first status call, RUNNING for polls calls more; "" once it has ended,
// when the fake's answer says how.
func (b *queryBook[Q]) progress(q Q, poll bool) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := q.entry()
	status := "RUNNING"
	switch {
	case e.stopped:
		return "CANCELLED"
	case e.polled > b.polls:
		return ""
	case e.polled == 0:
		status = "QUEUED"
	}
	if poll {
		e.polled++
	}
	return status
}
