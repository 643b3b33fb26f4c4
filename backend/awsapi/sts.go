package awsapi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Identity is who a profile's credentials belong to, as STS
// GetCallerIdentity reports it.
type Identity struct {
	Account string
	ARN     string
	UserID  string
}

// MFARequiredError says a profile's assume-role chain needs an MFA code
// that was not given.
type MFARequiredError struct {
	Profile string
	Serial  string
}

func (e *MFARequiredError) Error() string {
	return fmt.Sprintf("profile %q needs a code from MFA device %s", e.Profile, e.Serial)
}

// SSOLoginRequiredError says a profile's IAM Identity Center token is
// missing, expired beyond refresh or rejected: the user must sign in again
// (StartSSOLogin).
type SSOLoginRequiredError struct {
	Profile  string
	Session  string // empty for the legacy sso_start_url form
	StartURL string
	Err      error // what the SDK or the token cache reported, may be nil
}

func (e *SSOLoginRequiredError) Error() string {
	msg := fmt.Sprintf("profile %q needs an IAM Identity Center sign-in at %s", e.Profile, e.StartURL)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *SSOLoginRequiredError) Unwrap() error { return e.Err }

// Config returns an aws.Config whose credentials come from the named
// profile, resolved by the SDK exactly as the AWS CLI resolves them. An
// assume-role step with mfa_serial uses mfaCode, once: when no code is
// given, or the credentials it unlocked expire, the step fails with
// *MFARequiredError (nothing ever prompts on a terminal). Without a code,
// Config returns the session an earlier code unlocked, if CallerIdentity
// verified one. The credentials are fetched lazily, on the first call.
func (p *Profiles) Config(ctx context.Context, profile, mfaCode string) (aws.Config, error) {
	if mfaCode == "" {
		p.mu.Lock()
		cfg, ok := p.mfaSessions[profile]
		p.mu.Unlock()
		if ok {
			return cfg, nil
		}
	} else if !validMFACode(mfaCode) {
		return aws.Config{}, fmt.Errorf("MFA code must be 6 digits")
	}
	cfg, err := config.LoadDefaultConfig(ctx, p.loadOptions(profile,
		config.WithDefaultRegion(p.defaultRegion),
		config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			o.TokenProvider = mfaToken(profile, aws.ToString(o.SerialNumber), mfaCode)
		}),
	)...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading profile %q: %w", profile, err)
	}
	return cfg, nil
}

// mfaToken returns the stscreds token provider of one assume-role step:
// the code the user typed, at most once (AWS refuses a code used before),
// then *MFARequiredError.
func mfaToken(profile, serial, code string) func() (string, error) {
	var used atomic.Bool
	return func() (string, error) {
		if code == "" || used.Swap(true) {
			return "", &MFARequiredError{Profile: profile, Serial: serial}
		}
		return code, nil
	}
}

// loadOptions pins the shared files and the profile, so the process
// environment's AWS_PROFILE or AWS_CONFIG_FILE cannot change what the user
// chose.
func (p *Profiles) loadOptions(profile string, more ...func(*config.LoadOptions) error) []func(*config.LoadOptions) error {
	return append([]func(*config.LoadOptions) error{
		config.WithSharedConfigFiles([]string{p.files.Config}),
		config.WithSharedCredentialsFiles([]string{p.files.Credentials}),
		config.WithSharedConfigProfile(profile),
	}, more...)
}

func validMFACode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// CallerIdentity resolves the profile's credentials (assuming every role of
// its chain) and asks STS who they belong to. A missing MFA code gives
// *MFARequiredError and a missing or expired IAM Identity Center token
// gives *SSOLoginRequiredError, before any network call when the token
// cache already shows it.
func (p *Profiles) CallerIdentity(ctx context.Context, profile, mfaCode string) (Identity, error) {
	sc, err := p.loadShared(ctx, profile)
	if err != nil {
		return Identity{}, fmt.Errorf("loading profile %q: %w", profile, err)
	}
	if root := ssoRoot(&sc); root != nil {
		if err := p.checkSSOToken(profile, root); err != nil {
			p.log.Info("connection test", "profile", profile, "outcome", "sso sign-in needed")
			return Identity{}, err
		}
	}
	cfg, err := p.Config(ctx, profile, mfaCode)
	if err != nil {
		return Identity{}, err
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	p.mu.Lock()
	switch {
	case err != nil:
		delete(p.mfaSessions, profile)
	case mfaCode != "":
		p.mfaSessions[profile] = cfg
	}
	p.mu.Unlock()
	if err != nil {
		err = p.classifyError(profile, &sc, err)
		p.log.Info("connection test", "profile", profile, "outcome", "failed", "error", Describe(err))
		return Identity{}, err
	}
	id := Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId)}
	p.log.Info("connection test", "profile", profile, "outcome", "ok", "arn", id.ARN)
	return id, nil
}

// classifyError turns the SDK's errors for a missing MFA code or a rejected
// SSO token into the typed errors the caller acts on.
func (p *Profiles) classifyError(profile string, sc *config.SharedConfig, err error) error {
	var mfa *MFARequiredError
	if errors.As(err, &mfa) {
		return mfa
	}
	var proc *processcreds.ProviderError
	if errors.As(err, &proc) {
		return redactProcessError(profile, proc)
	}
	root := ssoRoot(sc)
	if root == nil {
		return err
	}
	var (
		invalid      *ssocreds.InvalidTokenError
		unauthorized *ssotypes.UnauthorizedException
		grant        *oidctypes.InvalidGrantException
		expired      *oidctypes.ExpiredTokenException
		client       *oidctypes.InvalidClientException
	)
	if errors.As(err, &invalid) || errors.As(err, &unauthorized) || errors.As(err, &grant) ||
		errors.As(err, &expired) || errors.As(err, &client) {
		t := ssoTargetOf(root)
		return &SSOLoginRequiredError{Profile: profile, Session: t.session, StartURL: t.startURL, Err: errors.New(Describe(err))}
	}
	return err
}

// redactProcessError drops the process output the SDK quotes when it cannot
// parse it: that output is meant to hold a secret access key.
func redactProcessError(profile string, pe *processcreds.ProviderError) error {
	msg := pe.Error()
	if strings.Contains(msg, "process output:") {
		msg = "credential_process printed something other than the documented JSON (Version 1 with AccessKeyId and SecretAccessKey)"
	}
	return fmt.Errorf("profile %q: %s", profile, msg)
}

// Describe renders an SDK error for a person: the service's error code and
// message with the operation that failed, rather than the whole chain of
// wrapped operation and HTTP errors. Other errors print as they are.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return err.Error()
	}
	msg := api.ErrorCode()
	if m := api.ErrorMessage(); m != "" {
		msg += ": " + m
	}
	var op *smithy.OperationError
	if errors.As(err, &op) {
		// The innermost operation is the one the service rejected.
		for inner := op; errors.As(inner.Err, &inner); {
			op = inner
		}
		msg = fmt.Sprintf("%s %s: %s", op.ServiceID, op.OperationName, msg)
	}
	return strings.TrimSpace(msg)
}
