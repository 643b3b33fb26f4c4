package iamdb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sameDB reports whether two databases hold the same data: the same
// encoding, provenance and base.
func sameDB(t *testing.T, got, want *DB) {
	t.Helper()
	if !bytes.Equal(encode(t, got), encode(t, want)) {
		t.Error("the databases encode differently")
	}
	if diff := cmp.Diff(want.Provenance(), got.Provenance()); diff != "" {
		t.Errorf("provenance (-want +got):\n%s", diff)
	}
	gb, gok := got.Base()
	wb, wok := want.Base()
	if diff := cmp.Diff(wb, gb); diff != "" || gok != wok {
		t.Errorf("base %v, want %v (-want +got):\n%s", gok, wok, diff)
	}
}

// TestMergedCache checks that Open serves the cached merge when it matches
// the stored update and the embedded snapshot, and merges afresh (and
// re-caches) when the cache is stale, damaged or missing.
func TestMergedCache(t *testing.T) {
	update := testUpdate(t)
	want, err := Overlay(embeddedDB(t), update)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteOverlay(dir, update); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(dir, mergedFile)
	written, err := os.ReadFile(cache)
	if err != nil {
		t.Fatalf("WriteOverlay left no merged cache: %v", err)
	}
	digest := sha256.Sum256(encode(t, update))
	if db := readMerged(dir, mergedKey(digest[:])); db == nil {
		t.Fatal("the cache WriteOverlay wrote does not match the update's key")
	} else {
		sameDB(t, db, want)
	}

	for _, tc := range []struct {
		name  string
		cache []byte // written over the cache before Open; nil: removed
	}{
		{"cached", written},
		{"missing", nil},
		{"damaged", []byte(mergedMagic + "garbage")},
		{"truncated", written[:len(written)/2]},
		{"stale key", append([]byte(mergedMagic+string(make([]byte, sha256.Size))), written[len(mergedMagic)+sha256.Size:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(cache)
			if tc.cache != nil {
				if err := os.WriteFile(cache, tc.cache, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			db, err := Open(dir)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			sameDB(t, db, want)
			if again, err := os.ReadFile(cache); err != nil || !bytes.Equal(again, written) {
				t.Errorf("after Open the cache is not the merge of the stored update (err %v)", err)
			}
		})
	}

	// Another aegis rewrites the update alone: the cache no longer
	// matches, and Open must return the new update's merge.
	other := testUpdate(t)
	other.data.Provenance.UpdatedAt = "2026-12-01T00:00:00Z"
	if err := os.WriteFile(filepath.Join(dir, OverlayFile), encode(t, other), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if got := db.Provenance().UpdatedAt; got != "2026-12-01T00:00:00Z" {
		t.Errorf("Open after the update changed returned data of %s: the stale cache was used", got)
	}
}

// TestMergedVersion pins Overlay's result on small inputs. When it changes,
// caches written by the previous code hold a different merge: bump
// mergedVersion, then update want.
func TestMergedVersion(t *testing.T) {
	const want = "5f64d4c19d4d2e91856452316877719035bcb84928fa8ac89268a7501ea1d1dc"
	object := &ResourceType{Name: "object", ARNFormats: []string{"arn:${Partition}:s3:::${BucketName}/${ObjectName}"}, ConditionKeys: []string{"aws:ResourceTag/${TagKey}"}}
	s3 := &Service{Prefix: "s3", Name: "Amazon S3",
		ResourceTypes: []*ResourceType{object},
		ConditionKeys: []*ConditionKey{{Name: "s3:TlsVersion", Type: KeyNumeric, Description: "TLS version"}, {Name: "s3:OldKey", Type: KeyString}},
		Actions: []*Action{
			{Name: "GetObject", Access: AccessRead, Description: "Grants permission to retrieve objects", Resources: []ActionResource{{Type: object, Required: true, ConditionKeys: []string{"s3:OldKey"}}},
				DependentActions: []string{"kms:Decrypt"}, DependentLegacy: true},
			{Name: "PutObject", Access: AccessWrite, Description: "Grants permission to add an object"},
		},
	}
	ec2 := &Service{Prefix: "ec2", Name: "Amazon EC2", Actions: []*Action{{Name: "RunInstances", Access: AccessWrite}}}
	base, err := New(Data{Provenance: Provenance{Source: "embedded", Package: "test", Version: "1"},
		Services:   []*Service{s3, ec2},
		GlobalKeys: []*ConditionKey{{Name: "aws:SourceIp", Type: KeyIPAddress, Global: true, Category: "network"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	merged, err := Overlay(base, testUpdate(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := sha256.Sum256(encode(t, merged)); hex.EncodeToString(got[:]) != want {
		t.Errorf("Overlay's result changed (digest %x): bump mergedVersion (now %d) and set want to the new digest", got, mergedVersion)
	}
}

// FuzzReadMerged feeds arbitrary bytes to the merged-cache reader (the
// cache directory is user-writable): it must return a database or nothing,
// never panic.
func FuzzReadMerged(f *testing.F) {
	dir := f.TempDir()
	if err := WriteOverlay(dir, testUpdate(f)); err != nil {
		f.Fatal(err)
	}
	valid, err := os.ReadFile(filepath.Join(dir, mergedFile))
	if err != nil {
		f.Fatal(err)
	}
	key := [sha256.Size]byte(valid[len(mergedMagic) : len(mergedMagic)+sha256.Size])
	f.Add(valid)
	f.Add(valid[:len(mergedMagic)+sha256.Size+1])
	f.Add([]byte(mergedMagic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, mergedFile), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		if db := readMerged(dir, key); db != nil {
			if _, ok := db.Base(); !ok {
				t.Error("a cached merge without its base provenance")
			}
		}
	})
}
