package check

import (
	"fmt"
	"strings"
)

// SensitiveResource is a resource the organisation declares sensitive —
// a production data bucket, the audit trail, a signing key — with the
// actions on it that matter. AEG-EXP-007 reports every identity policy
// that reaches one, as Parliament's SENSITIVE_ACCESS does from its
// configuration. The configuration file declares them
// (backend/compliance); a run hands them to each Input.
type SensitiveResource struct {
	Name      string   // as the configuration names it: prod-customer-data
	Actions   []string // action patterns ("s3:GetObject", "s3:*"), or "*"
	Resources []string // ARN patterns ("arn:aws:s3:::acme-prod-data/*"), or "*"
	guard     *guard
}

// NewSensitiveResource compiles a sensitive-resource declaration.
func NewSensitiveResource(name string, actions, resources []string) (*SensitiveResource, error) {
	switch {
	case len(actions) == 0:
		return nil, fmt.Errorf("sensitive resource %s: no actions", name)
	case len(resources) == 0:
		return nil, fmt.Errorf("sensitive resource %s: no resources", name)
	}
	g, err := newGuard("sensitive resource "+name, actions, resources)
	if err != nil {
		return nil, fmt.Errorf("sensitive resource %s: %w", name, err)
	}
	return &SensitiveResource{Name: name, Actions: actions, Resources: resources, guard: g}, nil
}

// MustSensitiveResource is NewSensitiveResource for declarations fixed in
// the code (rule examples); it panics on an invalid one.
func MustSensitiveResource(name string, actions, resources []string) *SensitiveResource {
	s, err := NewSensitiveResource(name, actions, resources)
	if err != nil {
		panic(err)
	}
	return s
}

// Reaches decides whether the pass's policy allows one of s's actions on
// one of its resources, with the same containment check as the guardrails
// (see NewGuardrailRule): Deny statements, NotAction, NotResource,
// wildcards and conditions count as AWS evaluates them. It returns nil
// when the policy does not, or is not an identity-style policy.
func (p *Pass) Reaches(s *SensitiveResource) *Breach { return s.guard.breach(p) }

// DenyStatement is the Deny statement that keeps a policy from s, as a
// remediation writes it.
func (s *SensitiveResource) DenyStatement() string { return s.guard.denyStatement() }

// String describes s: its name with its resources.
func (s *SensitiveResource) String() string {
	return fmt.Sprintf("%s (%s)", s.Name, strings.Join(s.Resources, ", "))
}
