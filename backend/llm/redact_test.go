package llm

import (
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	r := NewRedactor()
	in := `Role in 123456789012 reads arn:aws:s3:::logs-prod/* and arn:aws-us-gov:dynamodb:us-gov-west-1:210987654321:table/users. ` +
		`Again: arn:aws:s3:::logs-prod/*, account 123456789012; not 1234567890123 or x123456789012.`
	want := `Role in ACCOUNT_1 reads ARN_1 and ARN_2. Again: ARN_1, account ACCOUNT_1; not 1234567890123 or x123456789012.`
	got := r.Redact(in)
	if got != want {
		t.Errorf("Redact(%q)\n got %q\nwant %q", in, got, want)
	}
	if back := r.Restore(got); back != in {
		t.Errorf("Restore(%q)\n got %q\nwant %q", got, back, in)
	}
	if s := r.Restore("ARN_9 and ACCOUNT_1x"); s != "ARN_9 and ACCOUNT_1x" {
		t.Errorf("unknown or partial placeholders changed: %q", s)
	}
	var nilR *Redactor
	if nilR.Redact(in) != in || nilR.Restore(want) != want {
		t.Error("a nil Redactor changed its input")
	}
}

func TestRestoreStream(t *testing.T) {
	r := NewRedactor()
	redacted := r.Redact("Scoped to arn:aws:s3:::b in 111122223333; ACME Corp. A")
	for n := 1; n <= len(redacted); n++ {
		var out strings.Builder
		write, flush := r.restoreStream(func(s string) { out.WriteString(s) })
		for i := 0; i < len(redacted); i += n {
			write(redacted[i:min(i+n, len(redacted))])
		}
		flush()
		if want := r.Restore(redacted); out.String() != want {
			t.Errorf("pieces of %d: got %q, want %q", n, out.String(), want)
		}
	}
}

// FuzzRedactor checks that restoring a redacted text gives the text back,
// that nothing that looks like an account ID or ARN is left, and that
// streaming in any pieces gives the same result.
func FuzzRedactor(f *testing.F) {
	for _, s := range []string{"arn:aws:iam::123456789012:role/x", "123456789012.", "arn:aws-cn:s3:::b...", "(arn:aws:sqs:us-east-1:123456789012:q)", "ACME"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, split uint8) {
		if tokenPattern.MatchString(s) {
			t.Skip("the text already holds placeholder-shaped words")
		}
		r := NewRedactor()
		red := r.Redact(s)
		if back := r.Restore(red); back != s {
			t.Fatalf("Restore(Redact(%q)) = %q (redacted %q)", s, back, red)
		}
		if accountPattern.MatchString(red) {
			t.Fatalf("Redact(%q) = %q still holds an account ID", s, red)
		}
		var out strings.Builder
		write, flush := r.restoreStream(func(p string) { out.WriteString(p) })
		n := int(split%7) + 1
		for i := 0; i < len(red); i += n {
			write(red[i:min(i+n, len(red))])
		}
		flush()
		if out.String() != s {
			t.Fatalf("streamed restore of %q in pieces of %d = %q", red, n, out.String())
		}
	})
}
