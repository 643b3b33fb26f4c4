package eval

import (
	"testing"

	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzCase feeds arbitrary bytes through the simulate path: case decoding,
// policy parsing and compilation, and evaluation in both modes. It checks
// that nothing panics and that evaluation is deterministic (a fresh and a
// reused evaluator agree, and a second run agrees with the first). Seeds:
// the case corpus and testdata/fuzz/FuzzCase.
func FuzzCase(f *testing.F) {
	for _, cc := range loadCorpus(f) {
		f.Add(cc.caseJSON)
	}
	var reused Evaluator
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCase(data)
		if err != nil {
			return
		}
		in, req, err := c.Input(NewCache())
		if err != nil {
			return
		}
		for _, mode := range []Mode{ModeAWS, ModeUnknown} {
			first, err := Evaluate(in, req, mode)
			if err != nil {
				return
			}
			second, err := reused.Evaluate(in, req, mode)
			if err != nil {
				t.Fatalf("second evaluation failed: %v", err)
			}
			if diff := cmp.Diff(first, second.Clone(), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("evaluation is not deterministic (-first +second):\n%s", diff)
			}
			_ = first.AppendJSON(nil)
		}
	})
}

// FuzzTemplate checks policy-variable parsing and matching never panic.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"home/${aws:username}/*", "${*}${?}${$}", "${aws:x, 'd'}", "${", "${}", "a${b,c}", "${aws:PrincipalTag/t, ''}"} {
		f.Add(s, "home/alice/x")
	}
	f.Fuzz(func(t *testing.T, pattern, value string) {
		tm := parseTemplate(pattern)
		if tm == nil {
			return
		}
		var ctx Context
		ctx.Set("aws:username", "alice")
		for _, mode := range []Mode{ModeAWS, ModeUnknown} {
			p, _ := tm.resolve(&ctx, mode, nil)
			a := pglob(p, value, false)
			if b := pglob(p, value, false); a != b {
				t.Fatal("pglob is not deterministic")
			}
			_ = matchARNPattern(p, value)
		}
	})
}

// FuzzGlobIncluded checks the containment automata against the matcher:
// when globIncluded(a, b) holds, every string a matches, b matches; and a
// witness found for "in a, not in b" really is.
func FuzzGlobIncluded(f *testing.F) {
	for _, s := range [][3]string{
		{"arn:aws:s3:::b/*", "arn:aws:s3:::*", "arn:aws:s3:::b/k"},
		{"a?*", "a*?", "ab"},
		{"*a*", "*", "xax"},
		{"ab*", "a*b*", "ab"},
		{"a*", "a*b", "ac"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, s string) {
		if len(a) > 24 || len(b) > 24 || !ascii(a+b+s) {
			return // containment is byte-wise; ARNs are ASCII (DIVERGENCES.md 17)
		}
		if globIncluded(a, b) && policy.Glob(a, s) && !policy.Glob(b, s) {
			t.Fatalf("globIncluded(%q, %q) but %q matches only the first", a, b, s)
		}
		var g globSearch
		ga := g.addGroup([]string{a}, false)
		gb := g.addGroup([]string{b}, false)
		w, found, _ := g.find(func(st bitset) bool { return g.accepts(ga, st) && !g.accepts(gb, st) })
		if found && (!policy.Glob(a, w) || policy.Glob(b, w)) {
			t.Fatalf("witness %q for %q minus %q is wrong", w, a, b)
		}
	})
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
