package awsapi

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/google/go-cmp/cmp"
)

func TestList(t *testing.T) {
	files := setupHome(t)
	p := newTestProfiles(t, files, Options{})
	got, err := p.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sso := Profile{SSOSession: "corp", SSOStartURL: "https://corp.awsapps.com/start", SSORegion: "eu-west-1",
		SSOAccountID: "444444444444", SSORoleName: "SecurityAudit"}
	withSSO := func(pr Profile) Profile {
		pr.SSOSession, pr.SSOStartURL, pr.SSORegion, pr.SSOAccountID, pr.SSORoleName = sso.SSOSession, sso.SSOStartURL, sso.SSORegion, sso.SSOAccountID, sso.SSORoleName
		return pr
	}
	want := []Profile{
		{Name: "default", Region: "eu-west-1", Kind: KindUnknown},
		{Name: "broken", Kind: KindUnknown},
		{Name: "chain", Region: "eu-central-1", Kind: KindAssumeRole, SourceProfile: "static", RoleARN: "arn:aws:iam::222222222222:role/Deploy"},
		{Name: "chain2", Kind: KindAssumeRole, SourceProfile: "chain", RoleARN: "arn:aws:iam::333333333333:role/ReadOnly"},
		{Name: "creds-only", Kind: KindStatic},
		{Name: "ec2", Kind: KindAssumeRole, CredentialSource: "Ec2InstanceMetadata", RoleARN: "arn:aws:iam::222222222222:role/FromInstance"},
		{Name: "mfa", Kind: KindMFA, SourceProfile: "static", RoleARN: "arn:aws:iam::222222222222:role/Admin", MFASerial: "arn:aws:iam::111111111111:mfa/alice"},
		{Name: "mfa-chain", Kind: KindMFA, SourceProfile: "mfa", RoleARN: "arn:aws:iam::333333333333:role/Audit", MFASerial: "arn:aws:iam::111111111111:mfa/alice"},
		{Name: "process", Kind: KindCredentialProcess},
		{Name: "spaced", Region: "sa-east-1", Kind: KindUnknown},
		withSSO(Profile{Name: "sso", Region: "us-west-2", Kind: KindSSO}),
		withSSO(Profile{Name: "sso-chain", Kind: KindAssumeRole, SourceProfile: "sso", RoleARN: "arn:aws:iam::666666666666:role/CrossAccount"}),
		{Name: "sso-legacy", Kind: KindSSO, SSOStartURL: "https://legacy.awsapps.com/start", SSORegion: "us-east-1", SSOAccountID: "555555555555", SSORoleName: "ReadOnly"},
		{Name: "static", Region: "eu-west-1", Kind: KindStatic},
		{Name: "webid", Kind: KindWebIdentity, RoleARN: "arn:aws:iam::777777777777:role/WebIdentity"},
	}
	// The SDK's message for the broken profile is its own; check it names
	// the problem, then compare the rest exactly.
	for i := range got {
		if got[i].Name == "broken" {
			if !strings.Contains(got[i].Problem, "missing") {
				t.Errorf("broken profile: Problem = %q, want it to name the missing source profile", got[i].Problem)
			}
			got[i].Problem = ""
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}

	// No secret, key ID or command line may reach the DTOs.
	out, _ := json.Marshal(got)
	for _, secret := range []string{"AKIA", "secret", "proc.sh", "/bin/sh", "web-token"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("List output contains %q: %s", secret, out)
		}
	}
}

func TestListMissingFiles(t *testing.T) {
	dir := t.TempDir()
	p := newTestProfiles(t, SharedFiles{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}, Options{})
	got, err := p.List(context.Background())
	if err != nil || len(got) != 0 {
		t.Errorf("List with no files = %v, %v; want no profiles and no error", got, err)
	}
	// Only a credentials file: its sections are profiles.
	os.WriteFile(filepath.Join(dir, "credentials"), []byte("[solo]\naws_access_key_id = AKIASOLO\naws_secret_access_key = s\n"), 0o600)
	got, err = p.List(context.Background())
	if err != nil || len(got) != 1 || got[0].Name != "solo" || got[0].Kind != KindStatic {
		t.Errorf("List with a credentials file only = %+v, %v; want one static profile solo", got, err)
	}
}

func TestDefaultSharedFiles(t *testing.T) {
	t.Setenv("HOME", "/home/sec")
	tests := []struct {
		name string
		env  map[string]string
		want SharedFiles
	}{
		{"home", nil, SharedFiles{Config: "/home/sec/.aws/config", Credentials: "/home/sec/.aws/credentials"}},
		{"env", map[string]string{"AWS_CONFIG_FILE": "/etc/aws/config", "AWS_SHARED_CREDENTIALS_FILE": "/etc/aws/creds"},
			SharedFiles{Config: "/etc/aws/config", Credentials: "/etc/aws/creds"}},
		{"config only", map[string]string{"AWS_CONFIG_FILE": "/etc/aws/config"},
			SharedFiles{Config: "/etc/aws/config", Credentials: "/home/sec/.aws/credentials"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DefaultSharedFiles(func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("DefaultSharedFiles(%v) = %+v, want %+v", tc.env, got, tc.want)
			}
		})
	}
}

func TestSectionNames(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"plain", "[default]\nregion=x\n[profile a]\n", []string{"default", "profile a"}},
		{"blanks and comments", "  [ profile \t b ]  # note\n; [profile c]\n# [profile d]\n[e];x\n", []string{"profile b", "e"}},
		{"not headers", "[unterminated\nkey = [value]\n[]\n", []string{""}},
		{"crlf", "[profile w]\r\nregion = x\r\n", []string{"profile w"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, sectionNames(tc.in)); diff != "" {
				t.Errorf("sectionNames(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestProfileOf(t *testing.T) {
	tests := []struct {
		section string
		config  bool
		want    string
		ok      bool
	}{
		{"default", true, "default", true},
		{"Default", true, "Default", true},
		{"profile dev", true, "dev", true},
		{"profile default", true, "default", true},
		{"profile", true, "", false},
		{"sso-session corp", true, "", false},
		{"services s", true, "", false},
		{"dev", true, "", false},
		{"dev", false, "dev", true},
		{"my profile", false, "my profile", true},
		{"profile dev", false, "", false},
		{"", false, "", false},
	}
	for _, tc := range tests {
		got, ok := profileOf(tc.section, tc.config)
		if got != tc.want || ok != tc.ok {
			t.Errorf("profileOf(%q, config=%v) = %q, %v; want %q, %v", tc.section, tc.config, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzSectionNames checks the header scanner never panics and returns only
// trimmed names without line breaks.
func FuzzSectionNames(f *testing.F) {
	f.Add(awsapitest.ConfigText)
	f.Add("[ profile \t x ]\n")
	f.Fuzz(func(t *testing.T, in string) {
		for _, s := range sectionNames(in) {
			if s != strings.TrimSpace(s) || strings.ContainsAny(s, "\r\n") {
				t.Errorf("sectionNames(%q) gave %q", in, s)
			}
			profileOf(s, true)
			profileOf(s, false)
		}
	})
}
