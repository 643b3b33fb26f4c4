package audit

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Snapshot is everything known about one AWS account's IAM configuration at
// one moment. Policy documents are JSON objects (decoded if IAM returned
// them URL-encoded). Optional parts are nil or empty when they were not
// collected; the analysis treats what is missing as unknown, never as
// "none".
type Snapshot struct {
	// Account is the 12-digit account ID; Partition its partition ("aws"
	// when empty).
	Account   string `json:"account"`
	Partition string `json:"partition,omitempty"`
	// CollectedAt is when the configuration was read.
	CollectedAt time.Time `json:"collectedAt"`

	Users    []User          `json:"users,omitempty"`
	Groups   []Group         `json:"groups,omitempty"`
	Roles    []Role          `json:"roles,omitempty"`
	Policies []ManagedPolicy `json:"policies,omitempty"`

	// Organization is the account's place in its organization with the
	// SCPs and RCPs on the way; nil when unknown or not in one.
	Organization *Organization `json:"organization,omitempty"`
	// ResourcePolicies are resource-based policies of the account's
	// resources (bucket, key, queue, topic, secret, function, repository...).
	ResourcePolicies []ResourcePolicy `json:"resourcePolicies,omitempty"`
	// LastAccessed is Access Advisor data, one entry per entity asked.
	LastAccessed []LastAccessed `json:"lastAccessed,omitempty"`
	// Trails are the account's CloudTrail trails with their event
	// selectors: whether management and data events were logged.
	Trails []Trail `json:"trails,omitempty"`
	// CredentialReport and PasswordPolicy are the IAM credential report and
	// GetAccountPasswordPolicy's answer (nil: not collected).
	CredentialReport *check.CredentialReport `json:"credentialReport,omitempty"`
	PasswordPolicy   *check.PasswordPolicy   `json:"passwordPolicy,omitempty"`
}

// PrincipalARNs are the ARNs of the snapshot's users, groups and roles, in
// that order.
func (s *Snapshot) PrincipalARNs() []string {
	var arns []string
	for _, u := range s.Users {
		arns = append(arns, u.ARN)
	}
	for _, g := range s.Groups {
		arns = append(arns, g.ARN)
	}
	for _, r := range s.Roles {
		arns = append(arns, r.ARN)
	}
	return arns
}

// Entity is what users, groups and roles share.
type Entity struct {
	Name    string    `json:"name"`
	ID      string    `json:"id"` // the unique ID (AIDA…, AGPA…, AROA…): survives nothing, names do
	ARN     string    `json:"arn"`
	Path    string    `json:"path,omitempty"`
	Created time.Time `json:"created,omitzero"`
	Tags    []Tag     `json:"tags,omitempty"`
	// Inline are the entity's inline policies.
	Inline []InlinePolicy `json:"inlinePolicies,omitempty"`
	// Attached are the ARNs of the attached managed policies.
	Attached []string `json:"attachedPolicies,omitempty"`
}

// User is an IAM user.
type User struct {
	Entity
	// Groups are the names of the user's groups.
	Groups []string `json:"groups,omitempty"`
	// Boundary is the ARN of the permissions boundary, empty when none.
	Boundary string `json:"permissionsBoundary,omitempty"`
}

// Group is an IAM group.
type Group struct {
	Entity
}

// Role is an IAM role.
type Role struct {
	Entity
	// Trust is the assume-role policy.
	Trust    json.RawMessage `json:"trustPolicy"`
	Boundary string          `json:"permissionsBoundary,omitempty"`
	// LastUsed is RoleLastUsed; nil when IAM has no record of use in its
	// tracking period (400 days).
	LastUsed         *LastUsed         `json:"lastUsed,omitempty"`
	InstanceProfiles []InstanceProfile `json:"instanceProfiles,omitempty"`
}

// ServiceLinked reports whether the role is service-linked: its policies
// belong to the AWS service and cannot be edited.
func (r *Role) ServiceLinked() bool { return strings.HasPrefix(r.Path, "/aws-service-role/") }

// IdentityCenter reports whether the role was created by IAM Identity
// Center for a permission set: it is changed through the permission set.
func (r *Role) IdentityCenter() bool {
	return strings.HasPrefix(r.Path, "/aws-reserved/sso.amazonaws.com/")
}

// LastUsed is a role's RoleLastUsed.
type LastUsed struct {
	Date   time.Time `json:"date"`
	Region string    `json:"region,omitempty"`
}

// InstanceProfile is an instance profile holding a role.
type InstanceProfile struct {
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
	ARN  string `json:"arn"`
	Path string `json:"path,omitempty"`
}

// Tag is an IAM tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// InlinePolicy is an inline policy of a user, group or role.
type InlinePolicy struct {
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
}

// ManagedPolicy is a customer or AWS managed policy with every stored
// version.
type ManagedPolicy struct {
	Name               string          `json:"name"`
	ID                 string          `json:"id,omitempty"`
	ARN                string          `json:"arn"`
	Path               string          `json:"path,omitempty"`
	DefaultVersion     string          `json:"defaultVersion"`
	AttachmentCount    int             `json:"attachmentCount"`
	BoundaryUsageCount int             `json:"permissionsBoundaryUsageCount"`
	Attachable         bool            `json:"isAttachable"`
	Created            time.Time       `json:"created,omitzero"`
	Updated            time.Time       `json:"updated,omitzero"`
	Versions           []PolicyVersion `json:"versions"`
}

// AWSManaged reports whether AWS owns the policy (its ARN's account is
// "aws", in any partition).
func (p *ManagedPolicy) AWSManaged() bool {
	a, err := policy.ParseARN(p.ARN)
	return err == nil && a.Account == "aws"
}

// Default returns the default version, nil when it is missing.
func (p *ManagedPolicy) Default() *PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].ID == p.DefaultVersion {
			return &p.Versions[i]
		}
	}
	return nil
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	ID       string          `json:"id"` // "v3"
	Default  bool            `json:"isDefault"`
	Created  time.Time       `json:"created,omitzero"`
	Document json.RawMessage `json:"document"`
}

// Organization is an account's place in AWS Organizations.
type Organization struct {
	ID                string `json:"id"` // o-…
	ManagementAccount string `json:"managementAccount,omitempty"`
	// Path runs from the root down to the account: the root, each OU,
	// then the account itself, with the policies attached at each.
	Path []OrgNode `json:"path"`
	// Policies are the SCPs and RCPs attached somewhere on the path.
	Policies []OrgPolicy `json:"policies"`
}

// The kinds of organization node and policy, as Organizations names them.
const (
	NodeRoot    = "ROOT"
	NodeOU      = "ORGANIZATIONAL_UNIT"
	NodeAccount = "ACCOUNT"

	SCP = "SERVICE_CONTROL_POLICY"
	RCP = "RESOURCE_CONTROL_POLICY"
)

// OrgNode is a root, OU or account with the IDs of its attached policies.
type OrgNode struct {
	ID       string   `json:"id"`
	Type     string   `json:"type"` // NodeRoot, NodeOU or NodeAccount
	Name     string   `json:"name,omitempty"`
	Policies []string `json:"policies"` // policy IDs (p-…), SCPs and RCPs
}

// OrgPolicy is an SCP or RCP.
type OrgPolicy struct {
	ID         string          `json:"id"`
	ARN        string          `json:"arn,omitempty"`
	Name       string          `json:"name"`
	Type       string          `json:"type"` // SCP or RCP
	AWSManaged bool            `json:"awsManaged,omitempty"`
	Document   json.RawMessage `json:"document"`
}

// Levels returns the policies of one type (SCP or RCP) per level of the
// path, root first: the shape the evaluator takes. A level with none of
// them is an empty list, which the evaluator reads as "nothing allowed".
func (o *Organization) Levels(typ string) [][]*OrgPolicy {
	byID := make(map[string]*OrgPolicy, len(o.Policies))
	for i := range o.Policies {
		byID[o.Policies[i].ID] = &o.Policies[i]
	}
	out := make([][]*OrgPolicy, len(o.Path))
	for i, n := range o.Path {
		for _, id := range n.Policies {
			if p := byID[id]; p != nil && p.Type == typ {
				out[i] = append(out[i], p)
			}
		}
	}
	return out
}

// ResourcePolicy is the resource-based policy of one resource.
type ResourcePolicy struct {
	ARN      string          `json:"arn"`
	Document json.RawMessage `json:"document"`
}

// LastAccessed is Access Advisor's answer for one user, group, role or
// managed policy (GetServiceLastAccessedDetails).
type LastAccessed struct {
	ARN       string            `json:"arn"`
	Completed time.Time         `json:"jobCompletionDate,omitzero"`
	Services  []ServiceAccessed `json:"services"`
}

// ServiceAccessed is one service of an Access Advisor answer. A zero
// LastAuthenticated means not accessed in the tracking period.
type ServiceAccessed struct {
	Namespace         string    `json:"namespace"`
	Name              string    `json:"name,omitempty"`
	LastAuthenticated time.Time `json:"lastAuthenticated,omitzero"`
	Entity            string    `json:"lastAuthenticatedEntity,omitempty"`
	Region            string    `json:"lastAuthenticatedRegion,omitempty"`
	// Tracked lists the actions Access Advisor tracks at action level for
	// this service; nil when it tracks the service only.
	Tracked []ActionAccessed `json:"trackedActions,omitempty"`
}

// ActionAccessed is one tracked action. A zero Last means not accessed in
// the tracking period.
type ActionAccessed struct {
	Action string    `json:"action"` // the name without the prefix, as IAM gives it
	Last   time.Time `json:"lastAccessed,omitzero"`
	Entity string    `json:"lastAccessedEntity,omitempty"`
	Region string    `json:"lastAccessedRegion,omitempty"`
}

// Trail is one CloudTrail trail's event selectors
// (GetEventSelectors): which events it logged.
type Trail struct {
	ARN                    string                  `json:"arn"`
	EventSelectors         []EventSelector         `json:"eventSelectors,omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `json:"advancedEventSelectors,omitempty"`
}

// EventSelector is a basic event selector.
type EventSelector struct {
	ReadWriteType                 string         `json:"readWriteType"` // ReadOnly, WriteOnly, All
	IncludeManagementEvents       bool           `json:"includeManagementEvents"`
	ExcludeManagementEventSources []string       `json:"excludeManagementEventSources,omitempty"`
	DataResources                 []DataResource `json:"dataResources,omitempty"`
}

// DataResource selects data events of one resource type.
type DataResource struct {
	Type   string   `json:"type"` // AWS::S3::Object, AWS::Lambda::Function, …
	Values []string `json:"values"`
}

// AdvancedEventSelector is an advanced event selector.
type AdvancedEventSelector struct {
	Name           string          `json:"name,omitempty"`
	FieldSelectors []FieldSelector `json:"fieldSelectors"`
}

// FieldSelector is one condition of an advanced event selector.
type FieldSelector struct {
	Field         string   `json:"field"`
	Equals        []string `json:"equals,omitempty"`
	StartsWith    []string `json:"startsWith,omitempty"`
	EndsWith      []string `json:"endsWith,omitempty"`
	NotEquals     []string `json:"notEquals,omitempty"`
	NotStartsWith []string `json:"notStartsWith,omitempty"`
	NotEndsWith   []string `json:"notEndsWith,omitempty"`
}
