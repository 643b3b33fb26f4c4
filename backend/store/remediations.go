package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Remediations is the repository of remediation records: each the state an
// account change replaced, saved before the change and kept so that it can
// be rolled back. T is the caller's record shape, kept as JSON under its
// ID. Purging the history leaves them: they are what a rollback restores.
type Remediations[T any] struct{ s *Store }

// NewRemediations returns the remediation repository of s.
func NewRemediations[T any](s *Store) Remediations[T] { return Remediations[T]{s: s} }

// Put stores v under id, replacing the record of that ID.
func (r Remediations[T]) Put(id string, v T) error {
	return r.s.update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketRemediations), []byte(id), v)
	})
}

// Get returns the record with id, or an error matching ErrNotFound.
func (r Remediations[T]) Get(id string) (T, error) {
	var v T
	err := r.s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketRemediations).Get([]byte(id))
		if raw == nil {
			return fmt.Errorf("%w: remediation %q", ErrNotFound, id)
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decoding remediation %s: %w", id, err)
		}
		return nil
	})
	return v, err
}

// List returns every record, newest ID first.
func (r Remediations[T]) List() ([]T, error) {
	var out []T
	err := r.s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRemediations).Cursor()
		for k, raw := c.Last(); k != nil; k, raw = c.Prev() {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return fmt.Errorf("decoding remediation %s: %w", k, err)
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}
