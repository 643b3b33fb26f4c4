package source

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aegis-iam/aegis/backend/policy"
)

// addFixtures seeds a fuzz target with the test fixtures matching pattern
// (besides the corpus committed under testdata/fuzz).
func addFixtures(f *testing.F, pattern string) {
	files, err := filepath.Glob(pattern)
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
}

// checkExtract extracts src and checks the invariants every input must keep:
// no panic, and every position inside the original text with a line and
// column that agree with its offset.
func checkExtract(t *testing.T, name string, src []byte, format Format) {
	docs, err := Extract(name, src, Options{Format: format})
	ln := newLines(src)
	check := func(what string, p policy.Pos) {
		if !p.IsValid() {
			return
		}
		if p.Offset < 0 || p.Offset > len(src) || ln.pos(p.Offset) != p {
			t.Fatalf("%s at %+v: not a position in the %d-byte input (want %+v)", what, p, len(src), ln.pos(p.Offset))
		}
	}
	if list, ok := err.(policy.ErrorList); ok {
		for _, e := range list {
			check("error "+e.Msg, e.Pos)
		}
	}
	for _, d := range docs {
		if d.File != name {
			continue // a Terraform file() reference; not read in fuzzing
		}
		for _, e := range d.Errors {
			check("document error "+e.Msg, e.Pos)
		}
		for _, p := range d.Placeholders {
			check("placeholder "+p.Text, p.Pos)
		}
		if d.Document == nil {
			continue
		}
		check("document", d.Document.Pos)
		for _, s := range d.Document.Statements {
			check("statement", s.Pos)
			for _, l := range []*policy.List{s.Action, s.NotAction, s.Resource, s.NotResource} {
				if l != nil {
					for _, v := range l.Values {
						check("value "+v.Text, v.Pos)
					}
				}
			}
		}
	}
}

func FuzzCloudFormationYAML(f *testing.F) {
	addFixtures(f, "testdata/cfn/*.yaml")
	f.Fuzz(func(t *testing.T, src []byte) {
		checkExtract(t, "t.yaml", src, FormatCloudFormation)
	})
}

func FuzzCloudFormationJSON(f *testing.F) {
	addFixtures(f, "testdata/cfn/*.json")
	f.Fuzz(func(t *testing.T, src []byte) {
		checkExtract(t, "t.json", src, FormatCloudFormation)
	})
}

func FuzzTerraform(f *testing.F) {
	addFixtures(f, "testdata/terraform/*/*.tf")
	addFixtures(f, "testdata/terraform/*.tf")
	f.Fuzz(func(t *testing.T, src []byte) {
		checkExtract(t, "main.tf", src, FormatTerraform)
	})
}

func FuzzAutoDetect(f *testing.F) {
	addFixtures(f, "testdata/raw/*.json")
	addFixtures(f, "testdata/gaad/*.json")
	addFixtures(f, "testdata/plan/*.json")
	f.Fuzz(func(t *testing.T, src []byte) {
		checkExtract(t, "input.json", src, FormatAuto)
	})
}

// FuzzOutline checks that an outline reads as the whole tree does: the
// same error on a bad input, the same top-level keys, and the kind of the
// whole tree whenever the outline decides one.
func FuzzOutline(f *testing.F) {
	addFixtures(f, "testdata/raw/*.json")
	addFixtures(f, "testdata/gaad/*.json")
	f.Add([]byte(`{"Statement":{"Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}`))
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Action":["s3:Get*"],"Resource":"*"},[1,{"a":"\u0041"}]],"Id":null}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		full, ferr := readJSON(src)
		outline, oerr := readOutline(src)
		if (ferr == nil) != (oerr == nil) || ferr != nil && *ferr != *oerr {
			t.Fatalf("readOutline error %v, readJSON %v", oerr, ferr)
		}
		if ferr != nil {
			return
		}
		if full.kind != outline.kind || full.off != outline.off || len(full.keys) != len(outline.keys) {
			t.Fatalf("outline %+v of a %+v", outline, full)
		}
		for i, k := range full.keys {
			if outline.keys[i].text != k.text || outline.elems[i].kind != full.elems[i].kind || outline.elems[i].off != full.elems[i].off {
				t.Fatalf("key %d: outline %q, want %q", i, outline.keys[i].text, k.text)
			}
		}
		if k, ok := outlineKind(outline); ok && k != detectKind(full) {
			t.Fatalf("outline kind %v, want %v", k, detectKind(full))
		}
	})
}

func TestOutlineKind(t *testing.T) {
	for src, want := range map[string]policy.Kind{
		`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`:                             policy.KindIdentity,
		`{"Statement":{"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`:         policy.KindTrust,
		`{"Statement":[{"Action":"s3:*"},{"NotPrincipal":"*","Action":"s3:GetObject","Resource":"*"}]}`: policy.KindResource,
		`{"Statement":{"Pr\u0069ncipal":"*","Action":"sts:AssumeRole"}}`:                                policy.KindTrust,
	} {
		outline, err := readOutline([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		k, ok := outlineKind(outline)
		if !ok {
			// A principal: the kind needs the whole tree, which Extract reads.
			full, _ := readJSON([]byte(src))
			k = detectKind(full)
		}
		if k != want || ok != (want == policy.KindIdentity) {
			t.Errorf("%s: kind %v (decided by the outline: %t), want %v", src, k, ok, want)
		}
	}
}
