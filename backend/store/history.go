package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Kind is the aggregate a history record belongs to.
type Kind string

const (
	KindSession    Kind = "session"
	KindValidation Kind = "validation"
	KindAudit      Kind = "audit"
)

var kinds = []struct {
	kind   Kind
	bucket []byte
}{
	{KindSession, bucketSessions},
	{KindValidation, bucketValidations},
	{KindAudit, bucketAudits},
}

// ParseKind checks a kind name.
func ParseKind(s string) (Kind, error) {
	for _, k := range kinds {
		if string(k.kind) == s {
			return k.kind, nil
		}
	}
	return "", fmt.Errorf("unknown history kind %q (want one of %s)", s, kindNames())
}

func bucketOf(k Kind) ([]byte, error) {
	for _, e := range kinds {
		if e.kind == k {
			return e.bucket, nil
		}
	}
	return nil, fmt.Errorf("unknown history kind %q (want one of %s)", k, kindNames())
}

// ErrNotFound is returned for an ID the history does not hold.
var ErrNotFound = errors.New("history record not found")

// Record is one stored session, validation or audit.
type Record struct {
	ID        string          `json:"id"`
	Kind      Kind            `json:"kind"`
	Title     string          `json:"title"`
	CreatedAt time.Time       `json:"createdAt"`
	Summary   string          `json:"summary"`
	Payload   json.RawMessage `json:"payload,omitempty"`
}

// History is the repository of records of every kind.
type History struct{ s *Store }

// NewHistory returns the history repository of s.
func NewHistory(s *Store) History { return History{s: s} }

// Append stores a new record, setting its ID and CreatedAt, and returns it.
func (h History) Append(r Record) (Record, error) {
	return h.append(r, nil)
}

// AppendAudit stores a new audit record and the snapshot (the account
// configuration the audit was computed from) in one transaction, setting
// the record's ID and CreatedAt, and returns it. The snapshot is kept in
// its own bucket under the audit's ID, so that listing and opening audits
// never read it: only AuditSnapshot does. An empty snapshot stores none.
func (h History) AppendAudit(r Record, snapshot json.RawMessage) (Record, error) {
	if r.Kind != KindAudit {
		return Record{}, fmt.Errorf("appending a %s record with an audit snapshot: only audits have one", r.Kind)
	}
	if len(snapshot) > 0 && !json.Valid(snapshot) {
		return Record{}, errors.New("appending audit record: snapshot is not valid JSON")
	}
	return h.append(r, snapshot)
}

// append stores r and, when it is not empty, snapshot in one transaction.
func (h History) append(r Record, snapshot json.RawMessage) (Record, error) {
	bucket, err := bucketOf(r.Kind)
	if err != nil {
		return Record{}, err
	}
	if len(r.Payload) > 0 && !json.Valid(r.Payload) {
		return Record{}, fmt.Errorf("appending %s record: payload is not valid JSON", r.Kind)
	}
	r.CreatedAt = h.s.clock().UTC()
	if r.ID, err = h.s.newID(r.CreatedAt); err != nil {
		return Record{}, err
	}
	err = h.s.update(func(tx *bolt.Tx) error {
		id := []byte(r.ID)
		idx := tx.Bucket(bucketIndex)
		if idx.Get(id) != nil {
			return fmt.Errorf("appending %s record: ID %s is already used", r.Kind, r.ID)
		}
		if err := idx.Put(id, bucket); err != nil {
			return err
		}
		if len(snapshot) > 0 {
			if err := tx.Bucket(bucketAuditSnapshots).Put(id, snapshot); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bucket), id, r)
	})
	if err != nil {
		return Record{}, fmt.Errorf("appending %s record: %w", r.Kind, err)
	}
	return r, nil
}

// AuditSnapshot returns the snapshot saved with the audit id, or an error
// matching ErrNotFound when there is none (the ID is unknown, or the audit
// was saved without one).
func (h History) AuditSnapshot(id string) (json.RawMessage, error) {
	var out json.RawMessage
	err := h.s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketAuditSnapshots).Get([]byte(id))
		if raw == nil {
			return fmt.Errorf("%w: no snapshot saved with audit %q", ErrNotFound, id)
		}
		out = bytes.Clone(raw) // raw is valid only inside the transaction
		return nil
	})
	return out, err
}

// List returns up to limit records newest first, of one kind or, for the
// empty kind, of every kind. A limit of zero or less means no limit.
func (h History) List(kind Kind, limit int) ([]Record, error) {
	var want []byte
	if kind != "" {
		b, err := bucketOf(kind)
		if err != nil {
			return nil, err
		}
		want = b
	}
	var out []Record
	err := h.s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketIndex).Cursor()
		for id, bucket := c.Last(); id != nil; id, bucket = c.Prev() {
			if limit > 0 && len(out) == limit {
				break
			}
			if want != nil && !bytes.Equal(bucket, want) {
				continue
			}
			r, err := decodeRecord(tx, bucket, id)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// Get returns the record with the given ID, or an error matching
// ErrNotFound.
func (h History) Get(id string) (Record, error) {
	var r Record
	err := h.s.view(func(tx *bolt.Tx) error {
		bucket := tx.Bucket(bucketIndex).Get([]byte(id))
		if bucket == nil {
			return fmt.Errorf("%w: %q", ErrNotFound, id)
		}
		var err error
		r, err = decodeRecord(tx, bucket, []byte(id))
		return err
	})
	return r, err
}

// Delete removes the record with the given ID (with an audit, its
// snapshot), or returns an error matching ErrNotFound.
func (h History) Delete(id string) error {
	return h.s.update(func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketIndex)
		bucket := idx.Get([]byte(id))
		if bucket == nil {
			return fmt.Errorf("%w: %q", ErrNotFound, id)
		}
		b := tx.Bucket(bucket)
		if b == nil {
			return fmt.Errorf("history index names unknown bucket %q", bucket)
		}
		if err := b.Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAuditSnapshots).Delete([]byte(id)); err != nil {
			return err
		}
		return idx.Delete([]byte(id))
	})
}

// Purge deletes every history record, then compacts the file so the
// deleted data does not survive in free pages. It returns how many records
// it removed.
func (h History) Purge() (int, error) {
	n := 0
	err := h.s.update(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketIndex).Stats().KeyN
		for _, name := range [][]byte{bucketIndex, bucketSessions, bucketValidations, bucketAudits, bucketAuditSnapshots} {
			if err := tx.DeleteBucket(name); err != nil {
				return fmt.Errorf("deleting bucket %s: %w", name, err)
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return fmt.Errorf("creating bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purging history: %w", err)
	}
	if err := h.s.compact(); err != nil {
		return n, fmt.Errorf("purging history: %w", err)
	}
	return n, nil
}

func decodeRecord(tx *bolt.Tx, bucket, id []byte) (Record, error) {
	b := tx.Bucket(bucket)
	if b == nil {
		return Record{}, fmt.Errorf("history index names unknown bucket %q", bucket)
	}
	raw := b.Get(id)
	if raw == nil {
		return Record{}, fmt.Errorf("history index names %s/%s, which is missing", bucket, id)
	}
	var r Record
	if err := json.Unmarshal(raw, &r); err != nil {
		return Record{}, fmt.Errorf("decoding %s/%s: %w", bucket, id, err)
	}
	return r, nil
}

// kindNames lists the kinds for messages.
func kindNames() string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k.kind)
	}
	return strings.Join(names, ", ")
}
