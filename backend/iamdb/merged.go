package iamdb

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// The merged cache holds what Open returns when a data update is stored:
// the embedded snapshot with the update laid over it. Without it every
// start decodes two snapshots and merges them; with it, one snapshot is
// decoded. It is derived data, keyed by everything it is computed from (see
// mergedKey): a cache whose key does not match, or that cannot be read, is
// rebuilt from the update, never trusted. WriteOverlay writes it when an
// update is installed; Open rebuilds it after an upgrade of aegis (a new
// embedded snapshot) or when another version of aegis wrote the update.
//
// The file is mergedMagic, the 32-byte key, the base (embedded) provenance
// as uvarint-prefixed JSON, then the merged database as Encode writes it.
const (
	mergedFile  = "merged.bin"
	mergedMagic = "AEGISIAMMERGED"
	// mergedVersion is part of the key: bump it whenever Overlay's result
	// for the same inputs changes, so caches written by the older code are
	// rebuilt. TestMergedVersion fails until it is bumped.
	mergedVersion = 1
)

// embeddedDigest is the SHA-256 of the embedded snapshot, computed on
// first use (only stores with a data update need it).
var embeddedDigest = sync.OnceValue(func() [sha256.Size]byte { return digestString(snapshot) })

// digestString hashes s through a small buffer: sha256.Sum256([]byte(s))
// would copy megabytes first.
func digestString(s string) [sha256.Size]byte {
	h := sha256.New()
	var buf [32 << 10]byte
	for len(s) > 0 {
		n := copy(buf[:], s)
		h.Write(buf[:n])
		s = s[n:]
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// mergedKey identifies a merge: the cache format and merge code version,
// the embedded snapshot and the update file's bytes (by digest).
func mergedKey(updateDigest []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(mergedMagic))
	h.Write(binary.AppendUvarint(nil, mergedVersion))
	d := embeddedDigest()
	h.Write(d[:])
	h.Write(updateDigest)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

// openUpdate returns the database of the update stored at path, laid over
// the embedded snapshot, from the merged cache in cacheDir when it holds
// this merge, else merged afresh (and cached for the next start).
func openUpdate(cacheDir, path string) (*DB, error) {
	digest, err := fileDigest(path)
	if err != nil {
		return nil, err
	}
	if db := readMerged(cacheDir, mergedKey(digest)); db != nil {
		return db, nil
	}
	// Read the update once and key the merge by the bytes actually read,
	// so a concurrent "aegis data update" cannot mismatch key and content.
	data, err := readFileString(path)
	if err != nil {
		return nil, err
	}
	update, err := decodeString(data)
	if err != nil {
		return nil, fmt.Errorf("reading IAM data update %s: %w", path, err)
	}
	base, err := Embedded()
	if err != nil {
		return nil, err
	}
	merged, err := Overlay(base, update)
	if err != nil {
		return nil, fmt.Errorf("IAM data update %s: %w", path, err)
	}
	sum := digestString(data)
	// The cache only saves time: a read-only or full cache directory
	// leaves every start merging, as before the cache existed.
	_ = writeMerged(cacheDir, mergedKey(sum[:]), merged)
	return merged, nil
}

// fileDigest hashes a file through a small buffer.
func fileDigest(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening IAM data update: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, maxSnapshotSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading IAM data update %s: %w", path, err)
	}
	if n > maxSnapshotSize {
		return nil, fmt.Errorf("reading IAM data update %s: %w: larger than %d bytes", path, ErrCorrupt, maxSnapshotSize)
	}
	return h.Sum(nil), nil
}

// readFileString reads a file of at most maxSnapshotSize bytes into a
// string without the copy that string(os.ReadFile(...)) makes: the decoded
// database's strings are substrings of it.
func readFileString(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("opening IAM data update: %w", err)
	}
	defer f.Close()
	var b strings.Builder
	if st, err := f.Stat(); err == nil && st.Size() <= maxSnapshotSize {
		b.Grow(int(st.Size()))
	}
	n, err := io.Copy(&b, io.LimitReader(f, maxSnapshotSize+1))
	if err != nil {
		return "", fmt.Errorf("reading IAM data update %s: %w", path, err)
	}
	if n > maxSnapshotSize {
		return "", fmt.Errorf("reading IAM data update %s: %w: larger than %d bytes", path, ErrCorrupt, maxSnapshotSize)
	}
	return b.String(), nil
}

// readMerged returns the cached merge in cacheDir if its key is key, else
// nil: a missing, stale or damaged cache is a miss.
func readMerged(cacheDir string, key [sha256.Size]byte) *DB {
	s, err := readFileString(filepath.Join(cacheDir, mergedFile))
	if err != nil {
		return nil
	}
	rest, ok := strings.CutPrefix(s, mergedMagic)
	if !ok || len(rest) < len(key) || rest[:len(key)] != string(key[:]) {
		return nil
	}
	rest = rest[len(key):]
	n, w := binary.Uvarint([]byte(rest[:min(len(rest), binary.MaxVarintLen64)]))
	if w <= 0 || n > uint64(len(rest)-w) {
		return nil
	}
	var base Provenance
	if err := json.Unmarshal([]byte(rest[w:w+int(n)]), &base); err != nil {
		return nil
	}
	db, err := decodeString(rest[w+int(n):])
	if err != nil {
		return nil
	}
	db.base = &base
	return db
}

// writeMerged stores merged (an Overlay result) under key in cacheDir.
func writeMerged(cacheDir string, key [sha256.Size]byte, merged *DB) error {
	base, ok := merged.Base()
	if !ok {
		return errors.New("caching the merged IAM database: not an overlay")
	}
	prov, err := json.Marshal(base)
	if err != nil {
		return fmt.Errorf("caching the merged IAM database: %w", err)
	}
	return writeAtomic(cacheDir, mergedFile, "caching the merged IAM database", func(w io.Writer) error {
		var head bytes.Buffer
		head.WriteString(mergedMagic)
		head.Write(key[:])
		head.Write(binary.AppendUvarint(nil, uint64(len(prov))))
		head.Write(prov)
		if _, err := w.Write(head.Bytes()); err != nil {
			return fmt.Errorf("caching the merged IAM database: %w", err)
		}
		return merged.Encode(w)
	})
}

// writeAtomic writes cacheDir/name through a synced temporary file renamed
// over it, so a reader sees the old or the new content, never a partial
// one. what names the file in errors.
func writeAtomic(cacheDir, name, what string, write func(io.Writer) error) (err error) {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return fmt.Errorf("creating cache directory: %w", err)
	}
	tmp, err := os.CreateTemp(cacheDir, name+".*.tmp")
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(cacheDir, name)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
