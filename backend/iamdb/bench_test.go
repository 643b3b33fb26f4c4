package iamdb

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkLoad measures a cold decode of the embedded snapshot (what the
// first Embedded call costs) and reports the heap one database retains.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	var db *DB
	for b.Loop() {
		var err error
		if db, err = decodeString(snapshot); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	db = nil
	runtime.GC()
	runtime.ReadMemStats(&before)
	db, _ = decodeString(snapshot)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
	runtime.KeepAlive(db)
}

// benchPatterns are Action-element patterns shaped like those of the AWS
// managed policies: per-service wildcards, verb prefixes, '?' and
// cross-service patterns.
func benchPatterns(db *DB) []string {
	var ps []string
	for _, s := range db.Services() {
		ps = append(ps, s.Prefix+":*", s.Prefix+":Get*", s.Prefix+":List*", s.Prefix+":Describe*", s.Prefix+":*Tag*")
	}
	return append(ps, "*", "*:Get*", "ec2:Describe?pc*", "s3:GetObject", "iam:PassRole")
}

// BenchmarkExpand expands the patterns above; ns/op is per pattern.
func BenchmarkExpand(b *testing.B) {
	db := embeddedDB(b)
	ps := benchPatterns(db)
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		db.Expand(ps[i%len(ps)])
		i++
	}
}

// BenchmarkMatchARN measures resource-type matching of a concrete ARN.
func BenchmarkMatchARN(b *testing.B) {
	db := embeddedDB(b)
	a, _ := db.Action("s3:GetObject")
	b.ReportAllocs()
	for b.Loop() {
		db.ResourceTypesFor(a, "arn:aws:s3:::my-bucket/photos/2024/cat.jpg")
	}
}

// BenchmarkOpenUpdated measures Open with a full-size data update stored
// in the cache (every service replaced): "cached" loads the merge that
// WriteOverlay stored; "merge" is a start without it (after an upgrade of
// aegis), which decodes both snapshots, merges, indexes and re-caches.
func BenchmarkOpenUpdated(b *testing.B) {
	dir := b.TempDir()
	full, err := decodeString(snapshot) // a private copy to relabel as an update
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range full.Services() {
		s.Updated = true
	}
	if err := WriteOverlay(dir, full); err != nil {
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Open(dir); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("merge", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			if err := os.Remove(filepath.Join(dir, mergedFile)); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := Open(dir); err != nil {
				b.Fatal(err)
			}
		}
	})
}
