package awsapi

import (
	"context"
	"iter"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/aws/aws-sdk-go-v2/config"
)

// Kind is how a profile gets its credentials.
type Kind string

const (
	KindStatic            Kind = "static"             // aws_access_key_id in the profile
	KindAssumeRole        Kind = "assume-role"        // role_arn with source_profile or credential_source
	KindSSO               Kind = "sso"                // IAM Identity Center (sso_session or legacy sso_start_url)
	KindMFA               Kind = "mfa"                // an assume-role chain with an mfa_serial: needs a code
	KindCredentialProcess Kind = "credential-process" // credential_process
	KindWebIdentity       Kind = "web-identity"       // role_arn with web_identity_token_file
	KindUnknown           Kind = "unknown"            // none of the above, or a profile the SDK cannot load
)

// Profile describes a named profile by its names and regions only: it never
// holds a key, a token or the credential_process command line.
type Profile struct {
	Name   string
	Region string
	Kind   Kind
	// SourceProfile and CredentialSource say where an assume-role profile
	// takes its first credentials from; RoleARN is the role it assumes.
	SourceProfile    string
	CredentialSource string
	RoleARN          string
	// MFASerial is the MFA device of the first role in the chain that
	// needs a code.
	MFASerial string
	// SSO* describe the IAM Identity Center sign-in this profile (or the
	// root of its source_profile chain) uses. SSOSession is empty for the
	// legacy form.
	SSOSession   string
	SSOStartURL  string
	SSORegion    string
	SSOAccountID string
	SSORoleName  string
	// Problem is why the SDK cannot load the profile (a missing
	// source_profile or sso-session section, conflicting keys); empty when
	// it can.
	Problem string
}

// Options configure Profiles. The zero value reads the default files.
type Options struct {
	// Files are the shared config and credentials files; zero means
	// DefaultSharedFiles(os.Getenv).
	Files SharedFiles
	// DefaultRegion is used for STS when a profile names no region;
	// empty means us-east-1.
	DefaultRegion string
	// Clock and Sleep pace the SSO device sign-in; nil means the real ones.
	Clock func() time.Time
	Sleep func(context.Context, time.Duration) error
	// Logger receives one line per connection test and sign-in step
	// (profile names and outcomes, never secrets); nil discards.
	Logger *slog.Logger
}

// Profiles reads and uses the shared profiles. It is safe for concurrent
// use.
type Profiles struct {
	files         SharedFiles
	defaultRegion string
	clock         func() time.Time
	sleep         func(context.Context, time.Duration) error
	log           *slog.Logger

	mu sync.Mutex
	// mfaSessions keeps, per profile, the config whose credentials an MFA
	// code unlocked, so the code is asked once per session rather than on
	// every call; the SDK's credentials cache inside it renews nothing
	// without a new code.
	mfaSessions map[string]aws.Config
}

// NewProfiles returns Profiles configured by opts.
func NewProfiles(opts Options) (*Profiles, error) {
	p := &Profiles{files: opts.Files, defaultRegion: opts.DefaultRegion, clock: opts.Clock, sleep: opts.Sleep, log: opts.Logger,
		mfaSessions: map[string]aws.Config{}}
	if p.files == (SharedFiles{}) {
		var err error
		if p.files, err = DefaultSharedFiles(os.Getenv); err != nil {
			return nil, err
		}
	}
	if p.defaultRegion == "" {
		p.defaultRegion = "us-east-1"
	}
	if p.clock == nil {
		p.clock = time.Now
	}
	if p.sleep == nil {
		p.sleep = sleepContext
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	return p, nil
}

// Files returns the shared files p reads.
func (p *Profiles) Files() SharedFiles { return p.files }

func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// List returns every profile of the shared files, "default" first, then by
// name.
func (p *Profiles) List(ctx context.Context) ([]Profile, error) {
	names, err := profileNames(p.files)
	if err != nil {
		return nil, err
	}
	out := make([]Profile, 0, len(names))
	for _, name := range names {
		out = append(out, p.describe(ctx, name))
	}
	return out, nil
}

func (p *Profiles) loadShared(ctx context.Context, name string) (config.SharedConfig, error) {
	return config.LoadSharedConfigProfile(ctx, name, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = []string{p.files.Config}
		o.CredentialsFiles = []string{p.files.Credentials}
	})
}

// describe loads one profile with the SDK's own resolver (so source_profile
// chains and sso-session sections are linked exactly as the SDK links them)
// and classifies it.
func (p *Profiles) describe(ctx context.Context, name string) Profile {
	sc, err := p.loadShared(ctx, name)
	if err != nil {
		return Profile{Name: name, Kind: KindUnknown, Problem: err.Error()}
	}
	return classify(&sc)
}

func classify(sc *config.SharedConfig) Profile {
	pr := Profile{
		Name: sc.Profile, Region: sc.Region, SourceProfile: sc.SourceProfileName,
		CredentialSource: sc.CredentialSource, RoleARN: sc.RoleARN,
	}
	if link := mfaLink(sc); link != nil {
		pr.MFASerial = link.MFASerial
	}
	if root := ssoRoot(sc); root != nil {
		pr.SSOStartURL, pr.SSORegion = root.SSOStartURL, root.SSORegion
		if root.SSOSession != nil {
			pr.SSOSession, pr.SSOStartURL, pr.SSORegion = root.SSOSession.Name, root.SSOSession.SSOStartURL, root.SSOSession.SSORegion
		}
		pr.SSOAccountID, pr.SSORoleName = root.SSOAccountID, root.SSORoleName
	}
	switch {
	case sc.RoleARN != "" && sc.WebIdentityTokenFile != "" && sc.Source == nil:
		pr.Kind = KindWebIdentity
	case pr.MFASerial != "":
		pr.Kind = KindMFA
	case sc.RoleARN != "":
		pr.Kind = KindAssumeRole
	case sc.Credentials.HasKeys():
		pr.Kind = KindStatic
	case isSSO(sc):
		pr.Kind = KindSSO
	case sc.CredentialProcess != "":
		pr.Kind = KindCredentialProcess
	default:
		pr.Kind = KindUnknown
	}
	return pr
}

// chain walks a profile and its linked source profiles, the order in which
// the SDK resolves them.
func chain(sc *config.SharedConfig) iter.Seq[*config.SharedConfig] {
	return func(yield func(*config.SharedConfig) bool) {
		for link := sc; link != nil; link = link.Source {
			if !yield(link) {
				return
			}
		}
	}
}

// mfaLink returns the first role in the chain that needs an MFA code (the
// SDK ignores mfa_serial on a profile that assumes no role).
func mfaLink(sc *config.SharedConfig) *config.SharedConfig {
	for link := range chain(sc) {
		if link.RoleARN != "" && link.MFASerial != "" {
			return link
		}
	}
	return nil
}

// ssoRoot returns the profile of the chain whose credentials come from IAM
// Identity Center, or nil.
func ssoRoot(sc *config.SharedConfig) *config.SharedConfig {
	for link := range chain(sc) {
		if link.Source == nil && isSSO(link) && !link.Credentials.HasKeys() {
			return link
		}
	}
	return nil
}

func isSSO(sc *config.SharedConfig) bool {
	return sc.SSOSession != nil || sc.SSOStartURL != "" || sc.SSOAccountID != "" || sc.SSORoleName != ""
}

// Profile describes one profile by name, as List does; a name the files do
// not define gives a KindUnknown profile whose Problem says so.
func (p *Profiles) Profile(ctx context.Context, name string) Profile {
	return p.describe(ctx, name)
}
