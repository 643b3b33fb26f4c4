package iamdb

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMatchARN(t *testing.T) {
	db := embeddedDB(t)
	tests := []struct {
		name   string
		action string
		arn    string
		want   []string // resource type names, in the action's order
	}{
		{"object", "s3:GetObject", "arn:aws:s3:::my-bucket/photos/2024/cat.jpg", []string{"object"}},
		{"object key with colon", "s3:GetObject", "arn:aws:s3:::my-bucket/a:b:c", []string{"object"}},
		{"object wildcard", "s3:GetObject", "arn:aws:s3:::my-bucket/*", []string{"object"}},
		{"access point object", "s3:GetObject", "arn:aws:s3:us-east-1:123456789012:accesspoint/ap1/object/k/e:y", []string{"accesspointobject"}},
		{"bucket is not an object", "s3:GetObject", "arn:aws:s3:::my-bucket", nil},
		{"bucket", "s3:ListBucket", "arn:aws:s3:::my-bucket", []string{"bucket"}},
		{"object is not a bucket", "s3:ListBucket", "arn:aws:s3:::my-bucket/key", nil},
		{"star covers everything", "s3:GetObject", "*", []string{"accesspointobject", "object"}},
		{"question mark", "s3:ListBucket", "arn:aws:s3:::bucket-?", []string{"bucket"}},
		{"other service", "s3:GetObject", "arn:aws:ec2:us-east-1:123456789012:instance/i-1", nil},
		{"other partition", "s3:ListBucket", "arn:aws-cn:s3:::b", []string{"bucket"}},
		{"role with path", "iam:PassRole", "arn:aws:iam::123456789012:role/service-role/MyRole", []string{"role"}},
		{"region must be empty for iam", "iam:PassRole", "arn:aws:iam:us-east-1:123456789012:role/MyRole", nil},
		{"empty account field does not fill ${Account}", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1::function:f", nil},
		{"log group", "logs:DeleteLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:app", []string{"log-group"}},
		{"log stream", "logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s1", []string{"log-stream"}},
		{"log group with trailing star", "logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:app:*", []string{"log-stream"}},
		{"lambda function", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:my-fn", []string{"function"}},
		{"lambda qualified", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:my-fn:prod", nil},
		{"api gateway path", "apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod", []string{"Stage"}},
		{"api gateway rest api", "apigateway:DELETE", "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3", []string{"RestApi"}},
		{"api gateway collection", "apigateway:GET", "arn:aws:apigateway:eu-west-1::/restapis/abc/stages", []string{"Stages"}},
		{"log group with slashes", "logs:DeleteLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn", []string{"log-group"}},
		{"bucket wildcard is not an object-only match", "s3:ListBucket", "arn:aws:s3:::my-bucket/*", nil},
		{"secret name with slashes", "secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbCdEf", []string{"Secret"}},
		{"queue", "sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:jobs", []string{"queue"}},
		{"dms literal star format", "dms:DeleteCertificate", "arn:aws:dms:us-east-1:123456789012:cert:ABC", []string{"Certificate"}},
		{"bedrock model id with colon", "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0", []string{"foundation-model"}},
		{"bedrock inference profile with colon", "bedrock:InvokeModel", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0", []string{"inference-profile"}},
		{"ec2 instance is one segment", "ec2:StartInstances", "arn:aws:ec2:us-east-1:123456789012:instance/i-1/x", nil},
		{"wildcard-only action", "dms:DescribeCertificates", "arn:aws:dms:us-east-1:123456789012:cert:ABC", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := db.Action(tt.action)
			if !ok {
				t.Fatalf("action %s missing", tt.action)
			}
			var got []string
			for _, r := range db.ResourceTypesFor(a, tt.arn) {
				got = append(got, r.Type.Name)
			}
			if !cmp.Equal(got, tt.want) {
				t.Errorf("ResourceTypesFor(%s, %q) = %v, want %v", tt.action, tt.arn, got, tt.want)
			}
		})
	}
}

func TestMatcher(t *testing.T) {
	tests := []struct {
		format, arn string
		want        bool
	}{
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/k:1", true},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/", false},
		{"arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::/k", false},
		{"arn:${Partition}:dms:${Region}:${Account}:cert:*", "arn:aws:dms:r:1:cert:", true},
		{"arn:${Partition}:dms:${Region}:${Account}:cert:*", "arn:aws:dms:r:1:cert:a:b", true},
		{"arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}", "arn:aws:logs:r:1:log-group:a:b", false},
		{"arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}", "arn:aws:logs:r:1:log-group:a*", true},
		{"arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}", "arn:aws:logs:*", true},
		{"arn:${Partition}:${Vendor}:${Region}:*:${ResourceType}:${RecoveryPointId}", "arn:aws:ec2:r:1:snapshot:s-1", true},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "arn:aws:iam::1:role/a/b/c", true},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "arn:aws:iam::*:role/*", true},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "arn:aws:iam::1:user/x", false},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "arn:aws:iam::1:role/?", true},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "", false},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", "**", true},
		{"arn:${Partition}:iam::${Account}:role/${RoleNameWithPath", "arn:aws:iam::1:role/${RoleNameWithPath", true},
	}
	for _, tt := range tests {
		if got := compileARNFormat(tt.format).match(tt.arn); got != tt.want {
			t.Errorf("format %q match(%q) = %v, want %v", tt.format, tt.arn, got, tt.want)
		}
	}
}

// FuzzMatchARN checks that matching never panics and that a concrete ARN
// matches its own pattern generalisation "*".
func FuzzMatchARN(f *testing.F) {
	f.Add("arn:${Partition}:s3:::${BucketName}/${ObjectName}", "arn:aws:s3:::b/k")
	f.Add("arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}", "arn:aws:logs:*:*:log-group:a?")
	f.Add("arn:${Partition}:dms:${Region}:${Account}:cert:*", "arn:aws:dms:r:1:cert:x")
	f.Fuzz(func(t *testing.T, format, arn string) {
		m := compileARNFormat(format)
		got := m.match(arn)
		if got && !m.match("*") {
			t.Errorf("format %q matches %q but not *", format, arn)
		}
	})
}
