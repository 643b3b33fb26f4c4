package synth

import (
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// allow is a policy document allowing actions on resource.
func allow(resource string, actions ...string) string {
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[`
	for i, a := range actions {
		if i > 0 {
			doc += ","
		}
		doc += `"` + a + `"`
	}
	return doc + `],"Resource":"` + resource + `"}]}`
}

// trust is a trust policy letting service assume the role.
func trust(service string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + service + `"},"Action":"sts:AssumeRole"}]}`
}

var (
	old = day(2024, 3, 1)
	// mgmt and data events of the calls below, as CloudTrail names them.
	listBuckets       = Call{Source: "s3.amazonaws.com", Name: "ListBuckets"}
	describeInstances = Call{Source: "ec2.amazonaws.com", Name: "DescribeInstances"}
	describeVolumes   = Call{Source: "ec2.amazonaws.com", Name: "DescribeVolumes"}
	createSnapshot    = Call{Source: "ec2.amazonaws.com", Name: "CreateSnapshot"}
)

func n(c Call, count int) Call { c.Count = count; return c }

func denied(c Call, count int) Call {
	c.Error, c.Count = "Client.UnauthorizedOperation", count
	return c
}

// Account is the hand-written synthetic account: ten principals over a
// 30-day window ending 2026-11-01, one trail logging every management
// event and no data event, and an SCP denying s3:DeleteBucket. Every
// expectation below is written from the documented rules (docs/audit.md),
// not from the engine's output.
func Account() *Truth {
	const acct = "111122223333"
	return &Truth{
		Seed: 7, Account: acct, Region: "eu-west-1", End: day(2026, 11, 1), Days: 30, Org: "o-synth00001",
		SCP: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`,
		Managed: []Managed{
			{Name: "dev-boundary", Path: "/", Created: old, Document: allow("*", "ec2:*", "s3:*")},
			// Shared by app-a and app-b: neither may edit it for itself.
			{Name: "shared-snapshots", Path: "/", Created: old, Document: allow("*", "ec2:DescribeVolumes", "ec2:CreateSnapshot", "ec2:DeleteSnapshot")},
			// Written 7 days before the window's end: too new to judge.
			{Name: "report-metrics", Path: "/", Created: day(2026, 10, 25), Document: allow("*", "cloudwatch:GetMetricData")},
			// A fictional AWS managed policy: small enough to state by hand.
			{Name: "SyntheticLogsWriter", Path: "/", AWS: true, Created: day(2019, 6, 1), Document: allow("*", "logs:CreateLogGroup", "logs:CreateLogStream")},
			{Name: "AWSSupportServiceRolePolicy", Path: "/aws-service-role/", AWS: true, Created: day(2018, 4, 19), Document: allow("*", "iam:GetRole", "ec2:DescribeRegions", "s3:DeleteBucket")},
		},
		Principals: []Principal{
			{
				User: true, Activity: audit.StateUsed, Name: "dev", Created: old, AccessKeyUsed: day(2026, 10, 30),
				Boundary: "dev-boundary",
				Inline:   []Inline{{"dev-inline", allow("*", "s3:ListAllMyBuckets", "ec2:DescribeInstances", "ec2:TerminateInstances", "s3:DeleteBucket", "iam:CreateUser")}},
				Calls:    []Call{n(listBuckets, 20), n(describeInstances, 30), denied(Call{Source: "ec2.amazonaws.com", Name: "RunInstances"}, 2)},
				Used:     []string{"ec2:DescribeInstances", "s3:ListAllMyBuckets"}, Unused: []string{"ec2:TerminateInstances"},
				Dead:       []string{"iam:CreateUser", "s3:DeleteBucket"}, // the boundary, the SCP
				Denied:     []string{"ec2:RunInstances"},
				GapUnknown: []string{"ec2:TerminateInstances"}, Recommendation: rightsize.Rewrite,
			},
			{
				Activity: audit.StateUsed, Name: "app-a", Created: old, Trust: trust("ec2.amazonaws.com"), Attached: []string{"shared-snapshots"},
				Inline: []Inline{{"app-a-data", allow("arn:aws:s3:::synthetic-data/*", "s3:GetObject")}},
				// Its s3:GetObject calls are data events the trail does not log.
				Calls:      []Call{n(describeVolumes, 40), n(createSnapshot, 10)},
				Used:       []string{"ec2:CreateSnapshot", "ec2:DescribeVolumes"},
				Unused:     []string{"ec2:DeleteSnapshot"},
				Unknown:    map[string][]audit.UnknownReason{"s3:GetObject": {audit.ReasonDataEventsNotLogged}},
				GapUnknown: []string{"ec2:DeleteSnapshot"}, Recommendation: rightsize.DetachAndCreate, Detach: []string{"shared-snapshots"},
			},
			{
				Activity: audit.StateUsed, Name: "app-b", Created: old, Trust: trust("ec2.amazonaws.com"), Attached: []string{"shared-snapshots"},
				// Denied calls are attempts, not use.
				Calls:      []Call{n(describeVolumes, 15), denied(createSnapshot, 3)},
				Used:       []string{"ec2:DescribeVolumes"},
				Unused:     []string{"ec2:CreateSnapshot", "ec2:DeleteSnapshot"},
				Denied:     []string{"ec2:CreateSnapshot"},
				GapUnknown: []string{"ec2:CreateSnapshot", "ec2:DeleteSnapshot"}, Recommendation: rightsize.DetachAndCreate, Detach: []string{"shared-snapshots"},
			},
			{
				Activity: audit.StateUsed, Name: "deployer", Created: old, Trust: trust("codebuild.amazonaws.com"),
				Inline: []Inline{{"deploy", allow("*", "iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction", "lambda:GetFunction")}},
				Calls: []Call{n(Call{Source: "lambda.amazonaws.com", Name: "CreateFunction20150331"}, 5),
					n(Call{Source: "lambda.amazonaws.com", Name: "GetFunction20150331v2"}, 8)},
				Used: []string{"lambda:CreateFunction", "lambda:GetFunction"},
				Unknown: map[string][]audit.UnknownReason{
					"iam:PassRole":          {audit.ReasonNotLogged},
					"lambda:InvokeFunction": {audit.ReasonDataEventsNotLogged},
				},
				// Every call named its function: the used actions are
				// scoped to it, the unknown ones keep "*".
				Recommendation: rightsize.Rewrite,
			},
			{
				Activity: audit.StateUsed, Name: "admin", Created: old, Trust: trust("lambda.amazonaws.com"), Attached: []string{"SyntheticLogsWriter"},
				// iam:PutRolePolicy on itself: it can grant itself anything.
				Inline: []Inline{{"admin-iam", allow("*", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:GetRole")}},
				Calls:  []Call{n(Call{Source: "iam.amazonaws.com", Name: "GetRole"}, 3), n(Call{Source: "logs.amazonaws.com", Name: "CreateLogStream"}, 6)},
				Used:   []string{"iam:GetRole", "logs:CreateLogStream"}, Unused: []string{"iam:AttachRolePolicy", "iam:PutRolePolicy", "logs:CreateLogGroup"},
				GapUnknown: []string{"iam:AttachRolePolicy", "iam:PutRolePolicy", "logs:CreateLogGroup"}, Admin: true,
				// An AWS managed policy cannot be edited: detached.
				Recommendation: rightsize.DetachAndCreate, Detach: []string{"SyntheticLogsWriter"},
			},
			{
				// Created 22 days before the window's end: younger than the
				// window, yet its grants are older than 14 days.
				Activity: audit.StateUnknown, Name: "new-role", Created: day(2026, 10, 10), Trust: trust("ec2.amazonaws.com"),
				Inline: []Inline{{"new", allow("*", "sns:ListTopics", "sns:CreateTopic")}},
				Unknown: map[string][]audit.UnknownReason{
					"sns:CreateTopic": {audit.ReasonPrincipalTooNew},
					"sns:ListTopics":  {audit.ReasonPrincipalTooNew},
				},
				Recommendation: rightsize.Keep,
			},
			{
				Activity: audit.StateUsed, Name: "reporter", Created: old, Trust: trust("ec2.amazonaws.com"), Attached: []string{"report-metrics"},
				Inline: []Inline{{"report-list", allow("*", "cloudwatch:ListMetrics")}},
				Calls:  []Call{n(Call{Source: "monitoring.amazonaws.com", Name: "ListMetrics"}, 12)},
				Used:   []string{"cloudwatch:ListMetrics"}, TooNew: []string{"cloudwatch:GetMetricData"},
				Recommendation: rightsize.Keep,
			},
			{
				Activity: audit.StateUnused, Name: "old-batch", Created: day(2023, 1, 15), Trust: trust("ec2.amazonaws.com"),
				Inline:     []Inline{{"batch", allow("*", "batch:SubmitJob", "batch:DescribeJobs")}},
				Unused:     []string{"batch:DescribeJobs", "batch:SubmitJob"},
				GapUnknown: []string{"batch:DescribeJobs", "batch:SubmitJob"}, Recommendation: rightsize.Remove,
			},
			{
				Activity: audit.StateUsed, Name: "AWSServiceRoleForSupport", Path: "/aws-service-role/support.amazonaws.com/", Created: day(2022, 5, 1),
				Trust: trust("support.amazonaws.com"), Attached: []string{"AWSSupportServiceRolePolicy"},
				Calls: []Call{n(Call{Source: "iam.amazonaws.com", Name: "GetRole"}, 4)},
				Used:  []string{"iam:GetRole"},
				// SCPs do not apply to service-linked roles: s3:DeleteBucket
				// is live (research §6.2).
				Unused: []string{"ec2:DescribeRegions", "s3:DeleteBucket"},
				// A service-linked role is reported, never rewritten.
				GapUnknown: []string{"ec2:DescribeRegions", "s3:DeleteBucket"}, Recommendation: rightsize.Keep,
			},
			{
				Activity: audit.StateUsed, Name: "AWSReservedSSO_Operators_0123456789abcdef", Path: "/aws-reserved/sso.amazonaws.com/eu-west-1/", Created: old,
				Trust:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::` + acct + `:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]}`,
				Inline: []Inline{{"AwsSSOInlinePolicy", allow("*", "ec2:DescribeInstances", "ec2:StopInstances")}},
				Calls:  []Call{n(describeInstances, 9)},
				Used:   []string{"ec2:DescribeInstances"}, Unused: []string{"ec2:StopInstances"},
				// Rewritten in the permission set, not on the role.
				GapUnknown: []string{"ec2:StopInstances"}, Recommendation: rightsize.Rewrite, AddressTo: "Operators",
			},
		},
		Paths: []Path{{From: "deployer", To: "admin", Via: []string{"iam:PassRole+lambda:CreateFunction+lambda:InvokeFunction"}}},
	}
}
