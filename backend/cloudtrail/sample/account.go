package sample

import "github.com/aegis-iam/aegis/backend/cloudtrail/ctgen/synth"

// VendorAccount is the third-party account the sample's vendor role
// trusts: what the audit reports as external access.
const VendorAccount = "444455556666"

// Account returns the sample account: the synthetic account of
// ctgen/synth (whose truth its tests check the audit against) with a CI
// user that can escalate to an admin role through Lambda, a data pipeline
// role, a vendor's cross-account audit role and an unused break-glass user
// holding all of IAM, EC2 and S3.
func Account() *synth.Truth {
	t := synth.Account()
	old := day(2024, 3, 1)
	lambda := func(name string, count int) synth.Call {
		return synth.Call{Source: "lambda.amazonaws.com", Name: name, Count: count}
	}
	t.Principals = append(t.Principals,
		synth.Principal{
			User: true, Name: "ci-runner", Path: "/automation/", Created: old, AccessKeyUsed: day(2026, 10, 31),
			Inline: []synth.Inline{{Name: "ci-deploy", Document: `{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"Deploy","Effect":"Allow","Action":["lambda:CreateFunction","lambda:UpdateFunctionCode","lambda:InvokeFunction","lambda:GetFunction","iam:PassRole"],"Resource":"*"},` +
				`{"Sid":"Artifacts","Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:PutObject","s3:DeleteBucket"],"Resource":"*"}]}`}},
			Calls: []synth.Call{lambda("UpdateFunctionCode20150331v2", 14), lambda("GetFunction20150331v2", 28),
				{Source: "s3.amazonaws.com", Name: "ListBuckets", Count: 30}},
		},
		synth.Principal{
			Name: "data-pipeline", Path: "/service/", Created: old,
			Trust:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			Inline: []synth.Inline{{Name: "catalog", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["glue:GetDatabase","glue:GetTable","glue:StartJobRun","glue:DeleteTable","glue:DeleteDatabase"],"Resource":"*"}]}`}},
			Calls: []synth.Call{{Source: "glue.amazonaws.com", Name: "GetTable", Count: 200}, {Source: "glue.amazonaws.com", Name: "GetDatabase", Count: 80},
				{Source: "glue.amazonaws.com", Name: "StartJobRun", Count: 30}},
		},
		synth.Principal{
			Name: "vendor-audit", Path: "/external/", Created: old,
			Trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + VendorAccount + `:root"},"Action":"sts:AssumeRole",` +
				`"Condition":{"StringEquals":{"sts:ExternalId":"vendor-7f3a"}}}]}`,
			Inline: []synth.Inline{{Name: "read-config", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetAccountAuthorizationDetails","iam:GetCredentialReport","cloudtrail:DescribeTrails","cloudtrail:GetEventSelectors"],"Resource":"*"}]}`}},
			Calls: []synth.Call{{Source: "iam.amazonaws.com", Name: "GetAccountAuthorizationDetails", Count: 4},
				{Source: "cloudtrail.amazonaws.com", Name: "DescribeTrails", Count: 4}},
		},
		synth.Principal{
			User: true, Name: "break-glass", Created: day(2022, 2, 14),
			Inline: []synth.Inline{{Name: "emergency-access", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","ec2:*","s3:*"],"Resource":"*"}]}`}},
		},
	)
	return t
}
