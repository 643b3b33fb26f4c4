package policy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
)

// FuzzParse checks that Parse never panics and that, for every input it
// accepts, the canonical form parses again and prints to itself. Seeds: the
// managed-policy corpus, testdata/format and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	policies, err := corpus.ManagedPolicies()
	if err != nil {
		f.Fatal(err)
	}
	for i, mp := range policies {
		// A spread of the smaller policies keeps fuzzing iterations fast;
		// TestCorpusRoundTrip covers every policy.
		if i%8 == 0 && len(mp.Document) < 2048 {
			f.Add(mp.Document, uint8(policy.KindIdentity))
		}
	}
	inputs, _ := filepath.Glob("testdata/format/*.json")
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, uint8(policy.KindAny))
	}
	f.Fuzz(func(t *testing.T, src []byte, kind uint8) {
		k := policy.Kind(kind % 9)
		doc, err := policy.Parse("fuzz", src, k)
		if err != nil {
			if doc != nil {
				policy.Format(doc) // partial documents print without panicking
			}
			return
		}
		first := policy.Format(doc)
		doc2, err := policy.Parse("canonical", first, k)
		if err != nil {
			t.Fatalf("canonical form of %q does not parse: %v\n%s", src, err, first)
		}
		if second := policy.Format(doc2); !bytes.Equal(first, second) {
			t.Fatalf("not a fixed point for %q:\n%s\n---\n%s", src, first, second)
		}
	})
}

// FuzzGlob checks Glob against a regular expression built from the pattern
// (for valid UTF-8, where both count characters the same way) and that it
// never panics on any bytes.
func FuzzGlob(f *testing.F) {
	for _, seed := range [][2]string{
		{"s3:Get*", "s3:GetObject"}, {"*", ""}, {"?", "é"}, {"a*b?c", "axxbyc"}, {"*?*?", "ab"},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/key/with/slashes"}, {"ec2:Describe?pc*", "ec2:DescribeVpcs"},
		{"**a**", "bab"}, {"a?", "a\xff"}, {"*??", "é"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		got := policy.Glob(pattern, s)
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) || len(pattern) > 64 || len(s) > 256 {
			return
		}
		var re strings.Builder
		re.WriteString(`(?s)\A`)
		for _, r := range pattern {
			switch r {
			case '*':
				re.WriteString(`.*`)
			case '?':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`\z`)
		if want := regexp.MustCompile(re.String()).MatchString(s); got != want {
			t.Fatalf("Glob(%q, %q) = %v, want %v", pattern, s, got, want)
		}
	})
}

// FuzzPatternFold checks a folding Pattern against Glob on both sides
// lowered (ASCII only): matching without copying must give the same answer.
func FuzzPatternFold(f *testing.F) {
	for _, seed := range [][2]string{
		{"s3:Get*", "S3:GETOBJECT"}, {"IAM:PassRole", "iam:passrole"}, {"ec2:Describe?pc*", "EC2:describeVpcs"},
		{"*", "X"}, {"Ä*", "ä"}, {"a?", "A\xff"}, {"iam:*", "IAM:"}, {"KMS:Decrypt", "kms:decryp"},
	} {
		f.Add(seed[0], seed[1])
	}
	lower := func(s string) string {
		b := []byte(s)
		for i, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		got := policy.CompilePattern(pattern, true).Match(s)
		if want := policy.Glob(lower(pattern), lower(s)); got != want {
			t.Fatalf("CompilePattern(%q, true).Match(%q) = %v, want %v", pattern, s, got, want)
		}
	})
}
