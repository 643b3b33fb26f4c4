package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/remediate"
	"github.com/aegis-iam/aegis/backend/store"
)

// ErrRemediationOff refuses every remediation call while Settings'
// AllowRemediation is off, its default.
var ErrRemediationOff = errors.New(`remediation writes are off: turn on "Allow remediation writes" in Settings`)

// RemediationRequest names the principal of a saved audit whose
// recommendation to preview.
type RemediationRequest struct {
	AuditID   string `json:"auditId"`
	Principal string `json:"principal"` // ARN
}

// ApplyRequest confirms a previewed remediation with its token.
type ApplyRequest struct {
	ID    string `json:"id"`
	Token string `json:"token"`
}

// remediationTimeout bounds one preview, apply or rollback.
const remediationTimeout = 2 * time.Minute

// RemediationService applies an audit's recommendation to the account with
// the Settings profile's credentials, and rolls it back
// (docs/remediation.md). Every method refuses while remediation is off in
// Settings.
type RemediationService struct {
	ctx      context.Context
	settings store.Settings[Settings]
	history  store.History
	rem      *remediate.Remediator
	iam      func(ctx context.Context, profile string) (remediate.IAM, error)
}

// NewRemediationService returns a RemediationService keeping records in st
// and writing with the profiles' credentials; ending ctx stops its calls.
func NewRemediationService(ctx context.Context, st *store.Store, profiles *awsapi.Profiles) *RemediationService {
	return &RemediationService{
		ctx: ctx, settings: store.NewSettings[Settings](st), history: store.NewHistory(st),
		rem: remediate.New(store.NewRemediations[remediate.Record](st), time.Now, store.NewULIDSource(rand.Reader)),
		iam: func(ctx context.Context, profile string) (remediate.IAM, error) {
			cfg, err := profiles.Config(ctx, profile, "")
			if err != nil {
				return nil, errors.New(awsapi.Describe(err))
			}
			return awsapi.NewIAMWriter(cfg), nil
		},
	}
}

// writer checks that remediation is on and returns the IAM writer of the
// Settings profile.
func (s *RemediationService) writer(ctx context.Context) (remediate.IAM, error) {
	v, found, err := s.settings.Get()
	if err != nil {
		return nil, fmt.Errorf("reading settings: %w", err)
	}
	switch {
	case !found || !v.AllowRemediation:
		return nil, ErrRemediationOff
	case v.Profile == "":
		return nil, errors.New("choose the AWS profile to write with in Settings")
	}
	return s.iam(ctx, v.Profile)
}

// Preview plans the calls that apply a principal's recommendation from a
// saved audit, reading its live state; it writes nothing to AWS.
func (s *RemediationService) Preview(req RemediationRequest) (remediate.Record, error) {
	ctx, cancel := context.WithTimeout(s.ctx, remediationTimeout)
	defer cancel()
	iam, err := s.writer(ctx)
	if err != nil {
		return remediate.Record{}, err
	}
	r, err := s.history.Get(req.AuditID)
	if err != nil {
		return remediate.Record{}, err
	}
	run, err := decodeRun(r)
	if err != nil {
		return remediate.Record{}, err
	}
	if run.Audit.Sample {
		return remediate.Record{}, errors.New("this is the sample account: there is no AWS account to change")
	}
	for i := range run.Audit.Principals {
		if p := &run.Audit.Principals[i]; p.ARN == req.Principal {
			return s.rem.Preview(ctx, iam, req.AuditID, p)
		}
	}
	return remediate.Record{}, fmt.Errorf("audit %s has no principal %s", req.AuditID, req.Principal)
}

// Apply makes a previewed remediation's calls, confirmed by its token.
// A call that fails is reported in the record (status apply-failed), not as
// an error.
func (s *RemediationService) Apply(req ApplyRequest) (remediate.Record, error) {
	ctx, cancel := context.WithTimeout(s.ctx, remediationTimeout)
	defer cancel()
	iam, err := s.writer(ctx)
	if err != nil {
		return remediate.Record{}, err
	}
	return s.rem.Apply(ctx, iam, req.ID, req.Token)
}

// Rollback restores the state a remediation saved before applying.
func (s *RemediationService) Rollback(id string) (remediate.Record, error) {
	ctx, cancel := context.WithTimeout(s.ctx, remediationTimeout)
	defer cancel()
	iam, err := s.writer(ctx)
	if err != nil {
		return remediate.Record{}, err
	}
	return s.rem.Rollback(ctx, iam, id)
}

// List returns the remediations of a principal (every one for ""), newest
// first. Reading them needs no AWS access and works while remediation is
// off, so that what was applied stays visible.
func (s *RemediationService) List(principal string) ([]remediate.Record, error) {
	all, err := s.rem.List()
	if err != nil {
		return nil, err
	}
	out := []remediate.Record{}
	for _, r := range all {
		if principal == "" || r.Principal.ARN == principal {
			out = append(out, r)
		}
	}
	return out, nil
}

// Suggestions returns the rollbacks a saved audit suggests: remediations in
// force whose principal it saw denied actions after the apply. The denied
// calls of the audit's CloudTrail usage carry their times; an audit
// without them falls back to its principals' denied actions, dated at the
// window's end (remediate.DeniedInAudit).
func (s *RemediationService) Suggestions(auditID string) ([]remediate.Suggestion, error) {
	r, err := s.history.Get(auditID)
	if err != nil {
		return nil, err
	}
	run, err := decodeRun(r)
	if err != nil {
		return nil, err
	}
	records, err := s.rem.List()
	if err != nil {
		return nil, err
	}
	denied := run.Denials
	if denied == nil {
		denied = remediate.DeniedInAudit(run.Audit)
	}
	out := remediate.Watch(records, denied)
	if out == nil {
		out = []remediate.Suggestion{}
	}
	return out, nil
}
