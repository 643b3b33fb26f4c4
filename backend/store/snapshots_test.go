package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

func TestAuditSnapshot(t *testing.T) {
	s, path := openTemp(t, testOptions())
	h := NewHistory(s)
	snap := json.RawMessage(`{"principals":[{"arn":"arn:aws:iam::123456789012:role/app"}]}`)
	kept, err := h.AppendAudit(Record{Kind: KindAudit, Title: "123456789012", Payload: json.RawMessage(`{"audit":{}}`)}, snap)
	if err != nil {
		t.Fatal(err)
	}
	gone, err := h.AppendAudit(Record{Kind: KindAudit, Title: "123456789012", Payload: json.RawMessage(`{"audit":{}}`)}, snap)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := h.AppendAudit(Record{Kind: KindAudit, Title: "123456789012"}, nil)
	if err != nil {
		t.Fatal(err)
	}

	r, err := h.Get(kept.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(r.Payload, []byte("principals")) {
		t.Errorf("Get(%s) payload %s holds the snapshot, want it apart", kept.ID, r.Payload)
	}
	if got, err := h.AuditSnapshot(kept.ID); err != nil || string(got) != string(snap) {
		t.Errorf("AuditSnapshot(%s) = %s, %v; want %s", kept.ID, got, err, snap)
	}
	if _, err := h.AuditSnapshot(bare.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("AuditSnapshot of an audit saved without one: err = %v, want ErrNotFound", err)
	}

	if err := h.Delete(gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := h.AuditSnapshot(gone.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("AuditSnapshot after Delete: err = %v, want ErrNotFound", err)
	}

	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h = NewHistory(s)
	if got, err := h.AuditSnapshot(kept.ID); err != nil || string(got) != string(snap) {
		t.Errorf("AuditSnapshot(%s) after reopen = %s, %v; want %s", kept.ID, got, err, snap)
	}
	if _, err := h.Purge(); err != nil {
		t.Fatal(err)
	}
	if _, err := h.AuditSnapshot(kept.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("AuditSnapshot after Purge: err = %v, want ErrNotFound", err)
	}
}

func TestAppendAuditRejects(t *testing.T) {
	s, _ := openTemp(t, Options{})
	h := NewHistory(s)
	if _, err := h.AppendAudit(Record{Kind: KindValidation}, json.RawMessage(`{}`)); err == nil {
		t.Error("AppendAudit of a validation: want an error")
	}
	if _, err := h.AppendAudit(Record{Kind: KindAudit}, json.RawMessage(`{"principals":`)); err == nil {
		t.Error("AppendAudit with a truncated JSON snapshot: want an error")
	}
	if rs, err := h.List("", 0); err != nil || len(rs) != 0 {
		t.Errorf("List after rejected appends = %d records, %v; want none", len(rs), err)
	}
}

// TestMigrateFromV3MovesAuditSnapshots builds a version 3 file, whose
// audits keep their snapshot inside the payload, with bbolt directly and
// checks Open moves each snapshot to its own bucket and leaves the rest of
// every record as it was.
func TestMigrateFromV3MovesAuditSnapshots(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	const snap = `{"principals":[{"arn":"arn:aws:iam::123456789012:role/app"}],"scps":[]}`
	old := []Record{
		{ID: "01A", Kind: KindAudit, Title: "123456789012", Summary: "risk 40",
			Payload: json.RawMessage(`{"id":"","previousId":"","audit":{"account":"123456789012"},"source":"files","gaps":[],"snapshot":` + snap + `}`)},
		// Saved before audits kept their snapshot.
		{ID: "01B", Kind: KindAudit, Title: "123456789012", Payload: json.RawMessage(`{"id":"","audit":{"account":"123456789012"}}`)},
		{ID: "01C", Kind: KindAudit, Title: "null snapshot", Payload: json.RawMessage(`{"audit":{},"snapshot":null}`)},
		{ID: "01D", Kind: KindAudit, Title: "not an object", Payload: json.RawMessage(`[1,2]`)},
		{ID: "01E", Kind: KindAudit, Title: "no payload"},
		// Only audits are migrated.
		{ID: "01F", Kind: KindValidation, Title: "policy.json", Payload: json.RawMessage(`{"snapshot":{"kept":true}}`)},
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, m := range migrations[:3] {
			if err := m.run(tx); err != nil {
				return err
			}
		}
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keySchemaVersion, []byte(strconv.Itoa(3))); err != nil {
			return err
		}
		for _, r := range old {
			b, _ := bucketOf(r.Kind)
			if err := tx.Bucket(bucketIndex).Put([]byte(r.ID), b); err != nil {
				return err
			}
			if err := putJSON(tx.Bucket(b), []byte(r.ID), r); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var version int
	s.view(func(tx *bolt.Tx) error { version, err = schemaVersion(tx); return err })
	if version != SchemaVersion {
		t.Errorf("schema version after Open = %d, want %d", version, SchemaVersion)
	}
	h := NewHistory(s)
	want := map[string]string{
		"01A": `{"id":"","previousId":"","audit":{"account":"123456789012"},"source":"files","gaps":[]}`,
		"01B": `{"id":"","audit":{"account":"123456789012"}}`,
		"01C": `{"audit":{}}`,
		"01D": `[1,2]`,
		"01E": ``,
		"01F": `{"snapshot":{"kept":true}}`,
	}
	for _, o := range old {
		r, err := h.Get(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Title != o.Title || r.Summary != o.Summary || r.Kind != o.Kind {
			t.Errorf("Get(%s) after migration = %+v, want title %q summary %q kind %s", o.ID, r, o.Title, o.Summary, o.Kind)
		}
		if diff := cmp.Diff(decodeJSON(t, want[o.ID]), decodeJSON(t, string(r.Payload))); diff != "" {
			t.Errorf("payload of %s after migration (-want +got):\n%s", o.ID, diff)
		}
	}
	if got, err := h.AuditSnapshot("01A"); err != nil || string(got) != snap {
		t.Errorf("AuditSnapshot(01A) after migration = %s, %v; want %s", got, err, snap)
	}
	for _, id := range []string{"01B", "01C", "01D", "01E", "01F"} {
		if _, err := h.AuditSnapshot(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("AuditSnapshot(%s) after migration: err = %v, want ErrNotFound", id, err)
		}
	}

	// The migrated file opens again as it is: the migration ran once.
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := NewHistory(s).AuditSnapshot("01A"); err != nil || string(got) != snap {
		t.Errorf("AuditSnapshot(01A) after a second Open = %s, %v; want %s", got, err, snap)
	}
}

// decodeJSON decodes text for a semantic comparison; empty text is nil.
func decodeJSON(t *testing.T, text string) any {
	t.Helper()
	if text == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return v
}
