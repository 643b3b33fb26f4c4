// Package audit owns the account audit's model: the snapshot of one AWS
// account (principals, groups, managed policies with every version,
// boundaries, the SCP/RCP path, resource-based policies, Access Advisor
// data, trail event selectors, the credential report and password policy)
// and the usage observed for it, three-valued with its coverage.
//
// The snapshot is what GetAccountAuthorizationDetails
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html)
// and its companions return, normalised: policy documents decoded to JSON,
// times parsed. Subpackages do one job each: bundle reads and writes the
// snapshot bundle file (docs/bundle.md), importer builds a snapshot from the
// AWS CLI's exports, and the analysis packages read only the snapshot.
package audit
