package app

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/store"
	"github.com/google/go-cmp/cmp"
)

func TestHistoryService(t *testing.T) {
	st := tempStore(t)
	h := store.NewHistory(st)
	var ids []string
	for _, r := range []store.Record{
		{Kind: store.KindValidation, Title: "deploy-role.json", Summary: "3 findings", Payload: json.RawMessage(`{"findings":3}`)},
		{Kind: store.KindAudit, Title: "prod account", Summary: "score 72"},
		{Kind: store.KindValidation, Title: "bucket policy", Summary: "clean", Payload: json.RawMessage(`[]`)},
	} {
		r, err := h.Append(r)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	s := NewHistoryService(st)

	all, err := s.List("", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []HistoryEntry{
		{ID: ids[2], Kind: "validation", Title: "bucket policy", CreatedAt: "2026-11-28T09:03:00Z", Summary: "clean", Payload: json.RawMessage(`[]`)},
		{ID: ids[1], Kind: "audit", Title: "prod account", CreatedAt: "2026-11-28T09:02:00Z", Summary: "score 72", Payload: json.RawMessage(`null`)},
		{ID: ids[0], Kind: "validation", Title: "deploy-role.json", CreatedAt: "2026-11-28T09:01:00Z", Summary: "3 findings", Payload: json.RawMessage(`{"findings":3}`)},
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	if got, _ := s.List("validation", 1); len(got) != 1 || got[0].ID != ids[2] {
		t.Errorf("List(validation, 1) = %+v", got)
	}
	if _, err := s.List("report", 0); err == nil {
		t.Error("List(report): want an error")
	}
	got, err := s.Get(ids[0])
	if err != nil || got.Title != "deploy-role.json" {
		t.Errorf("Get = %+v, %v", got, err)
	}
	if err := s.Delete(ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ids[0]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get after Delete: err = %v, want store.ErrNotFound", err)
	}
	// The payload reaches the frontend as JSON, not as bytes.
	data, _ := json.Marshal(all[0])
	if want := `"payload":[]`; !json.Valid(data) || !strings.Contains(string(data), want) {
		t.Errorf("entry JSON %s, want %s", data, want)
	}
}
