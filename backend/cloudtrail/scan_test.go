package cloudtrail

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/cloudtrail/ctgen"
)

// fields is what a record yields, as strings, for comparisons.
type fields struct {
	EventID, EventTime, EventSource, EventName, EventType, EventCategory, ErrorCode string
	IdentityType, IdentityARN, IssuerType, IssuerARN                                string
	Management                                                                      int8
	Region, Recipient, Bucket, Key, Queue, Table, Function, Role, Topic, Secret     string
	Resources                                                                       []string
}

func fieldsOf(r *record) fields {
	p := &r.Params
	f := fields{string(r.EventID), string(r.EventTime), string(r.EventSource), string(r.EventName),
		string(r.EventType), string(r.EventCategory), string(r.ErrorCode),
		string(r.IdentityType), string(r.IdentityARN), string(r.IssuerType), string(r.IssuerARN),
		r.Management, string(r.Region), string(r.Recipient), string(p.BucketName), string(p.Key), string(p.QueueURL),
		string(p.TableName), string(p.FunctionName), string(p.RoleARN), string(p.TopicARN), string(p.SecretID), nil}
	for _, res := range r.Resources {
		f.Resources = append(f.Resources, string(res))
	}
	return f
}

// scanAll reads doc with a buffer of size bytes through rd.
func scanAll(doc []byte, size int, rd func(io.Reader) io.Reader) ([]fields, error) {
	s := newScanner(size)
	s.reset(rd(bytes.NewReader(doc)))
	var out []fields
	err := s.records(func(r *record) { out = append(out, fieldsOf(r)) })
	return out, err
}

// reference decodes doc with encoding/json: the expected fields, and
// ok=false when the document is not a CloudTrail-shaped object.
func reference(doc []byte) ([]fields, bool) {
	var top map[string]json.RawMessage
	if json.Unmarshal(doc, &top) != nil {
		return nil, false
	}
	raw, ok := top["Records"]
	if !ok {
		return nil, true
	}
	var recs []map[string]any
	if json.Unmarshal(raw, &recs) != nil {
		return nil, false
	}
	str := func(m map[string]any, k string) string {
		s, _ := m[k].(string)
		return s
	}
	obj := func(m map[string]any, k string) map[string]any {
		o, _ := m[k].(map[string]any)
		return o
	}
	var out []fields
	for _, r := range recs {
		if r == nil {
			return nil, false // null is not a record
		}
		id := obj(r, "userIdentity")
		issuer := obj(obj(id, "sessionContext"), "sessionIssuer")
		p := obj(r, "requestParameters")
		f := fields{str(r, "eventID"), str(r, "eventTime"), str(r, "eventSource"), str(r, "eventName"),
			str(r, "eventType"), str(r, "eventCategory"), str(r, "errorCode"),
			str(id, "type"), str(id, "arn"), str(issuer, "type"), str(issuer, "arn"), -1,
			str(r, "awsRegion"), str(r, "recipientAccountId"), str(p, "bucketName"), str(p, "key"), str(p, "queueUrl"),
			str(p, "tableName"), str(p, "functionName"), str(p, "roleArn"), str(p, "topicArn"), str(p, "secretId"), nil}
		if list, ok := r["resources"].([]any); ok {
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					if arn, ok := m["ARN"].(string); ok {
						f.Resources = append(f.Resources, arn)
					}
				}
			}
		}
		switch r["managementEvent"] {
		case true:
			f.Management = 1
		case false:
			f.Management = 0
		}
		out = append(out, f)
	}
	return out, true
}

var readers = map[string]func(io.Reader) io.Reader{
	"whole":    func(r io.Reader) io.Reader { return r },
	"one-byte": iotest.OneByteReader,
	"half":     iotest.HalfReader,
}

// TestScannerMatchesEncodingJSON reads the fixtures and generated records
// with tiny and normal buffers, whole and byte-by-byte, and compares every
// field with encoding/json's reading.
func TestScannerMatchesEncodingJSON(t *testing.T) {
	var docs [][]byte
	for _, p := range fixtureFiles(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	var gen bytes.Buffer
	gen.WriteString(`{"Records":[`)
	for i, typ := range []string{"IAMUser", "AssumedRole", "Root", "FederatedUser", "AWSService", "AWSAccount", "SAMLUser", "WebIdentityUser"} {
		if i > 0 {
			gen.WriteByte(',')
		}
		c := ctgen.Call{Account: "111122223333", Region: "us-east-1", Source: "s3.amazonaws.com", Name: "GetObject", Data: i%2 == 0,
			Identity: ctgen.Identity{Type: typ, ARN: "arn:aws:iam::111122223333:role/x/y"}}
		gen.Write(ctgen.Record(c, time.Date(2025, 6, 1, 0, 0, i, 0, time.UTC), "00000000-0000-4000-8000-00000000000"+string(rune('0'+i)), 3000))
	}
	gen.WriteString("]}")
	docs = append(docs, gen.Bytes(), resourceDoc(),
		[]byte(`{"Records":[{"eventName":"a\"b\\","eventID":"x\\\\\"y","userIdentity":{"arn":"arn:aws:iam::111122223333:user\/\u0061"}}]}`),
		[]byte(` {"Other":{"Records":[1]},"Records":[],"More":[{"a":[]}]} `+"\n"),
		[]byte(`{}`))
	for i, doc := range docs {
		want, ok := reference(doc)
		if !ok {
			t.Fatalf("doc %d is not valid", i)
		}
		for name, rd := range readers {
			for _, size := range []int{8, 33, 4096, initialBuffer} {
				got, err := scanAll(doc, size, rd)
				if err != nil {
					t.Fatalf("doc %d, %s reader, buffer %d: %v", i, name, size, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("doc %d, %s reader, buffer %d (-encoding/json +scanner):\n%s", i, name, size, diff)
				}
			}
		}
	}
}

func fixtureFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	filepath.Walk(filepath.Join("testdata", "trail"), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") && !strings.Contains(p, "Digest") {
			out = append(out, p)
		}
		return err
	})
	if len(out) == 0 {
		t.Fatal("no fixtures")
	}
	return out
}

func TestScannerErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		line, col int
		msg       string
	}{
		{"empty", ``, 1, 1, "unexpected end of data"},
		{"not an object", `[1]`, 1, 1, `unexpected '['`},
		{"truncated in a string", `{"Records":[{"eventName":"Get`, 1, 30, "unexpected end of data"},
		{"truncated between records", "{\"Records\":[\n{},", 2, 4, "unexpected end of data"},
		{"missing colon", `{"Records" []}`, 1, 12, `unexpected '['`},
		{"record not an object", `{"Records":[1]}`, 1, 13, `unexpected '1'`},
		{"bad separator", `{"Records":[{} {}]}`, 1, 16, `unexpected '{'`},
		{"mismatched brackets", `{"Records":[{"a":[}]}]}`, 1, 19, `unexpected '}'`},
		{"trailing data", "{\"Records\":[]}\n\n x", 3, 2, `after the end`},
		{"value missing", `{"Records":[{"eventName":}]}`, 1, 26, `want a value`},
		{"literal with quote", `{"Records":[{"a":tru"e"}]}`, 1, 21, `in a literal`},
		{"too deep", `{"Records":[{"a":` + strings.Repeat("[", 70), 1, 82, "nested deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, rd := range readers {
				_, err := scanAll([]byte(tt.doc), 8, rd)
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("%s reader: %q: got %v, want a SyntaxError", name, tt.doc, err)
				}
				if se.Line != tt.line || se.Col != tt.col || !strings.Contains(se.Error(), tt.msg) {
					t.Errorf("%s reader: %q: got %v (line %d col %d), want %d:%d %q", name, tt.doc, se, se.Line, se.Col, tt.line, tt.col, tt.msg)
				}
			}
		})
	}
}

func TestScannerReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := scanAll([]byte(`{"Records":[{"eventName":"x"}`), 8, func(r io.Reader) io.Reader {
		return io.MultiReader(r, iotest.ErrReader(boom))
	})
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want the read error", err)
	}
}

func TestScannerRecordTooLong(t *testing.T) {
	doc := `{"Records":[{"requestParameters":"` + strings.Repeat("x", maxRecord) + `"}]}`
	_, err := scanAll([]byte(doc), initialBuffer, readers["whole"])
	if err == nil || !strings.Contains(err.Error(), "record longer than") {
		t.Errorf("got %v, want a record-too-long error", err)
	}
}

// FuzzScanner: no input panics; on a valid document the scanner reads what
// encoding/json reads, whatever the buffer size and read pattern.
func FuzzScanner(f *testing.F) {
	for _, p := range fixtureFiles(&testing.T{}) {
		b, _ := os.ReadFile(p)
		f.Add(b, uint8(0))
	}
	f.Add([]byte(`{"Records":[{"eventName":"a\"b\\","userIdentity":{"sessionContext":{"sessionIssuer":{"arn":"\u0041"}}}}]}`), uint8(3))
	f.Add([]byte(`{"Records":[{"managementEvent":false,"x":[{"y":"}"}]}]}`), uint8(9))
	f.Add(resourceDoc(), uint8(17))
	f.Fuzz(func(t *testing.T, doc []byte, size uint8) {
		buf := 8 + int(size)
		got, err := scanAll(doc, buf, iotest.HalfReader)
		want, ok := reference(doc)
		if !ok || !utf8.Valid(doc) {
			return // invalid input: any error, no panic
		}
		if err != nil {
			if strings.Contains(err.Error(), "nested deeper") {
				return
			}
			t.Fatalf("valid document rejected: %v\n%q", err, doc)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("(-encoding/json +scanner):\n%s\n%q", diff, doc)
		}
	})
}
