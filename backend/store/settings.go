package store

import (
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var keySettings = []byte("settings")

// Settings is the repository of the one settings document. The shape T
// belongs to the caller (the desktop façade); the store keeps it as JSON.
type Settings[T any] struct{ s *Store }

// NewSettings returns the settings repository of s for documents of type T.
func NewSettings[T any](s *Store) Settings[T] { return Settings[T]{s: s} }

// Get returns the stored document and true, or the zero T and false when
// nothing was saved yet.
func (r Settings[T]) Get() (T, bool, error) {
	var v T
	found := false
	err := r.s.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketSettings).Get(keySettings)
		if raw == nil {
			return nil
		}
		found = true
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decoding settings: %w", err)
		}
		return nil
	})
	return v, found, err
}

// Put replaces the stored document.
func (r Settings[T]) Put(v T) error {
	return r.s.update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketSettings), keySettings, v)
	})
}
