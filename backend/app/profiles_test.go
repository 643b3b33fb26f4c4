package app

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/google/go-cmp/cmp"
)

// newProfilesService wires a ProfilesService to a temporary HOME, the fake
// AWS endpoints and a recording emitter. sleep paces SSO polling.
func newProfilesService(t *testing.T, sleep func(context.Context, time.Duration) error) (*ProfilesService, *awsapitest.Fake, *recordingEmitter) {
	t.Helper()
	home := awsapitest.SetupHome(t)
	fake := awsapitest.NewFake(t)
	p, err := awsapi.NewProfiles(awsapi.Options{
		Files: awsapi.SharedFiles{Config: home.ConfigFile, Credentials: home.CredentialsFile},
		Sleep: sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingEmitter{}
	return NewProfilesService(t.Context(), p, rec), fake, rec
}

func noSleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func TestProfilesList(t *testing.T) {
	s, _, _ := newProfilesService(t, noSleep)
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Profile{}
	for _, p := range list {
		byName[p.Name] = p
	}
	if got := byName["mfa"]; got.Kind != "mfa" || got.MFASerial != "arn:aws:iam::111111111111:mfa/alice" || got.SourceProfile != "static" {
		t.Errorf("mfa profile = %+v", got)
	}
	if got := byName["sso"]; got.Kind != "sso" || got.SSOSession != "corp" || got.SSOStartURL != "https://corp.awsapps.com/start" || got.Region != "us-west-2" {
		t.Errorf("sso profile = %+v", got)
	}
	if got := byName["broken"]; got.Problem == "" {
		t.Errorf("broken profile has no problem: %+v", got)
	}
	if len(list) != 15 || list[0].Name != "default" {
		t.Errorf("List: %d profiles starting with %q, want 15 starting with default", len(list), list[0].Name)
	}
}

func TestTestConnection(t *testing.T) {
	s, _, _ := newProfilesService(t, noSleep)
	serial := "arn:aws:iam::111111111111:mfa/alice"
	tests := []struct {
		name string
		req  ConnectionRequest
		want ConnectionResult
	}{
		{"static", ConnectionRequest{Profile: "static"},
			ConnectionResult{OK: true, Account: "111111111111", ARN: "arn:aws:iam::111111111111:user/alice", UserID: "AIDAAKIASTATICEXAMPLE"}},
		{"mfa without a code", ConnectionRequest{Profile: "mfa"},
			ConnectionResult{NeedsMFA: true, MFASerial: serial, Message: "Enter the code from MFA device " + serial + "."}},
		{"mfa with a wrong code", ConnectionRequest{Profile: "mfa", MFACode: "000000"},
			ConnectionResult{NeedsMFA: true, MFASerial: serial, Message: "STS AssumeRole: AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code."}},
		{"mfa with a malformed code", ConnectionRequest{Profile: "mfa", MFACode: "12"},
			ConnectionResult{NeedsMFA: true, MFASerial: serial, Message: "MFA code must be 6 digits"}},
		{"sso without a token", ConnectionRequest{Profile: "sso-chain"},
			ConnectionResult{NeedsSSOLogin: true, Message: "Sign in to IAM Identity Center at https://corp.awsapps.com/start."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.TestConnection(tc.req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("TestConnection(%+v) (-want +got):\n%s", tc.req, diff)
			}
		})
	}

	got, err := s.TestConnection(ConnectionRequest{Profile: "mfa", MFACode: awsapitest.MFACode})
	if err != nil || !got.OK || !strings.HasPrefix(got.ARN, "arn:aws:sts::222222222222:assumed-role/Admin/") {
		t.Errorf("mfa with the right code = %+v, %v", got, err)
	}
	got, err = s.TestConnection(ConnectionRequest{Profile: "broken"})
	if err != nil || got.OK || got.NeedsMFA || !strings.Contains(got.Message, "broken") {
		t.Errorf("broken profile = %+v, %v; want a failed result naming the profile", got, err)
	}
	if _, err := s.TestConnection(ConnectionRequest{}); err == nil {
		t.Error("no profile: want an error")
	}
}

func TestSSOLoginFlow(t *testing.T) {
	s, fake, rec := newProfilesService(t, noSleep)
	fake.ReplyToToken("pending", "slow", "ok")

	login, err := s.StartSSOLogin("sso")
	if err != nil {
		t.Fatal(err)
	}
	if login.UserCode != "ABCD-EFGH" || login.VerificationURIComplete == "" || login.IntervalSeconds != 1 {
		t.Errorf("StartSSOLogin = %+v", login)
	}
	if exp, err := time.Parse(time.RFC3339, login.ExpiresAt); err != nil || time.Until(exp) < 9*time.Minute {
		t.Errorf("ExpiresAt = %q, want RFC 3339 about 10 minutes ahead", login.ExpiresAt)
	}
	got, err := s.CompleteSSOLogin("sso")
	if err != nil {
		t.Fatal(err)
	}
	if !got.OK || got.Account != "444444444444" {
		t.Errorf("CompleteSSOLogin = %+v, want the SSO role's identity", got)
	}
	var states []string
	for _, e := range rec.all() {
		if e.Name != EventSSOStatus {
			t.Errorf("unexpected event %s", e.Name)
			continue
		}
		st := e.Payload.(SSOStatus)
		if st.Profile != "sso" || st.Message == "" {
			t.Errorf("event payload %+v", st)
		}
		states = append(states, st.State)
	}
	if diff := cmp.Diff([]string{"pending", "pending", "pending", "approved"}, states); diff != "" {
		t.Errorf("sso:status states (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(awsapitest.SSOCachePath(t, "corp")); err != nil {
		t.Errorf("token cache: %v", err)
	}
	// The sign-in is over: completing it again is an error.
	if _, err := s.CompleteSSOLogin("sso"); err == nil {
		t.Error("second CompleteSSOLogin: want an error")
	}
}

func TestSSOLoginDenied(t *testing.T) {
	s, fake, _ := newProfilesService(t, noSleep)
	fake.ReplyToToken("denied")
	if _, err := s.StartSSOLogin("sso-legacy"); err != nil {
		t.Fatal(err)
	}
	got, err := s.CompleteSSOLogin("sso-legacy")
	if err != nil {
		t.Fatal(err)
	}
	if want := (ConnectionResult{NeedsSSOLogin: true, Message: "The sign-in was denied."}); got != want {
		t.Errorf("denied sign-in = %+v, want %+v", got, want)
	}
	if _, err := s.StartSSOLogin("static"); err == nil {
		t.Error("StartSSOLogin(static): want an error")
	}
}

func TestSSOLoginCancel(t *testing.T) {
	// Polling blocks until the context ends, as a user who never approves.
	s, _, _ := newProfilesService(t, func(ctx context.Context, _ time.Duration) error { <-ctx.Done(); return ctx.Err() })
	if _, err := s.StartSSOLogin("sso"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var err error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err = s.CompleteSSOLogin("sso")
	}()
	// Cancel once CompleteSSOLogin is waiting.
	for deadline := time.Now().Add(5 * time.Second); ; {
		s.mu.Lock()
		waiting := s.pending["sso"] != nil && s.pending["sso"].cancel != nil
		s.mu.Unlock()
		if waiting || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := s.CancelSSOLogin("sso"); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("CompleteSSOLogin after cancel: err = %v, want a cancellation", err)
	}
	if err := s.CancelSSOLogin("sso"); err == nil {
		t.Error("second CancelSSOLogin: want an error")
	}
}
