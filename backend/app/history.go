package app

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aegis-iam/aegis/backend/store"
)

// HistoryEntry is one stored session, validation or audit.
type HistoryEntry struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"` // session, validation or audit
	Title     string          `json:"title"`
	CreatedAt string          `json:"createdAt"` // RFC 3339
	Summary   string          `json:"summary"`
	Payload   json.RawMessage `json:"payload"` // the stored result, any JSON value
}

// HistoryService lists, shows and deletes history entries.
type HistoryService struct{ history store.History }

// NewHistoryService returns a HistoryService over st.
func NewHistoryService(st *store.Store) *HistoryService {
	return &HistoryService{history: store.NewHistory(st)}
}

// List returns up to limit entries newest first, of one kind or, when kind
// is empty, of every kind; limit 0 means all.
func (s *HistoryService) List(kind string, limit int) ([]HistoryEntry, error) {
	var k store.Kind
	if kind != "" {
		var err error
		if k, err = store.ParseKind(kind); err != nil {
			return nil, err
		}
	}
	recs, err := s.history.List(k, limit)
	if err != nil {
		return nil, fmt.Errorf("listing history: %w", err)
	}
	out := make([]HistoryEntry, len(recs))
	for i, r := range recs {
		out[i] = entryOf(r)
	}
	return out, nil
}

// Get returns one entry.
func (s *HistoryService) Get(id string) (HistoryEntry, error) {
	r, err := s.history.Get(id)
	if err != nil {
		return HistoryEntry{}, err
	}
	return entryOf(r), nil
}

// Delete removes one entry.
func (s *HistoryService) Delete(id string) error { return s.history.Delete(id) }

func entryOf(r store.Record) HistoryEntry {
	payload := r.Payload
	if len(payload) == 0 {
		payload = json.RawMessage("null")
	}
	return HistoryEntry{ID: r.ID, Kind: string(r.Kind), Title: r.Title, CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339),
		Summary: r.Summary, Payload: payload}
}
