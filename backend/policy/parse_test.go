package policy_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/policy"
)

// problems renders an error from Parse as "line:col code path" lines.
func problems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var list policy.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse returned %T, want policy.ErrorList: %v", err, err)
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = fmt.Sprintf("%s %s %s", e.Pos, e.Code, e.Path)
	}
	return out
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		kind policy.Kind
		src  string
		want []string
	}{
		{name: "valid minimal", src: `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`},
		{name: "valid 2008 version", src: `{"Version":"2008-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::*:role/x"}]}`},
		{
			name: "effect lower case",
			src:  "{\n  \"Statement\": [{\n    \"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
			want: []string{"3:15 invalid-effect Statement[0].Effect"},
		},
		{
			name: "keys differing in case",
			src:  `{"Statement":{"Effect":"Allow","effect":"Deny","Action":"*","Resource":"*"}}`,
			want: []string{"1:32 duplicate-key Statement.effect", "1:32 unknown-element Statement.effect"},
		},
		{
			name: "exact duplicate key keeps the first",
			src:  `{"Statement":{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}}`,
			want: []string{"1:32 duplicate-key Statement.Effect"},
		},
		{
			name: "missing elements",
			src:  `{"Version":"2012-10-17","Statement":[{"Sid":"A"}]}`,
			want: []string{"1:38 missing-element Statement[0]", "1:38 missing-element Statement[0]"},
		},
		{
			name: "missing Statement",
			src:  `{"Version":"2012-10-17"}`,
			want: []string{"1:1 missing-element "},
		},
		{
			name: "conflicting pairs reported at the later key",
			src:  `{"Statement":{"Effect":"Deny","NotAction":"a:b","Action":"a:c","Resource":"*","NotResource":"x","Principal":"*","NotPrincipal":{"AWS":"1"}}}`,
			want: []string{"1:49 conflicting-elements Statement.Action", "1:79 conflicting-elements Statement.NotResource", "1:113 conflicting-elements Statement.NotPrincipal"},
		},
		{
			name: "bad version",
			src:  `{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			want: []string{"1:12 invalid-version Version"},
		},
		{
			name: "version as number",
			src:  `{"Version":2012,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`,
			want: []string{"1:12 wrong-type Version"},
		},
		{
			name: "empty arrays",
			src:  `{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*","Principal":{"AWS":[]}}]}`,
			want: []string{"1:42 empty Statement[0].Action", "1:79 empty Statement[0].Principal.AWS"},
		},
		{
			name: "empty statement array",
			src:  `{"Statement":[]}`,
			want: []string{"1:14 empty Statement"},
		},
		{
			name: "wrong types in lists",
			src:  `{"Statement":{"Effect":"Allow","Action":["a:b",1,null,{"x":1}],"Resource":true}}`,
			want: []string{"1:48 wrong-type Statement.Action[1]", "1:50 wrong-type Statement.Action[2]", "1:55 wrong-type Statement.Action[3]", "1:75 wrong-type Statement.Resource"},
		},
		{
			name: "statement not an object",
			src:  `{"Statement":["Allow",{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			want: []string{"1:15 wrong-type Statement[0]"},
		},
		{
			name: "unknown elements",
			src:  `{"Versoin":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Resources":"*"}}`,
			want: []string{"1:2 unknown-element Versoin", "1:83 unknown-element Statement.Resources"},
		},
		{
			name: "principal shapes",
			src:  `{"Statement":[{"Effect":"Allow","Action":"*","Principal":"arn:aws:iam::1:root"},{"Effect":"Allow","Action":"*","Principal":{}},{"Effect":"Allow","Action":"*","Principal":{"aws":"1","Users":"x"}},{"Effect":"Allow","Action":"*","Principal":7}]}`,
			want: []string{"1:58 invalid-principal Statement[0].Principal", "1:124 empty Statement[1].Principal", "1:172 unknown-principal-type Statement[2].Principal.aws", "1:182 unknown-principal-type Statement[2].Principal.Users", "1:239 wrong-type Statement[3].Principal"},
		},
		{
			name: "condition shapes",
			src:  `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"a":"b"},"StringEquals":{"aws:x":["a",true,3.5,null],"AWS:X":"c","k":{"n":1}},"Bool":"true"}}}`,
			want: []string{"1:73 unknown-operator Statement.Condition.StringEqual", "1:135 wrong-type Statement.Condition.StringEquals.aws:x[3]", "1:141 duplicate-key Statement.Condition.StringEquals.AWS:X", "1:157 wrong-type Statement.Condition.StringEquals.k", "1:173 wrong-type Statement.Condition.Bool"},
		},
		{
			name: "condition not an object",
			src:  `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}}`,
			want: []string{"1:72 wrong-type Statement.Condition"},
		},
		{
			name: "duplicate Sid",
			src:  `{"Statement":[{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}`,
			want: []string{"1:79 duplicate-sid Statement[1].Sid"},
		},
		{
			name: "identity policy with Principal",
			kind: policy.KindIdentity,
			src:  `{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`,
			want: []string{"1:32 forbidden-element Statement.Principal"},
		},
		{
			name: "identity policy without Resource",
			kind: policy.KindIdentity,
			src:  `{"Statement":{"Effect":"Allow","Action":"*"}}`,
			want: []string{"1:14 missing-element Statement"},
		},
		{
			name: "trust policy",
			kind: policy.KindTrust,
			src:  `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"},{"Effect":"Deny","NotPrincipal":{"AWS":"1"},"Action":"sts:AssumeRole","Resource":"*"}]}`,
			want: []string{"1:104 missing-element Statement[1]", "1:121 forbidden-element Statement[1].NotPrincipal", "1:174 forbidden-element Statement[1].Resource"},
		},
		{
			name: "resource policy needs a principal",
			kind: policy.KindResource,
			src:  `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`,
			want: []string{"1:14 missing-element Statement"},
		},
		{
			name: "resource policy may omit Resource",
			kind: policy.KindResource,
			src:  `{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"}}`,
		},
		{
			name: "rcp",
			kind: policy.KindRCP,
			src:  `{"Statement":{"Effect":"Deny","NotPrincipal":"*","Action":"s3:*"}}`,
			want: []string{"1:14 missing-element Statement", "1:14 missing-element Statement", "1:31 forbidden-element Statement.NotPrincipal"},
		},
		{
			name: "scp with principal",
			kind: policy.KindSCP,
			src:  `{"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}}`,
			want: []string{"1:31 forbidden-element Statement.Principal"},
		},
		{
			name: "vpc endpoint policy",
			kind: policy.KindVPCEndpoint,
			src:  `{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`,
		},
		{
			name: "several syntax problems are all reported",
			src:  "{\"Statement\": {\"Effect\": \"Allow\" \"Action\": [\"a:b\",], \"Resource\": \"*\",}}",
			want: []string{"1:34 syntax ", "1:51 syntax ", "1:70 syntax "},
		},
		{
			name: "truncated document",
			src:  `{"Statement": {"Effect": "Allow", "Action": ["a:b"`,
			want: []string{"1:51 syntax "},
		},
		{
			name: "not an object",
			src:  `["Statement"]`,
			want: []string{"1:1 wrong-type "},
		},
		{name: "empty input", src: " \n", want: []string{"2:1 syntax "}},
		{name: "garbage", src: "Version: 1", want: []string{"1:1 syntax "}},
		{
			name: "trailing content",
			src:  `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}} {}`,
			want: []string{"1:62 syntax "},
		},
		{
			name: "bad literals and numbers",
			src:  `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"a":01}}}}`,
			want: []string{"1:94 syntax "},
		},
		{
			name: "single quotes",
			src:  `{'Statement': {}}`,
			want: []string{"1:2 syntax "},
		},
		{
			name: "invalid UTF-8 and escapes in strings",
			src:  "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"a:\xff\",\"Resource\":\"\\x\"}}",
			want: []string{"1:44 invalid-utf8 Statement.Action", "1:59 syntax Statement.Resource"},
		},
		{
			name: "newline in string",
			src:  "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"a:b\n\"}}",
			want: []string{"1:45 syntax "},
		},
		{
			name: "byte order mark",
			src:  "\uFEFF{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
			want: []string{"1:1 syntax "},
		},
		{
			name: "too deep",
			src:  `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","X":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`,
			want: []string{"1:60 unknown-element Statement.X", "1:94 too-deep "},
		},
		{
			name: "URL-encoded with a bad escape",
			src:  `%7B%zz`,
			want: []string{"- url-encoding "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse("p.json", []byte(tt.src), tt.kind)
			if diff := cmp.Diff(tt.want, problems(t, err)); diff != "" {
				t.Errorf("Parse(%q): problems differ (-want +got):\n%s\nerrors:\n%v", tt.src, diff, errorLines(err))
			}
		})
	}
}

func errorLines(err error) string {
	var list policy.ErrorList
	if !errors.As(err, &list) {
		return fmt.Sprint(err)
	}
	var b strings.Builder
	for _, e := range list {
		fmt.Fprintf(&b, "  %s [%s]\n", e, e.Code)
	}
	return b.String()
}

func TestParseErrorMessages(t *testing.T) {
	src := "{\n  \"Statement\": [{\n    \"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}"
	_, err := policy.Parse("p.json", []byte(src), policy.KindAny)
	want := `p.json:3:15: Statement[0].Effect: want "Allow" or "Deny", got "allow"`
	if err == nil || err.Error() != want {
		t.Errorf("Parse(%q) error:\ngot  %v\nwant %s", src, err, want)
	}
}

func TestParseURLEncoded(t *testing.T) {
	plain := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::a+b/*"}}`
	// As the IAM API returns documents: RFC 3986 percent-encoding, and
	// '+' is a literal plus.
	encoded := strings.ReplaceAll(url.PathEscape(plain), "+", "%2B")
	encoded = strings.ReplaceAll(encoded, ":", "%3A")
	for _, src := range []string{encoded, url.PathEscape(plain)} {
		doc, err := policy.Parse("", []byte(src), policy.KindIdentity)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		if got := doc.Statements[0].Resource.Strings(); !cmp.Equal(got, []string{"arn:aws:s3:::a+b/*"}) {
			t.Errorf("Parse(%q): Resource = %q, want the '+' kept", src, got)
		}
	}
}

func TestParsePositions(t *testing.T) {
	src := "{\n \"Version\": \"2012-10-17\",\n \"Statement\": {\n  \"Effect\": \"Allow\",\n  \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n  \"Resource\": \"*\",\n  \"Condition\": {\"Bool\": {\"aws:SecureTransport\": true}}\n }\n}"
	doc, err := policy.Parse("", []byte(src), policy.KindAny)
	if err != nil {
		t.Fatal(err)
	}
	st := doc.Statements[0]
	cond := st.Condition[0]
	got := map[string]string{
		"Version":    doc.Version.Pos.String(),
		"statement":  st.Pos.String(),
		"Effect":     st.EffectPos.String(),
		"Action":     st.Action.Pos.String(),
		"Action[1]":  st.Action.Values[1].Pos.String(),
		"Resource":   st.Resource.Pos.String(),
		"operator":   cond.Operator.Pos.String(),
		"key":        cond.Entries[0].Key.Pos.String(),
		"value":      cond.Entries[0].Values.Values[0].Pos.String(),
		"valueKind":  fmt.Sprint(cond.Entries[0].Values.Values[0].Kind == policy.ValueBool),
		"ActionOffs": fmt.Sprint(st.Action.Values[1].Pos.Offset),
	}
	want := map[string]string{
		"Version": "2:13", "statement": "3:15", "Effect": "4:13", "Action": "5:13", "Action[1]": "5:30",
		"Resource": "6:15", "operator": "7:17", "key": "7:26", "value": "7:49", "valueKind": "true",
		"ActionOffs": fmt.Sprint(strings.Index(src, `"s3:PutObject"`)),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions differ (-want +got):\n%s", diff)
	}
}

func TestParseLimits(t *testing.T) {
	t.Run("too large", func(t *testing.T) {
		src := make([]byte, policy.MaxSize+1)
		_, err := policy.Parse("big.json", src, policy.KindAny)
		if diff := cmp.Diff([]string{"- too-large "}, problems(t, err)); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("many errors stop", func(t *testing.T) {
		src := `{"Statement":{"Effect":"Allow","Action":[` + strings.Repeat("1,", 10000) + `1],"Resource":"*"}}`
		_, err := policy.Parse("", []byte(src), policy.KindAny)
		var list policy.ErrorList
		if !errors.As(err, &list) || len(list) != 101 || list[len(list)-1].Code != policy.CodeTooManyErrors {
			t.Errorf("got %d errors ending %v, want 100 and a too-many-errors entry", len(list), list[len(list)-1])
		}
	})
	t.Run("large valid policy", func(t *testing.T) {
		var b strings.Builder
		b.WriteString(`{"Version":"2012-10-17","Statement":[`)
		for i := range 5000 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"Sid":"S%d","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-%d/*"}`, i, i)
		}
		b.WriteString(`]}`)
		doc, err := policy.Parse("", []byte(b.String()), policy.KindIdentity)
		if err != nil || len(doc.Statements) != 5000 {
			t.Fatalf("got %v, %d statements; want 5000", err, len(doc.Statements))
		}
	})
	t.Run("huge number kept as written", func(t *testing.T) {
		n := strings.Repeat("9", 5000) + "e999999"
		doc, err := policy.Parse("", []byte(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":`+n+`}}}}`), policy.KindAny)
		if err != nil {
			t.Fatal(err)
		}
		if got := doc.Statements[0].Condition[0].Entries[0].Values.Values[0]; got.Text != n || got.Kind != policy.ValueNumber {
			t.Errorf("got %v, want the literal number", got)
		}
	})
}

func TestParseReturnsPartialDocument(t *testing.T) {
	src := `{"Statement":[{"Sid":"Ok","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"Bad","Effect":"Permit","Action":"*"}]}`
	doc, err := policy.Parse("", []byte(src), policy.KindIdentity)
	if err == nil {
		t.Fatal("want errors")
	}
	if doc == nil || len(doc.Statements) != 2 || doc.Statements[0].Action.Strings()[0] != "s3:GetObject" || doc.Statements[1].Sid.Text != "Bad" {
		t.Errorf("partial document not returned: %+v", doc)
	}
}

// TestParseHostileInputs feeds inputs built to be slow or to exhaust memory
// in a naive parser, all within MaxSize. Each must finish with errors (or
// none) and never panic; BenchmarkParseHostile measures them.
func TestParseHostileInputs(t *testing.T) {
	for name, src := range hostileInputs() {
		t.Run(name, func(t *testing.T) {
			doc, err := policy.Parse("", src, policy.KindAny)
			if doc != nil {
				policy.Format(doc)
			}
			t.Logf("%d bytes: %d problems", len(src), len(problems(t, err)))
		})
	}
}

func hostileInputs() map[string][]byte {
	const n = policy.MaxSize - 64
	keys := func(gen func(i int) string) []byte {
		var b strings.Builder
		b.WriteString(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{`)
		for i := 0; b.Len() < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `%q:"v"`, gen(i))
		}
		b.WriteString(`}}}}`)
		return []byte(b.String())
	}
	return map[string][]byte{
		"deep arrays":        []byte(strings.Repeat("[", n)),
		"deep objects":       []byte(`{"Statement":` + strings.Repeat(`{"a":`, n/5)),
		"long string":        []byte(`{"Version":"` + strings.Repeat("a", n) + `"}`),
		"long escapes":       []byte(`{"Version":"` + strings.Repeat(`\u00e9`, n/6) + `"}`),
		"invalid UTF-8":      []byte(`{"Version":"` + strings.Repeat("\xff", n) + `"}`),
		"many numbers":       []byte(`{"X":[` + strings.Repeat("1,", n/2) + `1]}`),
		"many distinct keys": keys(func(i int) string { return fmt.Sprintf("k%d", i) }),
		"many case variants": keys(func(i int) string {
			return strings.Map(func(r rune) rune {
				if i&1 == 1 {
					return r - 'a' + 'A'
				}
				return r
			}, "key")
		}),
		"many statements": []byte(`{"Statement":[` + strings.Repeat(`{},`, n/3) + `{}]}`),
		"url-encoded":     []byte(strings.Repeat("%7B", n/3)),
	}
}

func BenchmarkParseHostile(b *testing.B) {
	for name, src := range hostileInputs() {
		b.Run(strings.ReplaceAll(name, " ", "-"), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				policy.Parse("", src, policy.KindAny)
			}
		})
	}
}
