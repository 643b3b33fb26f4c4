package awsapi

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// ResourcePolicy is one resource's resource-based policy as the offline
// importer reads it (docs/bundle.md): the ARN and the policy as the
// service returns it, a JSON string.
type ResourcePolicy struct {
	ARN    string `json:"Arn"`
	Policy string `json:"Policy"`
}

// The services whose resource-based policies ResourceReader reads.
const (
	ServiceS3             = "s3"
	ServiceKMS            = "kms"
	ServiceSQS            = "sqs"
	ServiceSNS            = "sns"
	ServiceLambda         = "lambda"
	ServiceSecretsManager = "secretsmanager"
	ServiceECR            = "ecr"
)

// ResourceServices are the services, in reading order. S3 is global (its
// buckets are listed once, whatever the region); the others are regional.
var ResourceServices = []string{ServiceS3, ServiceKMS, ServiceSQS, ServiceSNS, ServiceLambda, ServiceSecretsManager, ServiceECR}

// ResourcePermissions are the IAM actions ResourceReader's calls need.
var ResourcePermissions = []string{
	"s3:ListAllMyBuckets", "s3:GetBucketPolicy",
	"kms:ListKeys", "kms:GetKeyPolicy",
	"sqs:ListQueues", "sqs:GetQueueAttributes",
	"sns:ListTopics", "sns:GetTopicAttributes",
	"lambda:ListFunctions", "lambda:GetPolicy",
	"secretsmanager:ListSecrets", "secretsmanager:GetResourcePolicy",
	"ecr:DescribeRepositories", "ecr:GetRepositoryPolicy",
}

// ResourceReader reads the resource-based policies of one region's
// resources with read-only calls. A resource without a policy is left
// out; a refused call fails the service's read (the caller records the
// service and region as a gap).
type ResourceReader struct {
	cfg aws.Config
}

// Resources is a resource-policy reader for the session's region.
func (s Session) Resources() *ResourceReader { return &ResourceReader{cfg: s.cfg} }

// ErrUnknownService says a service is not one of ResourceServices.
var ErrUnknownService = errors.New("not a service whose resource policies Aegis reads")

// Policies returns the resource-based policies of service's resources in
// the reader's region (every bucket's, for S3).
func (r *ResourceReader) Policies(ctx context.Context, service string) ([]ResourcePolicy, error) {
	read := map[string]func(context.Context) ([]ResourcePolicy, error){
		ServiceS3: r.s3, ServiceKMS: r.kms, ServiceSQS: r.sqs, ServiceSNS: r.sns,
		ServiceLambda: r.lambda, ServiceSecretsManager: r.secrets, ServiceECR: r.ecr,
	}[service]
	if read == nil {
		return nil, fmt.Errorf("%q: %w", service, ErrUnknownService)
	}
	out, err := read(ctx)
	if out == nil {
		out = []ResourcePolicy{}
	}
	return out, err
}

// noPolicy reports whether err is the service saying the resource has no
// policy, which is a fact, not a failure.
func noPolicy(err error, codes ...string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && slices.Contains(codes, ae.ErrorCode())
}

// add appends the policy of arn unless it is empty.
func add(out []ResourcePolicy, arn string, policy *string) []ResourcePolicy {
	if aws.ToString(policy) == "" {
		return out
	}
	return append(out, ResourcePolicy{ARN: arn, Policy: *policy})
}

func (r *ResourceReader) s3(ctx context.Context) ([]ResourcePolicy, error) {
	client := s3.NewFromConfig(r.cfg)
	var out []ResourcePolicy
	pages := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("s3 ListBuckets: %w", err)
		}
		for _, b := range page.Buckets {
			name := aws.ToString(b.Name)
			p, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b.Name}, func(o *s3.Options) {
				if reg := aws.ToString(b.BucketRegion); reg != "" {
					o.Region = reg
				}
			})
			if noPolicy(err, "NoSuchBucketPolicy") {
				continue
			}
			if err != nil {
				return out, fmt.Errorf("s3 GetBucketPolicy %s: %w", name, err)
			}
			out = add(out, "arn:aws:s3:::"+name, p.Policy)
		}
	}
	return out, nil
}

func (r *ResourceReader) kms(ctx context.Context) ([]ResourcePolicy, error) {
	client := kms.NewFromConfig(r.cfg)
	var out []ResourcePolicy
	pages := kms.NewListKeysPaginator(client, &kms.ListKeysInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("kms ListKeys: %w", err)
		}
		for _, k := range page.Keys {
			p, err := client.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: k.KeyArn})
			if err != nil {
				return out, fmt.Errorf("kms GetKeyPolicy %s: %w", aws.ToString(k.KeyArn), err)
			}
			out = add(out, aws.ToString(k.KeyArn), p.Policy)
		}
	}
	return out, nil
}

func (r *ResourceReader) sqs(ctx context.Context) ([]ResourcePolicy, error) {
	client := sqs.NewFromConfig(r.cfg)
	var out []ResourcePolicy
	pages := sqs.NewListQueuesPaginator(client, &sqs.ListQueuesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("sqs ListQueues: %w", err)
		}
		for _, url := range page.QueueUrls {
			a, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
				AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNamePolicy, sqstypes.QueueAttributeNameQueueArn}})
			if err != nil {
				return out, fmt.Errorf("sqs GetQueueAttributes %s: %w", url, err)
			}
			policy := a.Attributes[string(sqstypes.QueueAttributeNamePolicy)]
			out = add(out, a.Attributes[string(sqstypes.QueueAttributeNameQueueArn)], &policy)
		}
	}
	return out, nil
}

func (r *ResourceReader) sns(ctx context.Context) ([]ResourcePolicy, error) {
	client := sns.NewFromConfig(r.cfg)
	var out []ResourcePolicy
	pages := sns.NewListTopicsPaginator(client, &sns.ListTopicsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("sns ListTopics: %w", err)
		}
		for _, t := range page.Topics {
			a, err := client.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: t.TopicArn})
			if err != nil {
				return out, fmt.Errorf("sns GetTopicAttributes %s: %w", aws.ToString(t.TopicArn), err)
			}
			policy := a.Attributes["Policy"]
			out = add(out, aws.ToString(t.TopicArn), &policy)
		}
	}
	return out, nil
}

func (r *ResourceReader) lambda(ctx context.Context) ([]ResourcePolicy, error) {
	client := lambda.NewFromConfig(r.cfg)
	var out []ResourcePolicy
	pages := lambda.NewListFunctionsPaginator(client, &lambda.ListFunctionsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("lambda ListFunctions: %w", err)
		}
		for _, f := range page.Functions {
			p, err := client.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: f.FunctionArn})
			var nf *lambdatypes.ResourceNotFoundException
			if errors.As(err, &nf) {
				continue
			}
			if err != nil {
				return out, fmt.Errorf("lambda GetPolicy %s: %w", aws.ToString(f.FunctionArn), err)
			}
			out = add(out, aws.ToString(f.FunctionArn), p.Policy)
		}
	}
	return out, nil
}

func (r *ResourceReader) secrets(ctx context.Context) ([]ResourcePolicy, error) {
	client := secretsmanager.NewFromConfig(r.cfg)
	var out []ResourcePolicy
	pages := secretsmanager.NewListSecretsPaginator(client, &secretsmanager.ListSecretsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("secretsmanager ListSecrets: %w", err)
		}
		for _, s := range page.SecretList {
			p, err := client.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: s.ARN})
			if err != nil {
				return out, fmt.Errorf("secretsmanager GetResourcePolicy %s: %w", aws.ToString(s.ARN), err)
			}
			out = add(out, aws.ToString(s.ARN), p.ResourcePolicy)
		}
	}
	return out, nil
}

func (r *ResourceReader) ecr(ctx context.Context) ([]ResourcePolicy, error) {
	client := ecr.NewFromConfig(r.cfg)
	var out []ResourcePolicy
	pages := ecr.NewDescribeRepositoriesPaginator(client, &ecr.DescribeRepositoriesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return out, fmt.Errorf("ecr DescribeRepositories: %w", err)
		}
		for _, repo := range page.Repositories {
			p, err := client.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: repo.RepositoryName})
			var nf *ecrtypes.RepositoryPolicyNotFoundException
			if errors.As(err, &nf) {
				continue
			}
			if err != nil {
				return out, fmt.Errorf("ecr GetRepositoryPolicy %s: %w", aws.ToString(repo.RepositoryName), err)
			}
			out = add(out, aws.ToString(repo.RepositoryArn), p.PolicyText)
		}
	}
	return out, nil
}
