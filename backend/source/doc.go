// Package source owns finding IAM policy documents in the files users hand
// to Aegis and tying every element back to where it was written: raw policy
// JSON, CloudFormation templates in JSON or YAML (short and long forms of the
// intrinsic functions resolved to readable ${...} placeholders), Terraform
// configurations (HCL, via hashicorp/hcl/v2) and `terraform show -json`
// plans, and `aws iam get-account-authorization-details` exports.
//
// Each document is handed to policy.Parse as JSON (synthesised where the
// input is YAML or HCL) and every position in the result is mapped back to
// the line and column of the original file.
//
// Formats implemented:
//   - CloudFormation template anatomy and intrinsic functions:
//     https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
//   - Terraform JSON output format:
//     https://developer.hashicorp.com/terraform/internals/json-format
//   - aws_iam_policy_document:
//     https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
//   - GetAccountAuthorizationDetails:
//     https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
package source
