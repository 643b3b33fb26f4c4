package check

import (
	"fmt"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/policy"
)

// Account is what the account-hygiene rules (AEG-ACCT) and the rules that
// need attachments know about one AWS account: the input of a
// policy.KindAccount Input. Every part is optional — nil means "not known",
// and a rule whose facts are unknown stays silent rather than guess (an
// account known to have no password policy has PasswordPolicy{Exists:
// false}, not nil).
//
// Positions (Pos fields) are places in the Input's File when the facts were
// read from it, and zero otherwise (an audit assembling them from API
// calls).
type Account struct {
	ID string `json:"id,omitempty"`
	// AsOf is when the facts were collected; ages ("unused for 45 days",
	// "older than 90 days") are measured from it. Rules that measure ages
	// stay silent when it is zero.
	AsOf time.Time `json:"asOf,omitzero"`
	// Credentials is the IAM credential report
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html).
	Credentials *CredentialReport `json:"credentialReport,omitempty"`
	// PasswordPolicy is GetAccountPasswordPolicy's answer.
	PasswordPolicy *PasswordPolicy `json:"passwordPolicy,omitempty"`
	// Authorization holds GetAccountAuthorizationDetails facts: who has
	// which policies, groups, trust policies and last use.
	Authorization *Authorization `json:"authorization,omitempty"`
	// VirtualMFADevices is ListVirtualMFADevices' answer (assigned devices);
	// an active MFA not among them is a hardware device.
	VirtualMFADevices *[]VirtualMFADevice `json:"virtualMFADevices,omitempty"`
	// ServerCertificates is ListServerCertificates' answer.
	ServerCertificates *[]ServerCertificate `json:"serverCertificates,omitempty"`
	// PublicAccessBlock is the account-level S3 Block Public Access
	// configuration (s3control GetPublicAccessBlock); Exists false when the
	// account has none.
	PublicAccessBlock *PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	// OrganizationAccounts lists the IDs of the accounts of the account's
	// organization (Organizations ListAccounts) plus any allow-listed
	// partner accounts; nil when unknown.
	OrganizationAccounts []string `json:"organizationAccounts,omitempty"`
	// TaskDefinitions are the account's ECS task definitions.
	TaskDefinitions *[]TaskDefinition `json:"taskDefinitions,omitempty"`
	// BedrockAgents are the account's Amazon Bedrock agents.
	BedrockAgents *[]BedrockAgent `json:"bedrockAgents,omitempty"`
	// IdentityProviders are the ARNs of the account's SAML and OIDC
	// providers (ListSAMLProviders, ListOpenIDConnectProviders).
	IdentityProviders *[]string `json:"identityProviders,omitempty"`
	// Regions are the Regions enabled for the account, and AccessAnalyzers
	// the IAM Access Analyzer analyzers found in them (ListAnalyzers).
	Regions         []string          `json:"regions,omitempty"`
	AccessAnalyzers *[]AccessAnalyzer `json:"accessAnalyzers,omitempty"`
	// RootCredentialsManagement is whether the organization manages member
	// accounts' root credentials centrally (ListOrganizationsFeatures:
	// RootCredentialsManagement); nil when unknown.
	RootCredentialsManagement *bool `json:"rootCredentialsManagement,omitempty"`
	// Instances are the account's EC2 instances (DescribeInstances).
	Instances *[]Instance `json:"instances,omitempty"`
	// SCPs are the service control policies that apply to the account, as
	// JSON documents, one list per level from the organization root down to
	// the account; an empty list when the account is in no organization.
	SCPs *[][]string `json:"serviceControlPolicies,omitempty"`
}

// CredentialReport is the IAM credential report: one row per IAM user plus
// the root user's row.
type CredentialReport struct {
	Generated time.Time        `json:"generated,omitzero"`
	Users     []CredentialUser `json:"users"`
}

// RootUser is the credential report's name for the root user's row.
const RootUser = "<root_account>"

// CredentialUser is one row of the credential report.
type CredentialUser struct {
	User    string    `json:"user"`
	ARN     string    `json:"arn"`
	Created Timestamp `json:"userCreationTime,omitzero"`
	// PasswordEnabled is false for the root user, whose report says
	// "not_supported".
	PasswordEnabled      bool           `json:"passwordEnabled,omitempty"`
	PasswordLastUsed     Timestamp      `json:"passwordLastUsed,omitzero"`
	PasswordLastChanged  Timestamp      `json:"passwordLastChanged,omitzero"`
	PasswordNextRotation Timestamp      `json:"passwordNextRotation,omitzero"`
	MFAActive            bool           `json:"mfaActive,omitempty"`
	AccessKeys           [2]AccessKey   `json:"accessKeys,omitzero"`
	Certificates         [2]Certificate `json:"certificates,omitzero"`
	// Pos is the row's position and Cells each cell's, by column name
	// ("access_key_1_last_rotated").
	Pos   policy.Pos            `json:"-"`
	Cells map[string]policy.Pos `json:"-"`
}

// Root reports whether the row is the root user's.
func (u *CredentialUser) Root() bool { return u.User == RootUser }

// At returns the position of a cell of the row, or of the row.
func (u *CredentialUser) At(column string) policy.Pos {
	if p, ok := u.Cells[column]; ok {
		return p
	}
	return u.Pos
}

// AccessKey is one of a user's two access-key slots.
type AccessKey struct {
	Active          bool      `json:"active,omitempty"`
	LastRotated     Timestamp `json:"lastRotated,omitzero"`
	LastUsed        Timestamp `json:"lastUsedDate,omitzero"`
	LastUsedRegion  string    `json:"lastUsedRegion,omitempty"`  // "N/A" when never used
	LastUsedService string    `json:"lastUsedService,omitempty"` // "N/A" when never used
}

// Column returns the credential report column of the key in slot i (0 or
// 1), e.g. Column(0, "last_rotated") = "access_key_1_last_rotated".
func (AccessKey) Column(i int, field string) string {
	return fmt.Sprintf("access_key_%d_%s", i+1, field)
}

// Certificate is one of a user's two X.509 signing-certificate slots.
type Certificate struct {
	Active      bool      `json:"active,omitempty"`
	LastRotated Timestamp `json:"lastRotated,omitzero"`
}

// The words the credential report writes instead of a date.
const (
	NotApplicable = "N/A"            // no password or key, or never used
	NoInformation = "no_information" // not used since IAM began tracking (October 2014)
	NotSupported  = "not_supported"  // the root user's password fields
)

// Timestamp is a date cell of the credential report: a time, or the word
// that says why there is none. Its text form is the report's.
type Timestamp struct {
	Time    time.Time
	Missing string // NotApplicable, NoInformation or NotSupported when Time is zero
}

// Known reports whether the cell holds a time.
func (t Timestamp) Known() bool { return !t.Time.IsZero() }

// IsZero reports whether the cell is empty (for omitzero).
func (t Timestamp) IsZero() bool { return t.Time.IsZero() && t.Missing == "" }

// MarshalText writes the cell as the report does.
func (t Timestamp) MarshalText() ([]byte, error) {
	if t.Known() {
		return []byte(t.Time.Format(time.RFC3339)), nil
	}
	return []byte(t.Missing), nil
}

// UnmarshalText reads a cell: an ISO 8601 time ("2024-05-01T10:41:06+00:00")
// or N/A, no_information, not_supported.
func (t *Timestamp) UnmarshalText(b []byte) error {
	s := string(b)
	switch s {
	case NotApplicable, NoInformation, NotSupported:
		*t = Timestamp{Missing: s}
		return nil
	}
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("%q is neither an ISO 8601 time nor %s, %s or %s", s, NotApplicable, NoInformation, NotSupported)
	}
	*t = Timestamp{Time: tm}
	return nil
}

// PasswordPolicy is the account password policy, with the field names of
// GetAccountPasswordPolicy's JSON.
type PasswordPolicy struct {
	// Exists is false when the account has no password policy
	// (NoSuchEntity): IAM's default then applies (8 characters, 3 of 4
	// character classes, no expiry, no reuse prevention).
	Exists                     bool `json:"exists"`
	MinimumPasswordLength      int  `json:"MinimumPasswordLength,omitempty"`
	RequireSymbols             bool `json:"RequireSymbols,omitempty"`
	RequireNumbers             bool `json:"RequireNumbers,omitempty"`
	RequireUppercaseCharacters bool `json:"RequireUppercaseCharacters,omitempty"`
	RequireLowercaseCharacters bool `json:"RequireLowercaseCharacters,omitempty"`
	AllowUsersToChangePassword bool `json:"AllowUsersToChangePassword,omitempty"`
	ExpirePasswords            bool `json:"ExpirePasswords,omitempty"`
	MaxPasswordAge             int  `json:"MaxPasswordAge,omitempty"`          // days; 0: never
	PasswordReusePrevention    int  `json:"PasswordReusePrevention,omitempty"` // 0: not enforced
	HardExpiry                 bool `json:"HardExpiry,omitempty"`
	// Pos is the policy's position and Fields each field's, by name.
	Pos    policy.Pos            `json:"-"`
	Fields map[string]policy.Pos `json:"-"`
}

// At returns the position of a field of the policy, or of the policy.
func (pp *PasswordPolicy) At(field string) policy.Pos {
	if p, ok := pp.Fields[field]; ok {
		return p
	}
	return pp.Pos
}

// Authorization is what GetAccountAuthorizationDetails says about the
// account's principals.
type Authorization struct {
	Users  []Principal `json:"users,omitempty"`
	Groups []Principal `json:"groups,omitempty"`
	Roles  []Principal `json:"roles,omitempty"`
	// Managed are the default versions of the managed policies by ARN
	// (GAAD's Policies), and ManagedText the same as JSON (for JSON round
	// trips, as in examples); both nil when the facts hold no policy
	// documents.
	Managed     map[string]*policy.Document `json:"-"`
	ManagedText map[string]string           `json:"managedPolicies,omitempty"`
}

// PoliciesKnown reports whether the facts include the policy documents,
// so that what each principal may do can be evaluated.
func (a *Authorization) PoliciesKnown() bool { return a.Managed != nil || a.ManagedText != nil }

// ManagedPolicy returns the default version of the managed policy arn,
// or nil when the facts do not hold it (or it does not parse at all).
func (a *Authorization) ManagedPolicy(arn string) *policy.Document {
	if d, ok := a.Managed[arn]; ok {
		return d
	}
	text, ok := a.ManagedText[arn]
	if !ok {
		return nil
	}
	doc, _ := policy.Parse(arn, []byte(text), policy.KindIdentity)
	return doc
}

// Principal is an IAM user, group or role with what is attached to it.
type Principal struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// AttachedPolicies are the ARNs of the attached managed policies.
	AttachedPolicies []string `json:"attachedPolicies,omitempty"`
	// InlinePolicies are the names of the inline policies.
	InlinePolicies []string `json:"inlinePolicies,omitempty"`
	// Groups are a user's groups.
	Groups []string `json:"groups,omitempty"`
	// Trust is a role's trust policy.
	Trust *policy.Document `json:"-"`
	// TrustText is the trust policy's JSON, for JSON round trips (examples).
	TrustText string `json:"trust,omitempty"`
	// Inline are the inline policies' documents, in the order of
	// InlinePolicies; InlineText the same as JSON (examples).
	Inline     []*policy.Document `json:"-"`
	InlineText []string           `json:"inlineDocuments,omitempty"`
	// Boundary is the ARN of the permissions boundary, if one is set.
	Boundary string `json:"boundary,omitempty"`
	// Created is the creation date, LastUsed a role's RoleLastUsed date
	// (zero: not used in IAM's tracking period).
	Created  time.Time  `json:"created,omitzero"`
	LastUsed time.Time  `json:"lastUsed,omitzero"`
	Pos      policy.Pos `json:"-"`
}

// TrustPolicy returns the role's trust policy: Trust, else TrustText
// parsed (without changing p, so facts can be shared); nil when there is
// none or it does not parse at all.
func (p *Principal) TrustPolicy() *policy.Document {
	if p.Trust != nil || p.TrustText == "" {
		return p.Trust
	}
	doc, _ := policy.Parse(p.ARN, []byte(p.TrustText), policy.KindTrust)
	return doc
}

// InlineDocuments returns the inline policies' documents: Inline, else
// InlineText parsed (a text that does not parse at all is left out).
func (p *Principal) InlineDocuments() []*policy.Document {
	if p.Inline != nil || p.InlineText == nil {
		return p.Inline
	}
	var out []*policy.Document
	for i, text := range p.InlineText {
		if doc, _ := policy.Parse(fmt.Sprintf("%s inline[%d]", p.ARN, i), []byte(text), policy.KindIdentity); doc != nil {
			out = append(out, doc)
		}
	}
	return out
}

// ServiceLinked reports whether a role is service-linked (its trust and
// permissions belong to AWS).
func (p *Principal) ServiceLinked() bool { return strings.Contains(p.ARN, ":role/aws-service-role/") }

// Attaches reports whether the principal attaches the managed policy arn;
// an AWS managed policy may be given by name ("AdministratorAccess"), which
// matches it in every partition.
func (p *Principal) Attaches(arn string) bool {
	for _, a := range p.AttachedPolicies {
		if a == arn || !strings.HasPrefix(arn, "arn:") && strings.HasSuffix(a, ":iam::aws:policy/"+arn) {
			return true
		}
	}
	return false
}

// VirtualMFADevice is an assigned virtual MFA device.
type VirtualMFADevice struct {
	SerialNumber string `json:"serialNumber"`
	UserARN      string `json:"userArn"` // the root ARN for the root user's device
}

// ServerCertificate is an SSL/TLS certificate stored in IAM.
type ServerCertificate struct {
	Name       string    `json:"name"`
	ARN        string    `json:"arn"`
	Expiration time.Time `json:"expiration"`
}

// PublicAccessBlock is an S3 Block Public Access configuration.
type PublicAccessBlock struct {
	Exists                bool `json:"exists"`
	BlockPublicAcls       bool `json:"BlockPublicAcls,omitempty"`
	IgnorePublicAcls      bool `json:"IgnorePublicAcls,omitempty"`
	BlockPublicPolicy     bool `json:"BlockPublicPolicy,omitempty"`
	RestrictPublicBuckets bool `json:"RestrictPublicBuckets,omitempty"`
}

// TaskDefinition is an ECS task definition's identity settings.
type TaskDefinition struct {
	ARN              string `json:"arn"`
	TaskRoleARN      string `json:"taskRoleArn,omitempty"`
	ExecutionRoleARN string `json:"executionRoleArn,omitempty"`
}

// BedrockAgent is an Amazon Bedrock agent and its execution role.
type BedrockAgent struct {
	Name    string `json:"name"`
	ARN     string `json:"arn"`
	RoleARN string `json:"agentResourceRoleArn"`
}

// AccessAnalyzer is an IAM Access Analyzer analyzer.
type AccessAnalyzer struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	// Type is ACCOUNT or ORGANIZATION for external-access analyzers,
	// ACCOUNT_UNUSED_ACCESS or ORGANIZATION_UNUSED_ACCESS for unused access.
	Type   string `json:"type"`
	Status string `json:"status"` // ACTIVE, CREATING, DISABLED, FAILED
}

// Instance is an EC2 instance and its instance profile.
type Instance struct {
	ID                 string `json:"instanceId"`
	Region             string `json:"region"`
	State              string `json:"state"`                        // pending, running, stopped, ...
	InstanceProfileARN string `json:"instanceProfileArn,omitempty"` // "" without an instance profile
}
