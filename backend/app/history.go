package app

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/result"
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

// Search returns up to limit entries newest first, of one kind or of every
// kind, whose title or summary contains query (case-insensitive; empty
// matches all); limit 0 means all.
func (s *HistoryService) Search(kind, query string, limit int) ([]HistoryEntry, error) {
	all, err := s.List(kind, 0)
	if err != nil {
		return nil, err
	}
	q := strings.ToLower(strings.TrimSpace(query))
	out := []HistoryEntry{}
	for _, e := range all {
		if limit > 0 && len(out) == limit {
			break
		}
		if q == "" || strings.Contains(strings.ToLower(e.Title), q) || strings.Contains(strings.ToLower(e.Summary), q) {
			out = append(out, e)
		}
	}
	return out, nil
}

// AuditDrift is the drift between two saved audits of one account.
type AuditDrift struct {
	From  AuditSummary  `json:"from"`
	To    AuditSummary  `json:"to"`
	Drift *result.Drift `json:"drift"`
}

// Drift compares two saved audits of the same account: what changed from
// the audit fromID to the audit toID (either may be the older one).
func (s *HistoryService) Drift(fromID, toID string) (AuditDrift, error) {
	var runs [2]AuditRun
	var recs [2]store.Record
	for i, id := range []string{fromID, toID} {
		r, err := s.history.Get(id)
		if err != nil {
			return AuditDrift{}, err
		}
		if runs[i], err = decodeRun(r); err != nil {
			return AuditDrift{}, err
		}
		recs[i] = r
	}
	if recs[0].Title != recs[1].Title {
		return AuditDrift{}, fmt.Errorf("audits of %s and %s: drift compares two audits of one account", recs[0].Title, recs[1].Title)
	}
	return AuditDrift{From: summaryOf(recs[0]), To: summaryOf(recs[1]), Drift: result.Compare(runs[0].Audit, runs[1].Audit)}, nil
}

// AuditTrend is an account's scores over its saved audits, oldest first:
// the account's and its top principals'.
type AuditTrend struct {
	Account    string           `json:"account"`
	Points     []TrendPoint     `json:"points"`
	Principals []PrincipalTrend `json:"principals"`
}

// TrendPoint is one saved audit's account score.
type TrendPoint struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	RiskScore int       `json:"riskScore"`
}

// PrincipalTrend is one principal's score at each point; -1 where the
// principal did not exist.
type PrincipalTrend struct {
	ARN    string `json:"arn"`
	Name   string `json:"name"`
	Scores []int  `json:"scores"`
}

// Trend returns the scores of the saved audits titled account (the
// account ID, or "Sample account …") and of the top principals of its
// newest audit, at most top of them.
func (s *HistoryService) Trend(account string, top int) (AuditTrend, error) {
	recs, err := s.history.List(store.KindAudit, 0)
	if err != nil {
		return AuditTrend{}, err
	}
	t := AuditTrend{Account: account, Points: []TrendPoint{}, Principals: []PrincipalTrend{}}
	var audits []*result.Audit
	for i := len(recs) - 1; i >= 0; i-- { // List is newest first
		if recs[i].Title != account {
			continue
		}
		run, err := decodeRun(recs[i])
		if err != nil {
			return AuditTrend{}, err
		}
		audits = append(audits, run.Audit)
		t.Points = append(t.Points, TrendPoint{ID: recs[i].ID, CreatedAt: recs[i].CreatedAt, RiskScore: run.Audit.RiskScore})
	}
	if len(audits) == 0 {
		return t, nil
	}
	latest := slices.Clone(audits[len(audits)-1].Principals)
	slices.SortStableFunc(latest, func(a, b result.Principal) int { return b.RiskScore - a.RiskScore })
	for _, p := range latest[:min(top, len(latest))] {
		pt := PrincipalTrend{ARN: p.ARN, Name: p.Name, Scores: make([]int, len(audits))}
		for i, a := range audits {
			pt.Scores[i] = -1
			for _, q := range a.Principals {
				if q.ARN == p.ARN {
					pt.Scores[i] = q.RiskScore
				}
			}
		}
		t.Principals = append(t.Principals, pt)
	}
	return t, nil
}

func summaryOf(r store.Record) AuditSummary {
	return AuditSummary{ID: r.ID, Account: r.Title, CreatedAt: r.CreatedAt, Summary: r.Summary}
}
