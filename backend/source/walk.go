package source

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// skipDirs are directories that never hold the user's own inputs.
var skipDirs = map[string]bool{".git": true, "node_modules": true, ".terraform": true, ".terragrunt-cache": true}

// inputExts are the file extensions Walk reads.
var inputExts = map[string]bool{".json": true, ".yaml": true, ".yml": true, ".template": true, ".tf": true}

// Walk extracts the documents of every input under root (a file or a
// directory). Terraform files are read per directory, as a module, so
// references between files resolve. Directories .git, node_modules and
// .terraform are skipped; every file Walk reads but cannot use is reported in
// the errors (files of no known format wrap ErrUnrecognized), never skipped
// silently. Results are in lexical path order. opts applies to every file:
// a forced Format or Kind is meant for a root that is one file or a
// directory of one kind of input. Terraform file("...") references are read
// with opts.ReadFile, os.ReadFile when nil; a policy file read that way is
// reported once, under the Terraform name.
func Walk(ctx context.Context, root string, opts Options) ([]Extracted, []error) {
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	info, err := os.Stat(root)
	if err != nil {
		return nil, []error{fmt.Errorf("reading input: %w", err)}
	}
	if !info.IsDir() {
		return extractFile(root, opts)
	}
	type unit struct {
		file  string   // a single non-Terraform file
		tfDir []string // or the Terraform files of one directory
	}
	var units []*unit
	tfDirs := map[string]*unit{}
	var errs []error
	walkErr := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("walking %s: %w", path, err))
			return nil
		}
		if d.IsDir() {
			if path != root && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if !inputExts[ext] {
			return nil
		}
		if ext == ".tf" {
			dir := filepath.Dir(path)
			u := tfDirs[dir]
			if u == nil {
				u = &unit{}
				tfDirs[dir] = u
				units = append(units, u)
			}
			u.tfDir = append(u.tfDir, path)
			return nil
		}
		units = append(units, &unit{file: path})
		return nil
	})
	if walkErr != nil {
		errs = append(errs, fmt.Errorf("walking %s: %w", root, walkErr))
	}
	var out []Extracted
	for _, u := range units {
		if err := ctx.Err(); err != nil {
			return out, append(errs, err)
		}
		if u.file != "" {
			docs, fileErrs := extractFile(u.file, opts)
			out = append(out, docs...)
			errs = append(errs, fileErrs...)
			continue
		}
		var files []tfFile
		for _, p := range u.tfDir {
			src, err := os.ReadFile(p)
			if err != nil {
				errs = append(errs, fmt.Errorf("reading input: %w", err))
				continue
			}
			files = append(files, tfFile{name: p, src: src})
		}
		docs, err := extractTerraform(files, opts.ReadFile)
		if err != nil {
			errs = append(errs, err)
		}
		out = append(out, finish(docs)...)
	}
	return dropReferenced(out), errs
}

// dropReferenced removes raw policy files that a Terraform configuration
// already reported through file("...") or templatefile("..."), so each
// document is reported once, under the name that says where it is used.
func dropReferenced(docs []Extracted) []Extracted {
	named := map[string]bool{}
	for _, d := range docs {
		if d.Name != "" {
			named[filepath.Clean(d.File)] = true
		}
	}
	out := docs[:0]
	for _, d := range docs {
		if d.Name == "" && named[filepath.Clean(d.File)] {
			continue
		}
		out = append(out, d)
	}
	return out
}

// maxFileSize bounds the files Walk reads: far above the largest GAAD export
// or template, far below what would exhaust memory.
const maxFileSize = 256 << 20

// extractFile reads and extracts one file.
func extractFile(path string, opts Options) ([]Extracted, []error) {
	if info, err := os.Stat(path); err == nil && info.Size() > maxFileSize {
		return nil, []error{fmt.Errorf("%s: %d bytes is more than the %d this reads: %w", path, info.Size(), maxFileSize, ErrTooLarge)}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, []error{fmt.Errorf("reading input: %w", err)}
	}
	docs, err := Extract(path, src, opts)
	if err != nil {
		return docs, []error{err}
	}
	return docs, nil
}
