package awsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

// deviceGrant is the OAuth 2.0 device authorization grant type (RFC 8628)
// that CreateToken takes after StartDeviceAuthorization.
const deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"

// defaultSSOScope is what the AWS CLI registers for an sso-session without
// sso_registration_scopes: it yields a refresh token.
const defaultSSOScope = "sso:account:access"

// ssoTarget is the IAM Identity Center sign-in a profile uses.
type ssoTarget struct {
	session  string // sso-session name; empty for the legacy form
	startURL string
	region   string
}

// cacheKey is what the SDK hashes into the token cache file name: the
// session name, or the start URL for the legacy form.
func (t ssoTarget) cacheKey() string {
	if t.session != "" {
		return t.session
	}
	return t.startURL
}

func ssoTargetOf(root *config.SharedConfig) ssoTarget {
	if root.SSOSession != nil {
		return ssoTarget{session: root.SSOSession.Name, startURL: root.SSOSession.SSOStartURL, region: root.SSOSession.SSORegion}
	}
	return ssoTarget{startURL: root.SSOStartURL, region: root.SSORegion}
}

// cachedToken is the token cache file the AWS CLI writes and the SDK's SSO
// credential and token providers read
// (~/.aws/sso/cache/<sha1 of the cache key>.json).
type cachedToken struct {
	StartURL              string `json:"startUrl"`
	Region                string `json:"region"`
	AccessToken           string `json:"accessToken"`
	ExpiresAt             string `json:"expiresAt"`
	ClientID              string `json:"clientId,omitempty"`
	ClientSecret          string `json:"clientSecret,omitempty"`
	RegistrationExpiresAt string `json:"registrationExpiresAt,omitempty"`
	RefreshToken          string `json:"refreshToken,omitempty"`
}

// tokenPath is where the SDK looks for the cache file of t: the SDK's own
// function, so the two can never disagree.
func tokenPath(t ssoTarget) (string, error) {
	path, err := ssocreds.StandardCachedTokenFilepath(t.cacheKey())
	if err != nil {
		return "", fmt.Errorf("locating the SSO token cache: %w", err)
	}
	return path, nil
}

func readToken(path string) (cachedToken, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return cachedToken{}, fmt.Errorf("reading SSO token cache: %w", err)
	}
	var tok cachedToken
	if err := json.Unmarshal(data, &tok); err != nil {
		return cachedToken{}, fmt.Errorf("reading SSO token cache %s: %w", path, err)
	}
	return tok, nil
}

// writeToken replaces the cache file atomically with mode 0600 (it holds a
// bearer token) in a 0700 directory.
func writeToken(path string, tok cachedToken) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating SSO token cache directory: %w", err)
	}
	data, err := json.Marshal(tok)
	if err != nil {
		return fmt.Errorf("encoding SSO token: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing SSO token cache: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("writing SSO token cache: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing SSO token cache: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing SSO token cache: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing SSO token cache: %w", err)
	}
	return nil
}

// checkSSOToken reports *SSOLoginRequiredError when the cache shows that
// the SDK cannot get a usable token for root: no file, no access token, or
// expired without the refresh token an sso-session profile can renew with.
func (p *Profiles) checkSSOToken(profile string, root *config.SharedConfig) error {
	t := ssoTargetOf(root)
	need := func(err error) error {
		return &SSOLoginRequiredError{Profile: profile, Session: t.session, StartURL: t.startURL, Err: err}
	}
	path, err := tokenPath(t)
	if err != nil {
		return err
	}
	tok, err := readToken(path)
	if err != nil {
		return need(err)
	}
	expires, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if tok.AccessToken == "" || err != nil {
		return need(errors.New("the cached token has no access token or expiry"))
	}
	if !p.clock().Before(expires) {
		refreshable := t.session != "" && tok.RefreshToken != "" && tok.ClientID != "" && tok.ClientSecret != ""
		if !refreshable {
			return need(fmt.Errorf("the cached token expired at %s", tok.ExpiresAt))
		}
	}
	return nil
}

// SSOState is the progress of a device sign-in.
type SSOState string

const (
	SSOPending  SSOState = "pending"  // waiting for the user to approve in the browser
	SSOApproved SSOState = "approved" // token received and cached
	SSOExpired  SSOState = "expired"  // the user code expired before approval
	SSODenied   SSOState = "denied"   // the user refused
)

// SSOLoginError ends a device sign-in that the user did not approve.
type SSOLoginError struct {
	Profile string
	State   SSOState // SSOExpired or SSODenied
}

func (e *SSOLoginError) Error() string {
	if e.State == SSODenied {
		return fmt.Sprintf("IAM Identity Center sign-in for profile %q was denied", e.Profile)
	}
	return fmt.Sprintf("IAM Identity Center sign-in for profile %q expired before it was approved", e.Profile)
}

// SSOLogin is a device sign-in waiting for the user: they open
// VerificationURIComplete (or VerificationURI and type UserCode) and
// approve; Wait polls until then.
type SSOLogin struct {
	Profile                 string
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string
	ExpiresAt               time.Time
	Interval                time.Duration

	p            *Profiles
	client       *ssooidc.Client
	target       ssoTarget
	deviceCode   string
	clientID     string
	clientSecret string
	registration time.Time // when the client registration expires
}

// StartSSOLogin begins the IAM Identity Center device sign-in of a profile
// (or of the SSO profile at the root of its chain): it registers a public
// OIDC client (reusing an unexpired registration from the token cache) and
// starts a device authorization, as "aws sso login" does.
func (p *Profiles) StartSSOLogin(ctx context.Context, profile string) (*SSOLogin, error) {
	sc, err := p.loadShared(ctx, profile)
	if err != nil {
		return nil, fmt.Errorf("loading profile %q: %w", profile, err)
	}
	root := ssoRoot(&sc)
	if root == nil {
		return nil, fmt.Errorf("profile %q does not use IAM Identity Center", profile)
	}
	t := ssoTargetOf(root)
	if t.startURL == "" || t.region == "" {
		return nil, fmt.Errorf("profile %q: IAM Identity Center needs both a start URL and a region", profile)
	}
	// The OIDC operations are unauthenticated; loading the profile still
	// honours its endpoint settings (AWS_ENDPOINT_URL_SSO_OIDC, services).
	cfg, err := config.LoadDefaultConfig(ctx, p.loadOptions(profile,
		config.WithRegion(t.region),
		config.WithCredentialsProvider(aws.AnonymousCredentials{}),
	)...)
	if err != nil {
		return nil, fmt.Errorf("loading profile %q: %w", profile, err)
	}
	l := &SSOLogin{Profile: profile, p: p, client: ssooidc.NewFromConfig(cfg), target: t}
	if err := l.register(ctx); err != nil {
		return nil, err
	}
	out, err := l.client.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: aws.String(l.clientID), ClientSecret: aws.String(l.clientSecret), StartUrl: aws.String(t.startURL),
	})
	if err != nil {
		return nil, fmt.Errorf("starting IAM Identity Center sign-in: %s", Describe(err))
	}
	l.deviceCode = aws.ToString(out.DeviceCode)
	l.UserCode = aws.ToString(out.UserCode)
	l.VerificationURI = aws.ToString(out.VerificationUri)
	l.VerificationURIComplete = aws.ToString(out.VerificationUriComplete)
	l.ExpiresAt = p.clock().Add(time.Duration(out.ExpiresIn) * time.Second).UTC()
	l.Interval = time.Duration(out.Interval) * time.Second
	if l.Interval <= 0 {
		l.Interval = 5 * time.Second // RFC 8628 §3.2 default
	}
	p.log.Info("sso sign-in started", "profile", profile, "startUrl", t.startURL, "expiresAt", l.ExpiresAt)
	return l, nil
}

// register reuses the client registration of an existing cache file while
// it is valid for at least the sign-in's lifetime, else registers anew.
func (l *SSOLogin) register(ctx context.Context) error {
	if path, err := tokenPath(l.target); err == nil {
		if tok, err := readToken(path); err == nil && tok.ClientID != "" && tok.ClientSecret != "" {
			if exp, err := time.Parse(time.RFC3339, tok.RegistrationExpiresAt); err == nil && exp.After(l.p.clock().Add(time.Hour)) {
				l.clientID, l.clientSecret, l.registration = tok.ClientID, tok.ClientSecret, exp
				return nil
			}
		}
	}
	in := &ssooidc.RegisterClientInput{ClientName: aws.String("aegis-iam"), ClientType: aws.String("public")}
	if l.target.session != "" {
		in.Scopes = []string{defaultSSOScope}
	}
	out, err := l.client.RegisterClient(ctx, in)
	if err != nil {
		return fmt.Errorf("registering with IAM Identity Center: %s", Describe(err))
	}
	l.clientID, l.clientSecret = aws.ToString(out.ClientId), aws.ToString(out.ClientSecret)
	l.registration = time.Unix(out.ClientSecretExpiresAt, 0).UTC()
	return nil
}

// Wait polls CreateToken at the server's interval until the user approves
// (the token is then written to the SDK's cache), denies, or the code
// expires, or ctx is cancelled. progress, if not nil, hears every state.
func (l *SSOLogin) Wait(ctx context.Context, progress func(SSOState)) error {
	report := func(s SSOState) {
		if progress != nil {
			progress(s)
		}
	}
	interval := l.Interval
	for {
		if !l.p.clock().Before(l.ExpiresAt) {
			report(SSOExpired)
			return &SSOLoginError{Profile: l.Profile, State: SSOExpired}
		}
		if err := l.p.sleep(ctx, interval); err != nil {
			return fmt.Errorf("IAM Identity Center sign-in for profile %q: %w", l.Profile, err)
		}
		out, err := l.client.CreateToken(ctx, &ssooidc.CreateTokenInput{
			ClientId: aws.String(l.clientID), ClientSecret: aws.String(l.clientSecret),
			DeviceCode: aws.String(l.deviceCode), GrantType: aws.String(deviceGrant),
		})
		var (
			pending *oidctypes.AuthorizationPendingException
			slow    *oidctypes.SlowDownException
			expired *oidctypes.ExpiredTokenException
			denied  *oidctypes.AccessDeniedException
		)
		switch {
		case err == nil:
			if err := l.store(out); err != nil {
				return err
			}
			l.p.log.Info("sso sign-in approved", "profile", l.Profile)
			report(SSOApproved)
			return nil
		case errors.As(err, &pending):
			report(SSOPending)
		case errors.As(err, &slow):
			interval += 5 * time.Second // RFC 8628 §3.5
			report(SSOPending)
		case errors.As(err, &expired):
			report(SSOExpired)
			return &SSOLoginError{Profile: l.Profile, State: SSOExpired}
		case errors.As(err, &denied):
			report(SSODenied)
			return &SSOLoginError{Profile: l.Profile, State: SSODenied}
		case ctx.Err() != nil:
			return fmt.Errorf("IAM Identity Center sign-in for profile %q: %w", l.Profile, ctx.Err())
		default:
			return fmt.Errorf("IAM Identity Center sign-in for profile %q: %s", l.Profile, Describe(err))
		}
	}
}

func (l *SSOLogin) store(out *ssooidc.CreateTokenOutput) error {
	path, err := tokenPath(l.target)
	if err != nil {
		return err
	}
	tok := cachedToken{
		StartURL:    l.target.startURL,
		Region:      l.target.region,
		AccessToken: aws.ToString(out.AccessToken),
		ExpiresAt:   l.p.clock().Add(time.Duration(out.ExpiresIn) * time.Second).UTC().Format(time.RFC3339),
	}
	// The SDK refreshes an sso-session token with these; the legacy form
	// cannot refresh, and the CLI stores only the four fields above.
	if l.target.session != "" {
		tok.ClientID, tok.ClientSecret, tok.RefreshToken = l.clientID, l.clientSecret, aws.ToString(out.RefreshToken)
		tok.RegistrationExpiresAt = l.registration.UTC().Format(time.RFC3339)
	}
	return writeToken(path, tok)
}
