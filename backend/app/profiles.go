package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi"
)

// Profile is a named AWS profile: names and regions only, never a key, a
// token or a credential_process command line.
type Profile struct {
	Name             string `json:"name"`
	Region           string `json:"region"`
	Kind             string `json:"kind"` // static, assume-role, sso, mfa, credential-process, web-identity or unknown
	SourceProfile    string `json:"sourceProfile"`
	CredentialSource string `json:"credentialSource,omitempty"` // Environment, Ec2InstanceMetadata or EcsContainer
	RoleARN          string `json:"roleArn"`
	MFASerial        string `json:"mfaSerial"`
	SSOSession       string `json:"ssoSession"`
	SSOStartURL      string `json:"ssoStartUrl"`
	SSORegion        string `json:"ssoRegion"`
	SSOAccountID     string `json:"ssoAccountId"`
	SSORoleName      string `json:"ssoRoleName"`
	Problem          string `json:"problem,omitempty"` // why the profile cannot be used, if it cannot
}

// ConnectionRequest asks to test a profile, with an MFA code when the
// profile's role needs one.
type ConnectionRequest struct {
	Profile string `json:"profile"`
	MFACode string `json:"mfaCode"`
}

// ConnectionResult is the caller identity (OK), or what the user must do:
// enter an MFA code (NeedsMFA, with the device in MFASerial), sign in to IAM
// Identity Center (NeedsSSOLogin), or read why it failed (Message).
type ConnectionResult struct {
	OK            bool   `json:"ok"`
	Account       string `json:"account"`
	ARN           string `json:"arn"`
	UserID        string `json:"userId"`
	NeedsMFA      bool   `json:"needsMfa"`
	MFASerial     string `json:"mfaSerial"`
	NeedsSSOLogin bool   `json:"needsSsoLogin"`
	Message       string `json:"message"`
}

// SSOLogin is a started device sign-in: the user opens
// VerificationURIComplete (or VerificationURI and types UserCode).
type SSOLogin struct {
	UserCode                string `json:"userCode"`
	VerificationURI         string `json:"verificationUri"`
	VerificationURIComplete string `json:"verificationUriComplete"`
	ExpiresAt               string `json:"expiresAt"` // RFC 3339
	IntervalSeconds         int    `json:"intervalSeconds"`
}

// connectionTimeout bounds one connection test (a chain of AssumeRole
// calls and GetCallerIdentity).
const connectionTimeout = 30 * time.Second

// ProfilesService lists AWS profiles, tests them and runs IAM Identity
// Center sign-ins, reporting sign-in progress as EventSSOStatus events.
type ProfilesService struct {
	ctx      context.Context
	profiles *awsapi.Profiles
	emit     Emitter

	mu      sync.Mutex
	pending map[string]*pendingLogin // by profile
}

type pendingLogin struct {
	login  *awsapi.SSOLogin
	cancel context.CancelFunc // set while CompleteSSOLogin waits
}

// NewProfilesService returns a ProfilesService. ctx bounds every AWS call
// and sign-in: cancel it when the app shuts down.
func NewProfilesService(ctx context.Context, profiles *awsapi.Profiles, emit Emitter) *ProfilesService {
	return &ProfilesService{ctx: ctx, profiles: profiles, emit: emit, pending: map[string]*pendingLogin{}}
}

// List returns the profiles of the shared config and credentials files.
func (s *ProfilesService) List() ([]Profile, error) {
	list, err := s.profiles.List(s.ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Profile, len(list))
	for i, p := range list {
		out[i] = profileOf(p)
	}
	return out, nil
}

func profileOf(p awsapi.Profile) Profile {
	return Profile{Name: p.Name, Region: p.Region, Kind: string(p.Kind), SourceProfile: p.SourceProfile,
		CredentialSource: p.CredentialSource, RoleARN: p.RoleARN, MFASerial: p.MFASerial, SSOSession: p.SSOSession,
		SSOStartURL: p.SSOStartURL, SSORegion: p.SSORegion, SSOAccountID: p.SSOAccountID, SSORoleName: p.SSORoleName,
		Problem: p.Problem}
}

// TestConnection resolves the profile's credentials and calls STS
// GetCallerIdentity. Credential problems are results, not errors: a
// missing or rejected MFA code asks for a code again, an expired SSO token
// asks for a sign-in.
func (s *ProfilesService) TestConnection(req ConnectionRequest) (ConnectionResult, error) {
	if req.Profile == "" {
		return ConnectionResult{}, errors.New("no profile given")
	}
	ctx, cancel := context.WithTimeout(s.ctx, connectionTimeout)
	defer cancel()
	id, err := s.profiles.CallerIdentity(ctx, req.Profile, req.MFACode)
	if err == nil {
		return ConnectionResult{OK: true, Account: id.Account, ARN: id.ARN, UserID: id.UserID}, nil
	}
	var (
		mfa *awsapi.MFARequiredError
		sso *awsapi.SSOLoginRequiredError
	)
	switch {
	case errors.As(err, &mfa):
		return ConnectionResult{NeedsMFA: true, MFASerial: mfa.Serial,
			Message: fmt.Sprintf("Enter the code from MFA device %s.", mfa.Serial)}, nil
	case errors.As(err, &sso):
		return ConnectionResult{NeedsSSOLogin: true,
			Message: fmt.Sprintf("Sign in to IAM Identity Center at %s.", sso.StartURL)}, nil
	}
	res := ConnectionResult{Message: awsapi.Describe(err)}
	if req.MFACode != "" {
		// A code was given and the chain still failed: most likely the
		// code, so ask again with the reason.
		if p := s.profiles.Profile(ctx, req.Profile); p.MFASerial != "" {
			res.NeedsMFA, res.MFASerial = true, p.MFASerial
		}
	}
	return res, nil
}

// StartSSOLogin begins the device sign-in of a profile (or of the SSO
// profile its chain starts from). A sign-in already pending for the
// profile is cancelled.
func (s *ProfilesService) StartSSOLogin(profile string) (SSOLogin, error) {
	ctx, cancel := context.WithTimeout(s.ctx, connectionTimeout)
	defer cancel()
	l, err := s.profiles.StartSSOLogin(ctx, profile)
	if err != nil {
		return SSOLogin{}, err
	}
	s.mu.Lock()
	if old := s.pending[profile]; old != nil && old.cancel != nil {
		old.cancel()
	}
	s.pending[profile] = &pendingLogin{login: l}
	s.mu.Unlock()
	s.emit.Emit(EventSSOStatus, SSOStatus{Profile: profile, State: string(awsapi.SSOPending),
		Message: "Approve the sign-in in your browser with code " + l.UserCode + "."})
	return SSOLogin{UserCode: l.UserCode, VerificationURI: l.VerificationURI, VerificationURIComplete: l.VerificationURIComplete,
		ExpiresAt: l.ExpiresAt.UTC().Format(time.RFC3339), IntervalSeconds: int(l.Interval / time.Second)}, nil
}

// CompleteSSOLogin waits for the user to approve the sign-in StartSSOLogin
// began, emitting EventSSOStatus as it polls, writes the token cache the
// AWS CLI and SDKs share, then tests the connection. A denied or expired
// sign-in is a result asking for a new sign-in.
func (s *ProfilesService) CompleteSSOLogin(profile string) (ConnectionResult, error) {
	s.mu.Lock()
	p := s.pending[profile]
	if p == nil || p.cancel != nil {
		s.mu.Unlock()
		return ConnectionResult{}, fmt.Errorf("no IAM Identity Center sign-in waiting for profile %q: start one first", profile)
	}
	ctx, cancel := context.WithCancel(s.ctx)
	p.cancel = cancel
	s.mu.Unlock()
	defer func() {
		cancel()
		s.mu.Lock()
		if s.pending[profile] == p {
			delete(s.pending, profile)
		}
		s.mu.Unlock()
	}()

	err := p.login.Wait(ctx, func(state awsapi.SSOState) {
		s.emit.Emit(EventSSOStatus, SSOStatus{Profile: profile, State: string(state), Message: ssoMessage(state)})
	})
	var refused *awsapi.SSOLoginError
	switch {
	case errors.As(err, &refused):
		return ConnectionResult{NeedsSSOLogin: true, Message: ssoMessage(refused.State)}, nil
	case err != nil:
		return ConnectionResult{}, err
	}
	return s.TestConnection(ConnectionRequest{Profile: profile})
}

// CancelSSOLogin abandons the pending sign-in of a profile; a waiting
// CompleteSSOLogin returns a cancellation error.
func (s *ProfilesService) CancelSSOLogin(profile string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pending[profile]
	if p == nil {
		return fmt.Errorf("no IAM Identity Center sign-in pending for profile %q", profile)
	}
	if p.cancel != nil {
		p.cancel()
	}
	delete(s.pending, profile)
	return nil
}

func ssoMessage(state awsapi.SSOState) string {
	switch state {
	case awsapi.SSOApproved:
		return "Signed in."
	case awsapi.SSOExpired:
		return "The sign-in code expired before it was approved. Start again."
	case awsapi.SSODenied:
		return "The sign-in was denied."
	}
	return "Waiting for approval in the browser…"
}
