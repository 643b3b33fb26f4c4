package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/query"
	"github.com/aegis-iam/aegis/backend/store"
)

// auditQueries answers "who can …" and "what can … do" about saved audits.
// Building an engine computes every principal's effective permissions and
// the escalation graph, so the last one is kept: the page asks several
// questions about the audit it shows.
type auditQueries struct {
	mu     sync.Mutex
	id     string
	engine *query.Engine
}

// Query answers a query ("who can s3:GetObject on arn:aws:s3:::bucket/*",
// "what can role/app do") about the saved audit id, from the account
// configuration that audit was computed from. A malformed query is an
// error naming the column at fault.
func (s *AuditService) Query(id, text string) (*query.Answer, error) {
	s.queries.mu.Lock()
	defer s.queries.mu.Unlock()
	if s.queries.id != id || s.queries.engine == nil {
		e, err := s.queryEngine(id)
		if err != nil {
			return nil, err
		}
		s.queries.id, s.queries.engine = id, e
	}
	return s.queries.engine.Ask(text)
}

func (s *AuditService) queryEngine(id string) (*query.Engine, error) {
	r, err := s.history.Get(id)
	if err != nil {
		return nil, err
	}
	if _, err := decodeRun(r); err != nil {
		return nil, err
	}
	raw, err := s.history.AuditSnapshot(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("the audit %s was saved without its account configuration (by an older Aegis): run it again to ask queries", id)
	}
	if err != nil {
		return nil, err
	}
	var snap audit.Snapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		return nil, fmt.Errorf("the account configuration of audit %s: %w", id, err)
	}
	db, err := s.iam()
	if err != nil {
		return nil, err
	}
	return query.New(db, &snap), nil
}
