package main

import (
	"path/filepath"
	"testing"
)

// TestGenerateCLI covers each output format, questions and their answers,
// templates and usage errors, against golden files.
func TestGenerateCLI(t *testing.T) {
	isolateCache(t)
	const seed = "Lambda function that reads from DynamoDB table 'users' and writes to S3 bucket 'uploads'"
	tests := []struct {
		name string
		args []string
	}{
		{"seed-json", []string{"generate", seed}},
		{"seed-text", []string{"generate", seed, "--format", "text"}},
		{"seed-terraform", []string{"generate", seed, "--format", "terraform"}},
		{"seed-cloudformation", []string{"generate", seed, "--format", "cloudformation"}},
		{"pinned-account-region", []string{"generate", seed, "--account", "123456789012", "--region", "eu-west-1", "--format", "text"}},
		{"user-terraform", []string{"generate", "Read-only access to S3 bucket 'finance-reports' for the IAM user alice", "--format", "terraform", "--name", "finance-readers"}},
		{"user-cloudformation", []string{"generate", "Read-only access to S3 bucket 'finance-reports' for the IAM user alice", "--format", "cloudformation", "--name", "finance-readers"}},
		{"missing-bucket-json", []string{"generate", "Lambda function that writes to an S3 bucket"}},
		{"missing-bucket-text", []string{"generate", "Lambda function that writes to an S3 bucket", "--format", "text"}},
		{"missing-bucket-terraform", []string{"generate", "Lambda function that writes to an S3 bucket", "--format", "terraform"}},
		{"answered", []string{"generate", "Lambda function that writes to an S3 bucket", "--answer", "resources.0.name=uploads", "--format", "text"}},
		{"dynamodb-write-question", []string{"generate", "Lambda that writes to DynamoDB table 'sessions'", "--format", "text"}},
		{"bad-region", []string{"generate", seed, "--region", "us-five-1", "--format", "text"}},
		{"github-oidc", []string{"generate", "GitHub Actions in repo acme/site that uploads to S3 bucket 'acme-site'", "--account", "123456789012", "--format", "text"}},
		{"template", []string{"generate", "--template", "lambda-sqs-worker", "--param", "queue=orders", "--format", "text"}},
		{"list-templates", []string{"generate", "--list-templates", "--format", "text"}},
		{"llm-unknown", []string{"generate", seed, "--llm", "gpt"}},
		{"bad-format", []string{"generate", seed, "--format", "yaml"}},
		{"bad-answer", []string{"generate", seed, "--answer", "nonsense"}},
		{"no-description", []string{"generate"}},
		{"unknown-template", []string{"generate", "--template", "nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, filepath.Join("generate", tt.name+".golden"), runCLI(t, tt.args))
		})
	}
}
