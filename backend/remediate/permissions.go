package remediate

// Permissions are the IAM actions remediation calls: the reads that save
// and verify a principal's state, and the writes of a plan or a rollback.
// docs/remediation-policy.json allows exactly these.
var Permissions = []string{
	"iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies",
	"iam:GetPolicy", "iam:ListPolicyVersions", "iam:GetPolicyVersion",
	"iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy",
	"iam:PutUserPolicy", "iam:DeleteUserPolicy", "iam:AttachUserPolicy", "iam:DetachUserPolicy",
	"iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy",
}
