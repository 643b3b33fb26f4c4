package source

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/account/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestReadCredentialReport(t *testing.T) {
	for _, name := range []string{"credential-report.csv", "get-credential-report.json"} {
		t.Run(name, func(t *testing.T) {
			rep, err := ReadCredentialReport(name, readFixture(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Users) != 4 {
				t.Fatalf("got %d rows, want 4", len(rep.Users))
			}
			root, alice, bob, ci := &rep.Users[0], &rep.Users[1], &rep.Users[2], &rep.Users[3]
			if !root.Root() || root.PasswordEnabled || root.MFAActive || !root.AccessKeys[0].Active ||
				root.PasswordLastChanged.Missing != check.NotSupported || root.AccessKeys[0].LastUsedService != "s3" {
				t.Errorf("root row = %+v", root)
			}
			if want := time.Date(2026, 5, 31, 7, 0, 0, 0, time.UTC); !alice.PasswordLastUsed.Time.Equal(want) || !alice.AccessKeys[1].Active || alice.PasswordNextRotation.Missing != check.NotApplicable {
				t.Errorf("alice row = %+v", alice)
			}
			if bob.PasswordLastUsed.Missing != check.NoInformation || bob.AccessKeys[0].LastUsed.Missing != check.NotApplicable || !bob.MFAActive {
				t.Errorf("bob row = %+v", bob)
			}
			if ci.User != "ci-deployer" || ci.ARN != "arn:aws:iam::123456789012:user/automation/ci-deployer" || !ci.Certificates[0].Active {
				t.Errorf("ci row = %+v", ci)
			}
			if strings.HasSuffix(name, ".csv") {
				// Rows and cells are located in the CSV.
				if got, want := alice.Pos, (policy.Pos{Line: 3, Column: 1, Offset: alice.Pos.Offset}); got != want {
					t.Errorf("alice at %v, want %v", got, want)
				}
				if p := alice.At("mfa_active"); p.Line != 3 || p.Column <= 1 {
					t.Errorf("alice mfa_active at %v", p)
				}
			} else if rep.Generated.IsZero() {
				t.Error("GeneratedTime not read")
			}
		})
	}
}

// TestReadCredentialReportSpreadsheet reads a report saved again by a
// spreadsheet: a byte order mark and CRLF line ends.
func TestReadCredentialReportSpreadsheet(t *testing.T) {
	src := "\ufeff" + strings.ReplaceAll(string(readFixture(t, "credential-report.csv")), "\n", "\r\n")
	rep, err := ReadCredentialReport("report.csv", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Users) != 4 || rep.Users[1].User != "alice" || rep.Users[1].AccessKeys[1].LastUsedService != "sts" {
		t.Errorf("rows = %+v", rep.Users)
	}
}

func TestReadCredentialReportErrors(t *testing.T) {
	header := strings.Join(credentialColumns[:], ",")
	row := "alice,arn:aws:iam::123456789012:user/alice,2020-01-15T10:00:00+00:00,true,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"
	tests := []struct {
		name, src string
		want      []string // "line:col message substring"
	}{
		{"empty", "", []string{"1:1 empty file"}},
		{"not a report", "name,age\nbob,3\n", []string{`1:1 the header lacks column "user"`}},
		{"bad boolean", header + "\n" + strings.Replace(row, ",true,", ",yes,", 1) + "\n", []string{`2:70 password_enabled: "yes" is neither true nor false`}},
		{"bad date", header + "\n" + strings.Replace(row, "2020-01-15T10:00:00+00:00", "15/01/2020", 1) + "\n", []string{`2:44 user_creation_time: "15/01/2020" is neither an ISO 8601 time`}},
		{"word in the wrong column", header + "\n" + strings.Replace(row, "true,N/A", "true,not_supported", 1) + "\n", []string{`2:75 password_last_used: "not_supported" does not occur in this column`}},
		{"short row", header + "\n" + "alice,arn:aws:iam::123456789012:user/alice\n", []string{`2:1 the row has 2 cells, the header 22`}},
		{"bad quoting", header + "\n" + `"alice,arn` + "\n", []string{"3:1 extraneous or missing"}},
		{"not base64", `{"Content": "%%%", "ReportFormat": "text/csv"}`, []string{"1:13 Content is not base64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadCredentialReport("report.csv", []byte(tt.src))
			var list policy.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("ReadCredentialReport(%q) error = %v, want a policy.ErrorList", tt.src, err)
			}
			var got []string
			for _, e := range list {
				got = append(got, e.Pos.String()+" "+e.Msg)
			}
			if len(got) < len(tt.want) {
				t.Fatalf("input %q: got errors %q, want %q", tt.src, got, tt.want)
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("input %q: error %d = %q, want prefix %q", tt.src, i, got[i], w)
				}
			}
		})
	}
}

func TestReadPasswordPolicy(t *testing.T) {
	pp, err := ReadPasswordPolicy("pp.json", readFixture(t, "password-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := *pp
	got.Pos, got.Fields = policy.Pos{}, nil
	want := check.PasswordPolicy{Exists: true, MinimumPasswordLength: 8, RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
		RequireLowercaseCharacters: true, PasswordReusePrevention: 12}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("password policy (-want +got):\n%s", diff)
	}
	if p := pp.At("MinimumPasswordLength"); p.Line != 3 || p.Column != 9 {
		t.Errorf("MinimumPasswordLength at %v, want 3:9", p)
	}

	none, err := ReadPasswordPolicy("none.txt", readFixture(t, "no-password-policy.txt"))
	if err != nil || none.Exists {
		t.Errorf("NoSuchEntity answer = %+v, %v; want a policy that does not exist", none, err)
	}

	for _, tt := range []struct{ name, src, want string }{
		{"syntax", `{"PasswordPolicy": {`, "1:21 unexpected end of input"},
		{"wrong type", `{"PasswordPolicy": {"MinimumPasswordLength": "14"}}`, `1:46 MinimumPasswordLength: want a number`},
		{"negative", `{"PasswordPolicy": {"MaxPasswordAge": -1}}`, `1:39 MaxPasswordAge: -1 is not a whole number`},
		{"not a policy", `{"Users": []}`, "1:1 not a get-account-password-policy answer"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPasswordPolicy("pp.json", []byte(tt.src))
			var list policy.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("ReadPasswordPolicy(%q) error = %v, want a policy.ErrorList", tt.src, err)
			}
			if got := list[0].Pos.String() + " " + list[0].Msg; !strings.HasPrefix(got, tt.want) {
				t.Errorf("ReadPasswordPolicy(%q) = %q, want prefix %q", tt.src, got, tt.want)
			}
		})
	}
}

// checkAccountErrors checks that every error of a reader is a positioned
// policy.ErrorList inside src.
func checkAccountErrors(t *testing.T, src []byte, err error) {
	if err == nil {
		return
	}
	var list policy.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error %v (%T) is not a non-empty policy.ErrorList", err, err)
	}
	ln := newLines(src)
	for _, e := range list {
		if e.Pos.Offset < 0 || e.Pos.Offset > len(src) || ln.pos(e.Pos.Offset) != e.Pos {
			t.Fatalf("error %q at %+v: not a position in the %d-byte input", e.Msg, e.Pos, len(src))
		}
	}
}

func FuzzCredentialReport(f *testing.F) {
	addFixtures(f, "testdata/account/*credential-report*")
	f.Add([]byte(strings.Join(credentialColumns[:], ",") + "\nx,arn:x,N/A,true,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		rep, err := ReadCredentialReport("fuzz.csv", src)
		checkAccountErrors(t, src, err)
		if rep == nil {
			return
		}
		ln := newLines(src)
		for _, u := range rep.Users {
			for col, p := range u.Cells {
				if p.Offset < 0 || p.Offset > len(src) || ln.pos(p.Offset) != p {
					t.Fatalf("cell %s of %q at %+v: not a position in the input", col, u.User, p)
				}
			}
		}
	})
}

func FuzzPasswordPolicy(f *testing.F) {
	addFixtures(f, "testdata/account/*password-policy*")
	f.Add([]byte(`{"MinimumPasswordLength": 14, "HardExpiry": true}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := ReadPasswordPolicy("fuzz.json", src)
		checkAccountErrors(t, src, err)
	})
}

func TestReadAuthorization(t *testing.T) {
	src, err := os.ReadFile("testdata/gaad/account.json")
	if err != nil {
		t.Fatal(err)
	}
	auth, err := ReadAuthorization("account.json", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(auth.Users) != 1 || auth.Users[0].Name != "alice" || len(auth.Users[0].Groups) != 1 || auth.Users[0].Groups[0] != "admins" ||
		len(auth.Users[0].InlinePolicies) != 1 || auth.Users[0].Created.IsZero() {
		t.Errorf("users = %+v", auth.Users)
	}
	if len(auth.Groups) != 1 || !auth.Groups[0].Attaches("AdministratorAccess") {
		t.Errorf("groups = %+v", auth.Groups)
	}
	if len(auth.Roles) == 0 {
		t.Fatal("no roles read")
	}
	role := auth.Roles[0]
	if role.Name != "app-server" || role.Trust == nil || len(role.Trust.Statements) != 1 || !role.LastUsed.IsZero() {
		t.Errorf("role = %+v", role)
	}
	if p := role.Trust.Statements[0].Pos; p.Line != 57 {
		t.Errorf("trust statement at %v, want line 57 (the URL-encoded document)", p)
	}

	for _, tt := range []struct{ name, src, want string }{
		{"not GAAD", `{"Policies": []}`, "1:1 not a get-account-authorization-details answer"},
		{"bad date", `{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "CreateDate": "yesterday"}]}`, `1:96 "yesterday" is not an ISO 8601 time`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadAuthorization("gaad.json", []byte(tt.src))
			var list policy.ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("ReadAuthorization(%q) error = %v, want a policy.ErrorList", tt.src, err)
			}
			if got := list[0].Pos.String() + " " + list[0].Msg; !strings.HasPrefix(got, tt.want) {
				t.Errorf("ReadAuthorization(%q) = %q, want prefix %q", tt.src, got, tt.want)
			}
		})
	}
}

func FuzzAuthorization(f *testing.F) {
	addFixtures(f, "testdata/gaad/*.json")
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := ReadAuthorization("fuzz.json", src)
		checkAccountErrors(t, src, err)
	})
}
