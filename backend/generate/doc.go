// Package generate is the least-privilege policy generator: it reads an
// intent (principal, resources, verbs, account, region) from plain English
// or from an Advisor, asks clarifying questions when something essential is
// missing, and builds a permissions policy and a trust policy from the IAM
// database's access levels, resource types and ARN formats. Every output is
// validated by the checks in backend/check/rules and proven by the evaluator
// in backend/eval: each requested (action, resource) is allowed, nothing else.
//
// It implements the practices of "Security best practices in IAM"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html),
// "Grant least privilege" and "The confused deputy problem"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
//
// The package does no I/O. A Session is plain data that serialises to JSON,
// so an answer can continue a conversation stored elsewhere.
package generate
