package query

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit/internal/fixture"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

// TestAnswers answers queries over the test account (app reads and writes
// its queue and config; admin can do anything; alice may assume admin; a
// bucket policy lets account 444455556666 read app-config, a queue policy
// lets anyone send to jobs) and compares text and JSON with golden files.
func TestAnswers(t *testing.T) {
	db, s := fixture.Snapshot(t)
	e := New(db, s)
	tests := []struct{ name, query string }{
		{"who-sendmessage", "who can sqs:SendMessage on arn:aws:sqs:eu-west-1:111122223333:jobs"},
		{"who-getobject", "who can s3:GetObject on arn:aws:s3:::app-config/settings.json"},
		{"who-pattern", "WHO CAN sqs:Delete* on arn:aws:sqs:eu-west-1:111122223333:jobs"},
		{"who-assume-admin", "who can sts:AssumeRole on arn:aws:iam::111122223333:role/admin"},
		{"who-no-resource", "who can iam:CreateAccessKey"},
		{"what-app", "what can app do"},
		{"what-app-on-queue", "what can arn:aws:iam::111122223333:role/app do on arn:aws:sqs:eu-west-1:111122223333:jobs"},
		{"what-alice-on-bucket", "what can alice do on arn:aws:s3:::app-config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := e.Ask(tt.query)
			if err != nil {
				t.Fatalf("Ask(%q): %v", tt.query, err)
			}
			var text, js bytes.Buffer
			if err := a.Text(&text); err != nil {
				t.Fatal(err)
			}
			if err := a.JSON(&js); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".txt", text.Bytes())
			golden(t, tt.name+".json", js.Bytes())
		})
	}
}

// TestErrors checks that bad queries say what is wrong and where.
func TestErrors(t *testing.T) {
	db, s := fixture.Snapshot(t)
	e := New(db, s)
	tests := []struct {
		query string
		col   int
		msg   string
	}{
		{"", 1, "the query ends here"},
		{"   ", 4, "the query ends here"},
		{"whom can s3:GetObject", 1, `want "who" or "what", got "whom"`},
		{"who cn s3:GetObject", 5, `want "can" after "who", got "cn"`},
		{"who can", 8, "the query ends here: want an action"},
		{"who can GetObject", 9, `"GetObject" is not an action`},
		{"who can s3:GetObject in arn:aws:s3:::b", 22, `want "on" after "s3:GetObject", got "in"`},
		{"who can s3:GetObject on", 24, "want a resource ARN"},
		{"who can s3:GetObject on arn:aws:s3:::b extra", 40, `unexpected "extra"`},
		{"what can do", 10, "want a user or role"},
		{"what can app", 13, `want "do"`},
		{"what can app do on", 19, "want a resource ARN"},
		{"who can s3:GetObjekt on *", 9, "did you mean s3:GetObject?"},
		{"who can s3:GetObject on bucket", 25, `"bucket" is not an ARN`},
		{"who can s3:GetObject on arn:aws:sqs:eu-west-1:111122223333:jobs", 25, "names no resource s3:GetObject can act on"},
		{"what can bob do", 10, `account 111122223333 has no user or role "bob"`},
		{"what can ap do", 10, "did you mean app?"},
		{"who can s3:GetObject on ärn:x", 25, "is not an ARN"},
	}
	for _, tt := range tests {
		_, err := e.Ask(tt.query)
		var qe *Error
		if !errors.As(err, &qe) {
			t.Errorf("Ask(%q): got %v, want an *Error", tt.query, err)
			continue
		}
		if qe.Col != tt.col || !strings.Contains(qe.Msg, tt.msg) {
			t.Errorf("Ask(%q):\ngot  column %d: %s\nwant column %d: …%s…", tt.query, qe.Col, qe.Msg, tt.col, tt.msg)
		}
	}
}

func TestCaret(t *testing.T) {
	err := &Error{Col: 5, Msg: "x"}
	if got, want := err.Caret("who cn s3:GetObject"), "who cn s3:GetObject\n    ^"; got != want {
		t.Errorf("Caret: got %q, want %q", got, want)
	}
}

// FuzzParse checks that Parse never panics and that every error points
// inside the query or just after it.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"who can s3:GetObject on arn:aws:s3:::b/k", "what can app do", "what can r do on *", "who", "what can", "  who   can  x:y  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		var qe *Error
		switch {
		case err == nil && q == nil:
			t.Fatalf("Parse(%q): nil query and no error", s)
		case err != nil && !errors.As(err, &qe):
			t.Fatalf("Parse(%q): %T, want *Error", s, err)
		case qe != nil && (qe.Col < 1 || qe.Col > len([]rune(s))+1):
			t.Fatalf("Parse(%q): column %d outside the query", s, qe.Col)
		}
	})
}
