package bundle

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// docExample returns the example bundle of docs/bundle.md.
func docExample(t *testing.T) []byte {
	t.Helper()
	md, err := os.ReadFile("../../../docs/bundle.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Example.*?```json\n(.*?)```").FindSubmatch(md)
	if m == nil {
		t.Fatal("docs/bundle.md has no JSON example under ## Example")
	}
	return m[1]
}

func TestDocExampleReads(t *testing.T) {
	b, err := Read("bundle.md", bytes.NewReader(docExample(t)))
	if err != nil {
		t.Fatalf("the documented example does not read: %v", err)
	}
	s := b.Snapshot
	if b.Usage == nil || len(b.Usage.Rows) != 2 || s.Account != "111122223333" || len(s.Roles) != 1 || len(s.Policies[0].Versions) != 2 || s.Organization == nil {
		t.Fatalf("example read as %+v", s)
	}
	if got := s.Organization.Levels("SERVICE_CONTROL_POLICY"); len(got) != 3 || len(got[1]) != 2 {
		t.Errorf("SCP levels: got %v, want 3 levels with 2 policies on the OU", got)
	}
	if !s.PasswordPolicy.Exists || s.PasswordPolicy.MinimumPasswordLength != 14 {
		t.Errorf("password policy: %+v", s.PasswordPolicy)
	}
}

func TestRoundTrip(t *testing.T) {
	b, err := Read("example", bytes.NewReader(docExample(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, compress := range []bool{false, true} {
		var buf bytes.Buffer
		if err := Write(&buf, b, compress); err != nil {
			t.Fatal(err)
		}
		if compress != bytes.HasPrefix(buf.Bytes(), gzipMagic) {
			t.Errorf("compress=%v: gzip magic %v", compress, !compress)
		}
		again, err := Read("again", &buf)
		if err != nil {
			t.Fatalf("compress=%v: %v", compress, err)
		}
		if diff := cmp.Diff(b, again, compactJSON); diff != "" {
			t.Errorf("compress=%v: round trip changed the bundle (-before +after):\n%s", compress, diff)
		}
	}
}

// compactJSON compares policy documents as JSON, not as text: Write indents
// them.
var compactJSON = cmp.Transformer("compact", func(m json.RawMessage) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, m); err != nil {
		return string(m)
	}
	return buf.String()
})

func TestReadErrors(t *testing.T) {
	example := string(docExample(t))
	tests := []struct {
		name, src string
		want      string // substring of the error
		is        error
	}{
		{name: "empty", src: "", want: "b.json: empty file"},
		{name: "syntax", src: "{\n  \"format\": \"aegis-audit-bundle\",\n  \"version\": 1,,\n}", want: "b.json:3:16: invalid character ','"},
		{name: "other format", src: `{"format": "x", "version": 1}`, want: `not an Aegis audit bundle (format "x"`},
		{name: "newer version", src: `{"format": "aegis-audit-bundle", "version": 2}`, is: ErrVersion},
		{name: "unknown member", src: strings.Replace(example, `"collectedAt"`, `"colectedAt": "x", "collectedAt"`, 1), want: `unknown field "colectedAt"`},
		{name: "wrong type", src: strings.Replace(example, `"attachmentCount": 1`, `"attachmentCount": "1"`, 1), want: "b.json:41:31: snapshot.policies.attachmentCount: want a number, not string"},
		{name: "bad account", src: strings.Replace(example, `"account": "111122223333"`, `"account": "1111"`, 1), want: `snapshot.account: "1111" is not a 12-digit account ID`},
		{name: "string document", src: strings.Replace(example, `"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}`, `"document": "%7B%7D"`, 1), want: "snapshot.policies[0].versions[0].document: want a policy document"},
		{name: "missing default", src: strings.Replace(example, `"defaultVersion": "v2"`, `"defaultVersion": "v3"`, 1), want: `snapshot.policies[0].defaultVersion: version "v3"`},
		{name: "empty usage window", src: strings.Replace(example, `"end": "2026-11-01T00:00:00Z"`, `"end": "2026-08-01T00:00:00Z"`, 1), want: "usage: the window [2026-08-03T00:00:00Z, 2026-08-01T00:00:00Z) is empty"},
		{name: "dangling org policy", src: strings.Replace(example, `"p-denyregions"]`, `"p-gone"]`, 1), want: `snapshot.organization.path[1].policies[1]: policy "p-gone"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read("b.json", strings.NewReader(tc.src))
			if err == nil {
				t.Fatalf("Read(%q): no error, want %q", tc.src, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("got %v, want errors.Is %v", err, tc.is)
			}
			if tc.want != "" && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"format": "aegis-audit-bundle", "version": 1, "snapshot": {}}`))
	f.Add(docExample(&testing.T{}))
	f.Fuzz(func(t *testing.T, src []byte) {
		b, err := Read("fuzz", bytes.NewReader(src))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, b, false); err != nil {
			t.Fatal(err)
		}
		if _, err := Read("again", &buf); err != nil {
			t.Fatalf("a bundle that read once does not read after writing: %v", err)
		}
	})
}
