package awsapi

import (
	"context"
	"fmt"
	"regexp"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Session is one set of credentials and a region, tuned for auditing
// (Tune: adaptive retries, a timeout per call), for packages that build
// readers without importing the SDK. It never exposes the credentials.
type Session struct {
	cfg aws.Config
}

// Session resolves the named profile (see Config) into a tuned session; a
// non-empty region overrides the profile's.
func (p *Profiles) Session(ctx context.Context, profile, region string) (Session, error) {
	cfg, err := p.Config(ctx, profile, "")
	if err != nil {
		return Session{}, err
	}
	if region != "" {
		cfg.Region = region
	}
	return Session{cfg: Tune(cfg, 0)}, nil
}

// Region is the session's region.
func (s Session) Region() string { return s.cfg.Region }

// InRegion is the same credentials in another region.
func (s Session) InRegion(region string) Session {
	c := s.cfg.Copy()
	c.Region = region
	return Session{cfg: c}
}

// roleARNRE is an IAM role ARN: arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME.
var roleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)

// IsRoleARN reports whether s is the ARN of an IAM role, which AssumeRole
// takes.
func IsRoleARN(s string) bool { return roleARNRE.MatchString(s) }

// AssumeRole is a session with the credentials of roleARN, assumed with
// this session's credentials under sessionName and renewed before they
// expire. Nothing is called until the first request: a role that cannot be
// assumed fails that request (AccessDenied).
func (s Session) AssumeRole(roleARN, sessionName string) Session {
	c := s.cfg.Copy()
	c.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(s.cfg), roleARN,
		func(o *stscreds.AssumeRoleOptions) { o.RoleSessionName = sessionName }))
	return Session{cfg: c}
}

// Identity asks STS who the session's credentials belong to.
func (s Session) Identity(ctx context.Context) (Identity, error) {
	out, err := sts.NewFromConfig(s.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return Identity{}, fmt.Errorf("sts GetCallerIdentity: %w", err)
	}
	return Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId)}, nil
}

// IAM is an IAM reader with the session's credentials.
func (s Session) IAM() *IAMReader { return NewIAMReader(s.cfg) }

// Trails is a CloudTrail reader for the session's region.
func (s Session) Trails() *TrailReader { return NewTrailReader(s.cfg) }

// Org is an Organizations reader with the session's credentials.
func (s Session) Org() *OrgReader { return NewOrgReader(s.cfg) }

// Athena is an Athena runner in the session's region for workgroup, its
// results written to output (empty: the workgroup's location).
func (s Session) Athena(workgroup, output string) *AthenaRunner {
	return NewAthenaRunner(s.cfg, workgroup, output)
}
