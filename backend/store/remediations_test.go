package store

import (
	"errors"
	"path/filepath"
	"testing"
)

type remediationRecord struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// TestRemediations: records are replaced by ID, listed newest ID first,
// and survive a purge of the history (a rollback needs them).
func TestRemediations(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), FileName), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := NewRemediations[remediationRecord](s)
	for _, rec := range []remediationRecord{{"01A", "previewed"}, {"01B", "previewed"}, {"01A", "applied"}} {
		if err := r.Put(rec.ID, rec); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := r.Get("01A"); err != nil || got.Status != "applied" {
		t.Errorf("Get(01A) = %+v, %v; want the applied record", got, err)
	}
	if _, err := r.Get("01Z"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of an unknown ID: err = %v, want ErrNotFound", err)
	}
	if _, err := NewHistory(s).Purge(); err != nil {
		t.Fatal(err)
	}
	list, err := r.List()
	if err != nil || len(list) != 2 || list[0].ID != "01B" || list[1].ID != "01A" {
		t.Errorf("List after a purge = %+v, %v; want 01B then 01A", list, err)
	}
}
