package servicereference

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/google/go-cmp/cmp"
)

// server serves testdata/fixture over TLS; "{{base}}" in the files becomes
// the server's URL. routes overrides individual paths.
func server(t *testing.T, routes map[string]http.HandlerFunc) (*httptest.Server, *Client) {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		name := filepath.Base(r.URL.Path)
		if r.URL.Path == "/" {
			name = "index.json"
		}
		data, err := os.ReadFile(filepath.Join("testdata", "fixture", name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(strings.ReplaceAll(string(data), "{{base}}", srv.URL)))
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	c := &Client{
		HTTP:      srv.Client(),
		IndexURL:  srv.URL + "/",
		AllowHost: func(host string) bool { return host == u.Hostname() },
		Now:       func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) },
	}
	return srv, c
}

func TestFetch(t *testing.T) {
	srv, c := server(t, nil)
	upd, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if p := upd.Provenance(); p.Source != "servicereference" || p.UpdatedAt != "2026-11-28T12:00:00Z" || p.IndexURL != srv.URL+"/" {
		t.Errorf("Provenance() = %+v", p)
	}
	tests := []struct {
		action    string
		access    iamdb.AccessLevel
		supported iamdb.SupportedBy
		resources []string
	}{
		{"s3:GetObject", iamdb.AccessRead, iamdb.SupportedByPolicyGeneration | iamdb.SupportedByLastAccessed, []string{"object"}},
		{"s3:PutObject", iamdb.AccessWrite, iamdb.SupportedByLastAccessed, []string{"object"}},
		{"s3:PutBucketPolicy", iamdb.AccessPermissionsManagement | iamdb.AccessWrite, 0, []string{"bucket"}},
		{"s3:PutBucketTagging", iamdb.AccessTagging | iamdb.AccessWrite, 0, []string{"bucket"}},
		{"s3:ListAllMyBuckets", iamdb.AccessList, 0, nil},
		{"sqs:SendMessage", iamdb.AccessWrite, 0, []string{"queue"}},
	}
	for _, tt := range tests {
		a, ok := upd.Action(tt.action)
		if !ok {
			t.Errorf("%s missing", tt.action)
			continue
		}
		var rs []string
		for _, r := range a.Resources {
			rs = append(rs, r.Type.Name)
		}
		if a.Access != tt.access || a.SupportedBy != tt.supported || !cmp.Equal(rs, tt.resources) {
			t.Errorf("%s = access %q supported %d resources %v; want %q %d %v", tt.action, a.Access, a.SupportedBy, rs, tt.access, tt.supported, tt.resources)
		}
	}
	s3, _ := upd.Service("s3")
	if len(s3.Operations) != 2 {
		t.Errorf("s3 operations = %d, want 2 (SelectObjectContent has no AuthorizedActions)", len(s3.Operations))
	}
	sqs, _ := upd.Service("sqs")
	op, _ := sqs.Operation("CreateQueue")
	want := []iamdb.AuthorizedAction{{Action: "sqs:CreateQueue"}, {Action: "sqs:TagQueue", Context: []iamdb.ContextValue{{Key: "aws:TagKeys", Values: []string{"env"}}}}}
	if diff := cmp.Diff(want, op.Actions); diff != "" {
		t.Errorf("sqs CreateQueue (-want +got):\n%s", diff)
	}

	base, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	merged, err := iamdb.Overlay(base, upd)
	if err != nil {
		t.Fatalf("Overlay: %v", err)
	}
	if _, err := DefaultGates().Check(base, merged); !errors.Is(err, ErrGate) {
		t.Errorf("DefaultGates().Check on a two-service update = %v, want ErrGate", err)
	}
	ch, err := Gates{MinServices: 2, MaxRemovedFraction: 1}.Check(base, merged)
	if err != nil || !slices.Contains(ch.AddedActions, "s3:CreateVectorIndex") || slices.Contains(ch.AddedActions, "s3:GetObject") {
		t.Errorf("Check = %+v, %v", ch.AddedActions, err)
	}
	if acts, ok := merged.EventActions("s3.amazonaws.com", "HeadObject"); !ok || !cmp.Equal(acts, []string{"s3:GetObject"}) {
		t.Errorf("merged HeadObject = %v, %v", acts, ok)
	}
}

func TestFetchRefusals(t *testing.T) {
	big := strings.Repeat(" ", 2048)
	tests := []struct {
		name    string
		routes  map[string]string // path → body ("{{base}}" replaced)
		status  int               // for /v1/s3/s3.json, when set
		client  func(*Client)
		wantErr error
		errPart string
	}{
		{name: "http url in index", routes: map[string]string{"/": `[{"service":"s3","url":"http://example.amazonaws.com/v1/s3/s3.json"}]`}, wantErr: ErrRefused, errPart: "not https"},
		{name: "foreign host in index", routes: map[string]string{"/": `[{"service":"s3","url":"https://evil.example.com/s3.json"}]`}, wantErr: ErrRefused, errPart: "not on amazonaws.com"},
		{name: "user info", routes: map[string]string{"/": `[{"service":"s3","url":"https://u:p@{{host}}/s3.json"}]`}, wantErr: ErrRefused, errPart: "user info"},
		{name: "bad prefix", routes: map[string]string{"/": `[{"service":"S3 ","url":"{{base}}/v1/s3/s3.json"}]`}, errPart: "not an IAM prefix"},
		{name: "duplicate", routes: map[string]string{"/": `[{"service":"s3","url":"{{base}}/v1/s3/s3.json"},{"service":"s3","url":"{{base}}/v1/s3/s3.json"}]`}, errPart: "duplicate service"},
		{name: "index not json", routes: map[string]string{"/": `<html>`}, errPart: "invalid service reference index"},
		{name: "service 404", status: http.StatusNotFound, errPart: "404"},
		{name: "too big", client: func(c *Client) { c.MaxBytes = 1024 }, routes: map[string]string{"/v1/s3/s3.json": `{"Name":"s3","Version":"v1.4"}` + big}, errPart: "exceeds the 1024-byte limit"},
		{name: "wrong version", routes: map[string]string{"/v1/s3/s3.json": `{"Name":"s3","Version":"v2.0"}`}, errPart: `unsupported schema Version "v2.0"`},
		{name: "name mismatch", routes: map[string]string{"/v1/s3/s3.json": `{"Name":"sqs","Version":"v1.4"}`}, errPart: `document is for service "sqs"`},
		{name: "redirect off the allow-list", routes: map[string]string{"/v1/s3/s3.json": "redirect:https://evil.example.com/x"}, wantErr: ErrRefused},
		{name: "index url refused", client: func(c *Client) { c.IndexURL = "http://servicereference.us-east-1.amazonaws.com/" }, wantErr: ErrRefused},
		{name: "production allow-list refuses the test server", client: func(c *Client) { c.AllowHost = nil }, wantErr: ErrRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *httptest.Server
			routes := map[string]http.HandlerFunc{}
			for path, body := range tt.routes {
				routes[path] = func(w http.ResponseWriter, r *http.Request) {
					if target, ok := strings.CutPrefix(body, "redirect:"); ok {
						http.Redirect(w, r, target, http.StatusFound)
						return
					}
					u, _ := url.Parse(srv.URL)
					w.Write([]byte(strings.NewReplacer("{{base}}", srv.URL, "{{host}}", u.Host).Replace(body)))
				}
			}
			if tt.status != 0 {
				routes["/v1/s3/s3.json"] = func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(tt.status) }
			}
			var c *Client
			srv, c = server(t, routes)
			if tt.client != nil {
				tt.client(c)
			}
			_, err := c.Fetch(context.Background())
			if err == nil {
				t.Fatal("Fetch succeeded, want an error")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Fetch error = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("Fetch error = %v, want it to mention %q", err, tt.errPart)
			}
		})
	}
}

func TestFetchCancelled(t *testing.T) {
	_, c := server(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Fetch(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch(cancelled) = %v, want context.Canceled", err)
	}
}

func TestGates(t *testing.T) {
	base, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DefaultGates().Check(base, base); err != nil {
		t.Errorf("DefaultGates().Check(base, base) = %v", err)
	}
	if _, err := (Gates{MinServices: 1, MaxRemovedFraction: 0.05}).Check(base, mustUpdate(t)); !errors.Is(err, ErrGate) || !strings.Contains(err.Error(), "would disappear") {
		t.Errorf("removal gate = %v", err)
	}
}

func mustUpdate(t *testing.T) *iamdb.DB {
	t.Helper()
	_, c := server(t, nil)
	upd, err := c.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	base, _ := iamdb.Embedded()
	merged, err := iamdb.Overlay(base, upd)
	if err != nil {
		t.Fatal(err)
	}
	return merged
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, doc, errPart string
	}{
		{"minimal", `{"Name":"s3","Version":"v1"}`, ""},
		{"not json", `{`, "invalid service reference JSON"},
		{"trailing", `{"Name":"s3","Version":"v1.4"} {}`, "data after the document"},
		{"no name", `{"Version":"v1.4"}`, "is not an IAM prefix"},
		{"no version", `{"Name":"s3"}`, "unsupported schema Version"},
		{"undefined resource", `{"Name":"s3","Version":"v1.4","Actions":[{"Name":"GetObject","Resources":[{"Name":"object"}]}]}`, `Actions[0] (GetObject): Resources[0] names undefined resource type "object"`},
		{"bad action name", `{"Name":"s3","Version":"v1.4","Actions":[{"Name":"Get Object"}]}`, `Actions[0]: Name "Get Object" is not an action name`},
		{"duplicate action", `{"Name":"s3","Version":"v1.4","Actions":[{"Name":"A"},{"Name":"a"}]}`, "duplicate action"},
		{"duplicate resource", `{"Name":"s3","Version":"v1.4","Resources":[{"Name":"b"},{"Name":"B"}]}`, "duplicate resource type"},
		{"bad arn", `{"Name":"s3","Version":"v1.4","Resources":[{"Name":"b","ARNFormats":["s3:::x"]}]}`, `does not start with "arn:"`},
		{"bad key type", `{"Name":"s3","Version":"v1.4","ConditionKeys":[{"Name":"s3:x","Types":["Strng"]}]}`, `unknown condition key type "Strng"`},
		{"bad key name", `{"Name":"s3","Version":"v1.4","ConditionKeys":[{"Name":"x","Types":["String"]}]}`, "is not prefix:key"},
		{"bad authorized action", `{"Name":"s3","Version":"v1.4","Operations":[{"Name":"Op","AuthorizedActions":[{"Name":"","Service":"s3"}]}]}`, "is not an action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.doc))
			if tt.errPart == "" {
				if err != nil || s.Prefix != "s3" {
					t.Errorf("Parse = %+v, %v", s, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errPart) {
				t.Errorf("Parse(%s) error = %v, want it to contain %q", tt.doc, err, tt.errPart)
			}
		})
	}
}

// FuzzParse: any input either fails cleanly or yields a service that iamdb
// accepts and can encode.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"s3.json", "sqs.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "fixture", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Name":"s3","Version":"v1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		db, err := iamdb.New(iamdb.Data{Services: []*iamdb.Service{s}})
		if err != nil {
			t.Fatalf("Parse accepted a service iamdb rejects: %v", err)
		}
		if err := db.Encode(&strings.Builder{}); err != nil {
			t.Fatalf("Encode: %v", err)
		}
	})
}
