// Package remediate applies an audit's right-sized policies to an AWS
// account, and takes them back. A recommendation
// (backend/audit/result) becomes a plan of exact IAM API calls against the
// principal's live state: a new default version of a customer managed
// policy attached only to this principal (the oldest non-default version
// deleted first when the policy already has IAM's maximum of five), a
// rewritten inline policy (PutRolePolicy, PutUserPolicy), or for a shared
// customer managed or an AWS managed policy a new customer managed policy
// attached to the principal and the shared one detached from it: a policy
// other principals use is never edited.
//
// Nothing is written without an explicit apply carrying the plan's
// confirmation token. Apply first checks that the live state is still the
// one previewed and saves it in the store, then makes the calls one by
// one (saving the record after each), then reads the state back and
// compares it with the target. A call that fails stops the apply: the
// record says which calls were made, which failed with what error code and
// which were not attempted. Rollback converges the live state back to the
// saved one with the same machinery, whatever part of the plan was
// applied, and verifies it. Watch turns the AccessDenied events a later
// audit sees from a remediated principal into rollback suggestions.
//
// IAM API: https://docs.aws.amazon.com/IAM/latest/APIReference/;
// versioning of managed policies:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html.
package remediate
