package importer

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/bundle"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var collected = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func read(t testing.TB, name string) File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return File{Name: name, Data: data}
}

func allFiles(t testing.TB) Files {
	return Files{
		Authz:            read(t, "gaad.json"),
		CredentialReport: read(t, "credential-report.csv"),
		PasswordPolicy:   read(t, "password-policy.json"),
		Organization:     read(t, "org.json"),
		ResourcePolicies: read(t, "resource-policies.json"),
		AccessAdvisor:    read(t, "access-advisor.json"),
		EventSelectors:   read(t, "event-selectors.json"),
	}
}

// TestImportGolden imports every kind of export and compares the bundle
// with testdata/account.bundle.json.
func TestImportGolden(t *testing.T) {
	s, err := Import(allFiles(t), collected)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	var got bytes.Buffer
	if err := bundle.Write(&got, bundle.New(*s, nil), false); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "account.bundle.json")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var g, w any
	if err := json.Unmarshal(got.Bytes(), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("bundle differs from %s (-want +got):\n%s", golden, diff)
	}
	if _, err := bundle.Read(golden, bytes.NewReader(got.Bytes())); err != nil {
		t.Errorf("the imported bundle does not read back: %v", err)
	}
	// Facts the golden file could hide in its size.
	if s.Account != "111122223333" {
		t.Errorf("account %q, want 111122223333 (from the ARNs)", s.Account)
	}
	var queue *audit.ManagedPolicy
	for i := range s.Policies {
		if s.Policies[i].Name == "queue-access" {
			queue = &s.Policies[i]
		}
	}
	if queue == nil || len(queue.Versions) != 2 || !strings.Contains(string(queue.Versions[0].Document), `"sqs:SendMessage"`) || !strings.Contains(string(queue.Versions[1].Document), `"sqs:*"`) {
		t.Errorf("queue-access: want both versions decoded, got %+v", queue)
	}
	if !strings.Contains(string(s.Roles[0].Trust), `"ec2.amazonaws.com"`) {
		t.Errorf("URL-encoded trust policy not decoded: %s", s.Roles[0].Trust)
	}
}

func TestImportErrors(t *testing.T) {
	gaad := string(read(t, "gaad.json").Data)
	tests := []struct {
		name  string
		files func(*Files)
		want  []string // substrings of the error
	}{
		{name: "no authz", files: func(f *Files) { f.Authz = File{} }, want: []string{"required"}},
		{name: "gaad syntax", files: func(f *Files) { f.Authz.Data = []byte("{\n  \"UserDetailList\": [,]\n}") }, want: []string{"gaad.json:2:"}},
		{name: "gaad type", files: func(f *Files) {
			f.Authz.Data = []byte(strings.Replace(gaad, `"AttachmentCount": 1,`, `"AttachmentCount": "one",`, 1))
		}, want: []string{"gaad.json:", "Policies.AttachmentCount: want a number, not string"}},
		{name: "truncated", files: func(f *Files) {
			f.Authz.Data = []byte(strings.Replace(gaad, `"IsTruncated": false`, `"IsTruncated": true, "Marker": "abc"`, 1))
		}, want: []string{"gaad.json: the export is truncated"}},
		{name: "bad document", files: func(f *Files) {
			f.Authz.Data = []byte(strings.Replace(gaad, `"Action": "sqs:*"`, `"Action": "sqs:*",,`, 1))
		}, want: []string{"gaad.json:"}},
		{name: "org without organization", files: func(f *Files) { f.Organization.Data = []byte(`{"Path": []}`) }, want: []string{"org.json: no Organization"}},
		{name: "org other account", files: func(f *Files) {
			f.Organization.Data = bytes.Replace(f.Organization.Data, []byte(`"Id": "111122223333"`), []byte(`"Id": "222233334444"`), 1)
		}, want: []string{"org.json: the path ends at account 222233334444"}},
		{name: "org bad content", files: func(f *Files) {
			f.Organization.Data = bytes.Replace(f.Organization.Data, []byte(`"Content": "{`), []byte(`"Content": "[{`), 1)
		}, want: []string{"org.json: Policies[0].Policy.Content: not a policy document"}},
		{name: "advisor in progress", files: func(f *Files) {
			f.AccessAdvisor.Data = bytes.Replace(f.AccessAdvisor.Data, []byte(`"COMPLETED"`), []byte(`"IN_PROGRESS"`), 1)
		}, want: []string{`access-advisor.json: arn:aws:iam::111122223333:role/app: JobStatus "IN_PROGRESS"`}},
		{name: "selectors not selectors", files: func(f *Files) { f.EventSelectors.Data = []byte(`{"Trails": []}`) }, want: []string{"event-selectors.json: answer 0 has no TrailARN"}},
		{name: "resource policy missing arn", files: func(f *Files) { f.ResourcePolicies.Data = []byte(`[{"Policy": {}}]`) }, want: []string{"resource-policies.json: [0].Arn: missing"}},
		{name: "credential report", files: func(f *Files) { f.CredentialReport.Data = []byte("user,arn\n") }, want: []string{"credential-report.csv:1:1", "lacks column"}},
		{name: "several files", files: func(f *Files) {
			f.Organization.Data = []byte(`{`)
			f.ResourcePolicies.Data = []byte(`{}`)
		}, want: []string{"org.json:1:1", "resource-policies.json:1:2: value: want a list, not object"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := allFiles(t)
			tc.files(&f)
			_, err := Import(f, collected)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

// TestGAADPolicyErrorsArePositioned checks that a document the policy
// parser rejects is reported at its place in the export, through
// backend/source.
func TestGAADPolicyErrorsArePositioned(t *testing.T) {
	src := []byte(strings.Replace(string(read(t, "gaad.json").Data), `"Effect": "Allow",
                                "Action": "*"`, `"Effect": "Alow",
                                "Action": "*"`, 1))
	var s audit.Snapshot
	err := GAAD("gaad.json", src, &s)
	var list policy.ErrorList
	if !asErrorList(err, &list) || len(list) == 0 {
		t.Fatalf("got %v, want a policy.ErrorList", err)
	}
	if list[0].Filename != "gaad.json" || !list[0].Pos.IsValid() {
		t.Errorf("error %v: want a position in gaad.json", list[0])
	}
	if len(s.Policies) != 5 {
		t.Errorf("the documents that read are kept: got %d policies, want 5", len(s.Policies))
	}
}

func asErrorList(err error, list *policy.ErrorList) bool {
	l, ok := err.(policy.ErrorList)
	*list = l
	return ok
}

func FuzzGAAD(f *testing.F) {
	f.Add(read(f, "gaad.json").Data)
	f.Add([]byte(`{"RoleDetailList": [{"RoleName": "r", "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"}]}`))
	f.Add([]byte(`{"Policies": [{"PolicyVersionList": [{"Document": "%ZZ", "IsDefaultVersion": true}]}]}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		var s audit.Snapshot
		if err := GAAD("fuzz.json", src, &s); err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, r := range s.Roles {
			if r.Trust != nil && !json.Valid(r.Trust) {
				t.Fatalf("trust policy is not JSON: %s", r.Trust)
			}
		}
	})
}

// FuzzExports feeds the same bytes to every other export reader: none may
// panic, and every error names the file.
func FuzzExports(f *testing.F) {
	for _, name := range []string{"org.json", "resource-policies.json", "access-advisor.json", "event-selectors.json", "password-policy.json", "credential-report.csv"} {
		f.Add(read(f, name).Data)
	}
	readers := []func(string, []byte, *audit.Snapshot) error{Organization, ResourcePolicies, AccessAdvisor, EventSelectors, PasswordPolicy, CredentialReport}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, r := range readers {
			s := audit.Snapshot{Account: "111122223333"}
			if err := r("fuzz.json", src, &s); err != nil && !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
	})
}
