package store

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func benchStore(b *testing.B) History {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), FileName), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return NewHistory(s)
}

// payload is a validation result of a realistic size (about 4 KiB).
var payload = json.RawMessage(`{"findings":"` + strings.Repeat("x", 4096) + `"}`)

// BenchmarkAppend measures one durable append: a bbolt transaction with
// its fsync.
func BenchmarkAppend(b *testing.B) {
	h := benchStore(b)
	for b.Loop() {
		if _, err := h.Append(Record{Kind: KindValidation, Title: "policy.json", Payload: payload}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkList measures the History page's query: the newest 100 of 2,000
// records of mixed kinds.
func BenchmarkList(b *testing.B) {
	h := benchStore(b)
	for i := range 2000 {
		if _, err := h.Append(Record{Kind: kinds[i%len(kinds)].kind, Title: "r", Payload: payload}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if rs, err := h.List("", 100); err != nil || len(rs) != 100 {
			b.Fatal(len(rs), err)
		}
	}
}
