package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/google/go-cmp/cmp"
)

// recorder is a Sleep that returns at once and keeps the durations asked.
type recorder struct{ slept []time.Duration }

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.slept = append(r.slept, d)
	return ctx.Err()
}

func login(t *testing.T, p *Profiles, profile string) ([]SSOState, error) {
	t.Helper()
	l, err := p.StartSSOLogin(context.Background(), profile)
	if err != nil {
		t.Fatalf("StartSSOLogin(%s): %v", profile, err)
	}
	if l.UserCode != "ABCD-EFGH" || l.VerificationURIComplete != "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH" || l.Interval != time.Second {
		t.Errorf("StartSSOLogin(%s) = %+v", profile, l)
	}
	var states []SSOState
	err = l.Wait(context.Background(), func(s SSOState) { states = append(states, s) })
	return states, err
}

func TestSSOSessionLogin(t *testing.T) {
	files := setupHome(t)
	fake := awsapitest.NewFake(t)
	rec := &recorder{}
	p := newTestProfiles(t, files, Options{Sleep: rec.sleep})
	ctx := context.Background()

	// No token yet: the sign-in is needed, and nothing was called.
	_, err := p.CallerIdentity(ctx, "sso", "")
	var need *SSOLoginRequiredError
	if !errors.As(err, &need) || need.Session != "corp" || need.StartURL != "https://corp.awsapps.com/start" {
		t.Fatalf("CallerIdentity before sign-in: err = %v, want *SSOLoginRequiredError for session corp", err)
	}
	if calls := fake.Take(); len(calls) != 0 {
		t.Errorf("calls before sign-in: %+v", calls)
	}

	fake.ReplyToToken("pending", "slow", "ok")
	states, err := login(t, p, "sso-chain") // a chain signs in through its SSO root
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]SSOState{SSOPending, SSOPending, SSOApproved}, states); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Duration{time.Second, time.Second, 6 * time.Second}, rec.slept); diff != "" {
		t.Errorf("poll intervals, slowing down by 5 s after SlowDown (-want +got):\n%s", diff)
	}
	var oidc []string
	for _, c := range fake.Take() {
		if c.AccessKey != "" {
			t.Errorf("OIDC call %s was signed; it must be anonymous", c.Action)
		}
		oidc = append(oidc, c.Action+" "+c.Params["scopes"]+c.Params["grantType"]+c.Params["startUrl"])
	}
	wantOIDC := []string{
		"POST /client/register [sso:account:access]",
		"POST /device_authorization https://corp.awsapps.com/start",
		"POST /token " + deviceGrant, "POST /token " + deviceGrant, "POST /token " + deviceGrant,
	}
	if diff := cmp.Diff(wantOIDC, oidc); diff != "" {
		t.Errorf("OIDC calls (-want +got):\n%s", diff)
	}

	path := awsapitest.SSOCachePath(t, "corp")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("token cache: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token cache mode %o, want 600", fi.Mode().Perm())
	}
	var tok map[string]string
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &tok); err != nil {
		t.Fatal(err)
	}
	exp, err := time.Parse(time.RFC3339, tok["expiresAt"])
	if err != nil || time.Until(exp) < 7*time.Hour {
		t.Errorf("expiresAt = %q, want RFC 3339 about 8 h ahead", tok["expiresAt"])
	}
	delete(tok, "expiresAt")
	want := map[string]string{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "sso-access-token",
		"clientId": "client-1", "clientSecret": "client-secret-1", "registrationExpiresAt": "2099-01-01T00:00:00Z", "refreshToken": "refresh-1"}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("token cache (-want +got):\n%s", diff)
	}

	// The SDK's own SSO provider now reads that file: GetRoleCredentials
	// with the bearer token, then STS signed with the role credentials.
	id, err := p.CallerIdentity(ctx, "sso", "")
	if err != nil {
		t.Fatalf("CallerIdentity after sign-in: %v", err)
	}
	if id.ARN != "arn:aws:sts::444444444444:assumed-role/AWSReservedSSO_SecurityAudit_0123456789abcdef/alice" {
		t.Errorf("identity after sign-in: %+v", id)
	}
	calls := fake.Take()
	if len(calls) != 2 || calls[0].Service != "sso" || calls[0].Params["token"] != "sso-access-token" ||
		calls[0].Params["account_id"] != "444444444444" || calls[0].Params["role_name"] != "SecurityAudit" ||
		calls[1].Action != "GetCallerIdentity" || !strings.HasPrefix(calls[1].AccessKey, "ASIA") {
		t.Errorf("calls after sign-in: %+v", calls)
	}

	// The chain assumes its role with the SSO credentials.
	id, err = p.CallerIdentity(ctx, "sso-chain", "")
	if err != nil || !strings.HasPrefix(id.ARN, "arn:aws:sts::666666666666:assumed-role/CrossAccount/") {
		t.Errorf("sso-chain after sign-in: %+v, %v", id, err)
	}
	fake.Take()

	// An expired token is refreshed by the SDK with the cached refresh
	// token and client registration: the fields must be right for that.
	tok["expiresAt"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	data, _ = json.Marshal(tok)
	os.WriteFile(path, data, 0o600)
	if _, err := p.CallerIdentity(ctx, "sso", ""); err != nil {
		t.Fatalf("CallerIdentity with an expired, refreshable token: %v", err)
	}
	calls = fake.Take()
	if len(calls) < 2 || calls[0].Action != "POST /token" || calls[0].Params["grantType"] != "refresh_token" ||
		calls[0].Params["refreshToken"] != "refresh-1" || calls[1].Params["token"] != "refreshed-token" {
		t.Errorf("calls with an expired token: %+v, want a refresh_token CreateToken then the refreshed token", calls)
	}

	// A refresh the service refuses means a new sign-in.
	os.WriteFile(path, data, 0o600)
	fake.RejectRefresh()
	_, err = p.CallerIdentity(ctx, "sso", "")
	if !errors.As(err, &need) || !strings.Contains(err.Error(), "InvalidGrantException") {
		t.Errorf("CallerIdentity with a refused refresh: err = %v, want *SSOLoginRequiredError citing InvalidGrantException", err)
	}
	fake.Take()

	// A sign-in reuses the cached, unexpired client registration.
	fake.ReplyToToken("ok")
	if _, err := login(t, p, "sso"); err != nil {
		t.Fatal(err)
	}
	if calls := fake.Take(); calls[0].Action != "POST /device_authorization" {
		t.Errorf("second sign-in started with %s, want to reuse the registration", calls[0].Action)
	}
}

func TestSSOLegacyLogin(t *testing.T) {
	files := setupHome(t)
	fake := awsapitest.NewFake(t)
	p := newTestProfiles(t, files, Options{Sleep: (&recorder{}).sleep})
	fake.ReplyToToken("ok")
	if _, err := login(t, p, "sso-legacy"); err != nil {
		t.Fatal(err)
	}
	if c := fake.Take()[0]; c.Action != "POST /client/register" || c.Params["scopes"] != "" {
		t.Errorf("legacy registration %+v, want no scopes", c)
	}
	var tok map[string]string
	data, err := os.ReadFile(awsapitest.SSOCachePath(t, "https://legacy.awsapps.com/start"))
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(data, &tok)
	var keys []string
	for k := range tok {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if diff := cmp.Diff([]string{"accessToken", "expiresAt", "region", "startUrl"}, keys); diff != "" {
		t.Errorf("legacy cache fields (-want +got):\n%s", diff)
	}
	id, err := p.CallerIdentity(context.Background(), "sso-legacy", "")
	if err != nil || id.Account != "555555555555" {
		t.Errorf("CallerIdentity after legacy sign-in = %+v, %v", id, err)
	}
}

func TestSSOTokenProblems(t *testing.T) {
	files := setupHome(t)
	fake := awsapitest.NewFake(t)
	p := newTestProfiles(t, files, Options{})
	ctx := context.Background()
	write := func(v map[string]string) {
		os.MkdirAll(filepath.Dir(awsapitest.SSOCachePath(t, "x")), 0o700)
		data, _ := json.Marshal(v)
		if err := os.WriteFile(awsapitest.SSOCachePath(t, "https://legacy.awsapps.com/start"), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	tests := []struct {
		name  string
		token map[string]string
	}{
		{"expired", map[string]string{"accessToken": "sso-access-token", "expiresAt": "2020-01-01T00:00:00Z"}},
		{"no access token", map[string]string{"expiresAt": future}},
		{"revoked", map[string]string{"accessToken": "revoked", "expiresAt": future}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			write(tc.token)
			_, err := p.CallerIdentity(ctx, "sso-legacy", "")
			var need *SSOLoginRequiredError
			if !errors.As(err, &need) || need.Session != "" || need.StartURL != "https://legacy.awsapps.com/start" {
				t.Errorf("err = %v, want *SSOLoginRequiredError for the legacy start URL", err)
			}
			fake.Take()
		})
	}
	if _, err := p.StartSSOLogin(ctx, "static"); err == nil {
		t.Error("StartSSOLogin(static): want an error")
	}
}

func TestSSOLoginRefused(t *testing.T) {
	files := setupHome(t)
	fake := awsapitest.NewFake(t)
	for _, reply := range []string{"denied", "expired"} {
		t.Run(reply, func(t *testing.T) {
			p := newTestProfiles(t, files, Options{Sleep: (&recorder{}).sleep})
			fake.ReplyToToken("pending", reply)
			states, err := login(t, p, "sso")
			var le *SSOLoginError
			if !errors.As(err, &le) || string(le.State) != reply {
				t.Errorf("err = %v, want *SSOLoginError %s", err, reply)
			}
			if diff := cmp.Diff([]SSOState{SSOPending, SSOState(reply)}, states); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("code lifetime over", func(t *testing.T) {
		now := time.Now()
		p := newTestProfiles(t, files, Options{Clock: func() time.Time { return now },
			Sleep: func(context.Context, time.Duration) error { now = now.Add(5 * time.Minute); return nil }})
		fake.ReplyToToken("pending", "pending", "pending", "pending")
		_, err := login(t, p, "sso")
		var le *SSOLoginError
		if !errors.As(err, &le) || le.State != SSOExpired {
			t.Errorf("err = %v, want expiry after the 600 s code lifetime", err)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		p := newTestProfiles(t, files, Options{})
		l, err := p.StartSSOLogin(context.Background(), "sso")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := l.Wait(ctx, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait with a cancelled context: err = %v, want context.Canceled", err)
		}
	})
}
