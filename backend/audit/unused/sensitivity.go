package unused

import (
	"strings"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// Sensitivity ranks what a permission can do if abused.
type Sensitivity string

// Sensitivities, from most to least sensitive.
const (
	// Critical: a step of a privilege-escalation path (privesc.md: policy
	// edits, credential creation, role passing and assumption).
	Critical Sensitivity = "critical"
	// High: permissions management, and reads that return secrets or data
	// (exfiltration).
	High Sensitivity = "high"
	// Medium: other writes and tagging.
	Medium Sensitivity = "medium"
	// Low: reads and lists.
	Low Sensitivity = "low"
)

// escalation are the actions of the self-escalation and principal-access
// paths of privesc.md, and iam:PassRole, which every new-PassRole path needs.
var escalation = []string{
	"iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
	"iam:Put*Policy", "iam:Attach*Policy", "iam:AddUserToGroup",
	"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
	"iam:UpdateAssumeRolePolicy", "iam:PassRole", "iam:CreateRole",
	"iam:DeleteUserPermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
	"iam:PutUserPermissionsBoundary", "iam:PutRolePermissionsBoundary",
	"iam:DetachUserPolicy", "iam:DetachRolePolicy", "iam:DeleteUserPolicy", "iam:DeleteRolePolicy",
	"sts:AssumeRole", "sso:AttachManagedPolicyToPermissionSet", "sso:PutInlinePolicyToPermissionSet",
	"lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration",
	"ssm:SendCommand", "ssm:StartSession", "ec2-instance-connect:SendSSHPublicKey",
	"codebuild:StartBuild", "codebuild:StartBuildBatch", "cloudformation:UpdateStack",
	"glue:UpdateDevEndpoint", "sagemaker:CreatePresignedNotebookInstanceUrl", "ecs:ExecuteCommand",
}

// exfiltration are reads that return secrets or stored data.
var exfiltration = []string{
	"s3:GetObject", "secretsmanager:GetSecretValue", "ssm:GetParameter*", "kms:Decrypt",
	"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan",
	"rds:DownloadDBLogFilePortion", "ecr:GetDownloadUrlForLayer", "lambda:GetFunction",
}

var (
	escalationPatterns   = patterns(escalation...)
	exfiltrationPatterns = patterns(exfiltration...)
)

func classify(a *iamdb.Action) Sensitivity {
	name := strings.ToLower(a.FullName())
	switch {
	case matchAny(escalationPatterns, name):
		return Critical
	case matchAny(exfiltrationPatterns, name):
		return High
	}
	switch a.Access.Primary() {
	case iamdb.AccessPermissionsManagement:
		return High
	case iamdb.AccessWrite, iamdb.AccessTagging:
		return Medium
	}
	return Low
}
