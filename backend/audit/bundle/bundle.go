// Package bundle reads and writes the snapshot bundle: one account's
// snapshot (audit.Snapshot) in a versioned JSON file, optionally gzipped.
// The offline importer and the live collector write it; the analysis reads
// only it. The format is documented in docs/bundle.md.
package bundle

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/internal/jsonpos"
)

// Format is the value of a bundle's "format" member.
const Format = "aegis-audit-bundle"

// Version is the bundle format version this package writes and reads.
// A reader refuses a bundle of another version rather than misread it.
const Version = 1

// Bundle is the file's top level.
type Bundle struct {
	Format   string         `json:"format"`
	Version  int            `json:"version"`
	Snapshot audit.Snapshot `json:"snapshot"`
	// Usage is what the logs say the account's principals did, with its
	// coverage; nil when no usage source was read (every permission's use
	// is then unknown).
	Usage *audit.Usage `json:"usage,omitempty"`
}

// New returns a bundle holding s and u (nil: no usage source).
func New(s audit.Snapshot, u *audit.Usage) *Bundle {
	return &Bundle{Format: Format, Version: Version, Snapshot: s, Usage: u}
}

// ErrVersion says a bundle is of a format version this build does not read.
var ErrVersion = errors.New("unsupported bundle version")

// gzipMagic starts every gzip stream.
var gzipMagic = []byte{0x1f, 0x8b}

// Read decodes a bundle, gunzipping it when it is compressed, and checks
// it (Check). name labels errors: a JSON error is "name:line:col: …", a
// problem in the content "name: snapshot.roles[2].trustPolicy: …".
func Read(name string, r io.Reader) (*Bundle, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); bytes.Equal(magic, gzipMagic) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer zr.Close()
		r = zr
	} else {
		r = br
	}
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return nil, fmt.Errorf("%s: empty file: not an Aegis audit bundle", name)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(src, &head); err != nil {
		return nil, jsonpos.Error(name, src, err)
	}
	if head.Format != Format {
		return nil, fmt.Errorf("%s: not an Aegis audit bundle (format %q, want %q)", name, head.Format, Format)
	}
	if head.Version != Version {
		return nil, fmt.Errorf("%s: version %d: %w (this build reads version %d)", name, head.Version, ErrVersion, Version)
	}
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, jsonpos.Error(name, src, err)
	}
	if err := Check(&b); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &b, nil
}

// Write encodes b as indented JSON, gzipped when compress is set. Map keys
// and slices keep their order, so equal snapshots give equal files.
func Write(w io.Writer, b *Bundle, compress bool) error {
	if compress {
		zw := gzip.NewWriter(w)
		if err := Write(zw, b, false); err != nil {
			return err
		}
		return zw.Close()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(b)
}

// Problems lists what is wrong in a snapshot, each "path: message".
type Problems []string

func (p Problems) Error() string {
	if len(p) == 1 {
		return p[0]
	}
	return fmt.Sprintf("%s (and %d more problems)", p[0], len(p)-1)
}

// All returns every problem, one per line.
func (p Problems) All() string { return strings.Join(p, "\n") }
