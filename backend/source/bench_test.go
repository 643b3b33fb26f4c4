package source

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/internal/corpus"
)

// template200 builds a CloudFormation YAML template of 200 resources as
// services write them: roles with trust and inline policies, managed
// policies, bucket policies and queues, full of short-form intrinsics.
func template200() []byte {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Stage:\n    Type: String\nResources:\n")
	for i := range 50 {
		fmt.Fprintf(&b, `  Bucket%[1]d:
    Type: AWS::S3::Bucket
  Bucket%[1]dPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket%[1]d
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Sid: DenyInsecureTransport
            Effect: Deny
            Principal: '*'
            Action: 's3:*'
            Resource:
              - !GetAtt Bucket%[1]d.Arn
              - !Sub '${Bucket%[1]d.Arn}/*'
            Condition:
              Bool:
                aws:SecureTransport: false
  Role%[1]d:
    Type: AWS::IAM::Role
    Properties:
      PermissionsBoundary: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/Boundary
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: lambda.amazonaws.com
            Action: sts:AssumeRole
      Policies:
        - PolicyName: data
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, s3:PutObject, s3:DeleteObject]
                Resource: !Join ['', [!GetAtt Bucket%[1]d.Arn, /data/*]]
              - Effect: Allow
                Action: [logs:CreateLogStream, logs:PutLogEvents]
                Resource: !Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/fn-%[1]d-${Stage}:*
  Policy%[1]d:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Role%[1]d]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: [sqs:SendMessage, sqs:ReceiveMessage, sqs:DeleteMessage]
            Resource: !Sub arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:queue-%[1]d
            Condition:
              StringEquals:
                aws:RequestedRegion: !Ref AWS::Region
`, i)
	}
	return []byte(b.String())
}

func BenchmarkExtractCloudFormation200(b *testing.B) {
	src := template200()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		docs, err := Extract("t.yaml", src, Options{})
		if err != nil || len(docs) != 200 {
			b.Fatalf("Extract: %d documents, %v; want 200", len(docs), err)
		}
	}
}

// BenchmarkExtractCorpus reads the 1,594 AWS managed policies as aegis
// validate reads files: detecting the format and the kind, then parsing.
func BenchmarkExtractCorpus(b *testing.B) {
	policies, err := corpus.ManagedPolicies()
	if err != nil {
		b.Fatal(err)
	}
	size := 0
	for _, mp := range policies {
		size += len(mp.Document)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, mp := range policies {
			docs, err := Extract(mp.Name+".json", mp.Document, Options{})
			if err != nil || len(docs) != 1 || docs[0].Document == nil {
				b.Fatalf("%s: %d documents, %v", mp.Name, len(docs), err)
			}
		}
	}
}
