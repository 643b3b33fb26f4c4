// Command corpusfiles writes each AWS managed policy of the embedded test
// corpus (backend/internal/corpus/managed-policies.json.gz) to DIR/NAME.json,
// so the CLI can be benchmarked end to end on real files:
//
//	go run ./scripts/bench/corpusfiles DIR
package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

const corpusFile = "backend/internal/corpus/managed-policies.json.gz"

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: corpusfiles DIR (run from the repository root)")
		os.Exit(2)
	}
	if err := write(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "corpusfiles:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	f, err := os.Open(corpusFile)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", corpusFile, err)
	}
	var entries []struct {
		Name     string `json:"name"`
		Document string `json:"document"`
	}
	if err := json.NewDecoder(zr).Decode(&entries); err != nil {
		return fmt.Errorf("%s: %w", corpusFile, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.WriteFile(filepath.Join(dir, e.Name+".json"), []byte(e.Document), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%d managed policies written to %s\n", len(entries), dir)
	return nil
}
