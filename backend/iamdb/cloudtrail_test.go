package iamdb

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEvent(t *testing.T) {
	db := embeddedDB(t)
	tests := []struct {
		source, event string
		ok            bool
		want          EventMapping
	}{
		{"s3.amazonaws.com", "GetObject", true, EventMapping{Prefix: "s3", Actions: []string{"s3:GetObject"}, Rule: "same-name"}},
		{"s3.amazonaws.com", "ListObjectsV2", true, EventMapping{Prefix: "s3", Actions: []string{"s3:ListBucket"}, Rule: "rule"}},
		{"s3.amazonaws.com", "HeadObject", true, EventMapping{Prefix: "s3", Actions: []string{"s3:GetObject"}, Rule: "rule"}},
		{"s3.amazonaws.com", "DeleteBucketReplication", true, EventMapping{Prefix: "s3", Actions: []string{"s3:PutReplicationConfiguration"}, Rule: "rule"}},
		{"s3.amazonaws.com", "DeleteBucketCors", true, EventMapping{Prefix: "s3", Actions: []string{"s3:PutBucketCORS"}, Rule: "rule"}},
		{"monitoring.amazonaws.com", "PutMetricData", true, EventMapping{Prefix: "cloudwatch", Actions: []string{"cloudwatch:PutMetricData"}, Rule: "same-name"}},
		{"email.amazonaws.com", "SendEmail", true, EventMapping{Prefix: "ses", Actions: []string{"ses:SendEmail"}, Rule: "same-name"}},
		{"lambda.amazonaws.com", "UpdateFunctionCode20150331v2", true, EventMapping{Prefix: "lambda", Actions: []string{"lambda:UpdateFunctionCode"}, Rule: "version-suffix"}},
		{"lambda.amazonaws.com", "Invoke", true, EventMapping{Prefix: "lambda", Actions: []string{"lambda:InvokeFunction"}, Rule: "rule"}},
		{"cloudfront.amazonaws.com", "CreateDistribution2020_05_31", true, EventMapping{Prefix: "cloudfront", Actions: []string{"cloudfront:CreateDistribution"}, Rule: "version-suffix"}},
		{"kms.amazonaws.com", "ReEncrypt", true, EventMapping{Prefix: "kms", Actions: []string{"kms:ReEncryptFrom", "kms:ReEncryptTo"}, Rule: "rule"}},
		{"dynamodb.amazonaws.com", "ExecuteStatement", true, EventMapping{Prefix: "dynamodb", Kind: EventAnyOf, Rule: "rule",
			Actions: []string{"dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"}}},
		{"apigateway.amazonaws.com", "GetRestApis", true, EventMapping{Prefix: "apigateway", Actions: []string{"apigateway:GET"}, Rule: "rule"}},
		{"apigateway.amazonaws.com", "CreateDeployment", true, EventMapping{Prefix: "apigateway", Actions: []string{"apigateway:POST"}, Rule: "rule"}},
		{"budgets.amazonaws.com", "DescribeBudgets", true, EventMapping{Prefix: "budgets", Actions: []string{"budgets:ViewBudget"}, Rule: "rule"}},
		{"sts.amazonaws.com", "GetCallerIdentity", true, EventMapping{Prefix: "sts", Kind: EventNoAction, Rule: "rule"}},
		{"signin.amazonaws.com", "ConsoleLogin", true, EventMapping{Prefix: "signin", Kind: EventNoAction, Rule: "rule"}},
		{"STS.AMAZONAWS.COM", "AssumeRole", true, EventMapping{Prefix: "sts", Actions: []string{"sts:AssumeRole"}, Rule: "same-name"}},
		{"s3.amazonaws.com", "NoSuchEvent", false, EventMapping{}},
		{"unknown.amazonaws.com", "GetThing", false, EventMapping{}},
		{"s3.example.com", "GetObject", false, EventMapping{}},
		{"s3.amazonaws.com", "", false, EventMapping{}},
		{"lambda.amazonaws.com", "20150331", false, EventMapping{}},
	}
	for _, tt := range tests {
		got, ok := db.Event(tt.source, tt.event)
		if ok != tt.ok || !cmp.Equal(got, tt.want) {
			t.Errorf("Event(%q, %q) = %+v, %v; want %+v, %v", tt.source, tt.event, got, ok, tt.want, tt.ok)
		}
		acts, ok := db.EventActions(tt.source, tt.event)
		if ok != tt.ok || !cmp.Equal(acts, tt.want.Actions) {
			t.Errorf("EventActions(%q, %q) = %v, %v", tt.source, tt.event, acts, ok)
		}
	}
}
