// Package eval owns AWS request evaluation: it compiles IAM policy documents
// once (action, resource and principal matchers, condition operators with
// their values parsed, policy variables pre-split) and answers, for a request,
// whether AWS allows it, which layer decided and which statements matched.
//
// It implements AWS's "Policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
// with its cross-account variant
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
// permissions boundaries
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html), service and resource
// control policies
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html),
// every condition operator
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
// and policy variables
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
//
// Two modes: ModeAWS treats a context key that is not in the request as
// absent, as AWS does, and reports the keys whose presence could have changed
// the decision; ModeUnknown treats such keys as unknown and answers allowed,
// denied, or allowed if a set of conditions holds. Containment ("does NEW
// grant anything OLD does not?") lives in Contains.
//
// The known differences from AWS are listed, with reasons, in DIVERGENCES.md.
package eval
