package generate

import (
	"sort"
	"strings"
)

// kind is one kind of resource the engine knows how to talk about: the words
// that name it in English, the IAM resource types that hold it and the
// curated verb → action table. A verb missing from the table falls back to
// the IAM database's access levels (see actionsFor).
type kind struct {
	service string   // IAM prefix
	types   []string // IAM database resource types; the first is the named resource
	noun    string   // "S3 bucket", used in explanations and questions
	words   []string // lower-case phrases that mention it, most specific first
	// verbs maps each verb to actions: "Name" in the kind's service or
	// "prefix:Name" for another service's action.
	verbs map[Verb][]string
	// unnamed marks kinds whose actions name no resource (CloudWatch
	// metrics, X-Ray): their actions are granted on "*".
	unnamed bool
	// nameKey is the condition key that scopes an unnamed kind's actions
	// by name instead (cloudwatch:namespace for metrics).
	nameKey string
	// nameRule checks a name; empty means the generic rule.
	nameRule func(string) string
	// passTo is the service principal a role passed alongside this kind is
	// passed to (iam:PassedToService).
	passTo string
	// principal is the principal kind the same words name at the start of a
	// description ("Lambda function that reads..."), if any.
	principal PrincipalKind
}

// kinds is the catalogue. Order matters only for ties between phrases of
// equal length: the earlier kind wins.
var kinds = []*kind{
	{service: "s3", types: []string{"bucket", "object"}, noun: "S3 bucket",
		words: []string{"s3 bucket", "s3 buckets", "bucket", "buckets", "s3"},
		verbs: map[Verb][]string{
			VerbRead:   {"GetObject", "ListBucket"},
			VerbList:   {"ListBucket"},
			VerbWrite:  {"PutObject"},
			VerbUpdate: {"PutObject"},
			VerbDelete: {"DeleteObject"},
			VerbManage: {"GetBucketLocation", "GetBucketPolicy", "PutBucketPolicy", "GetBucketVersioning", "PutBucketVersioning",
				"GetLifecycleConfiguration", "PutLifecycleConfiguration", "GetBucketTagging", "PutBucketTagging"},
		},
		nameRule: bucketNameProblem},
	{service: "dynamodb", types: []string{"stream"}, noun: "DynamoDB stream",
		words: []string{"dynamodb stream", "dynamodb streams", "table stream", "ddb stream"},
		verbs: map[Verb][]string{
			VerbRead:    {"DescribeStream", "GetRecords", "GetShardIterator"},
			VerbConsume: {"DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"},
			VerbList:    {"ListStreams"},
		},
		nameRule: dynamoNameProblem},
	{service: "dynamodb", types: []string{"table", "index"}, noun: "DynamoDB table",
		words: []string{"dynamodb table", "dynamodb tables", "dynamo table", "ddb table", "dynamodb", "dynamo", "ddb", "table", "tables"},
		verbs: map[Verb][]string{
			VerbRead:   {"GetItem", "BatchGetItem", "DescribeTable"},
			VerbQuery:  {"Query"},
			VerbScan:   {"Scan"},
			VerbWrite:  {"PutItem"},
			VerbUpdate: {"UpdateItem"},
			VerbDelete: {"DeleteItem"},
			VerbList:   {"ListTables", "DescribeTable"},
			VerbManage: {"CreateTable", "UpdateTable", "DeleteTable", "DescribeTable", "DescribeTimeToLive", "UpdateTimeToLive",
				"TagResource", "UntagResource", "ListTagsOfResource"},
		},
		nameRule: dynamoNameProblem},
	{service: "sqs", types: []string{"queue"}, noun: "SQS queue",
		words: []string{"sqs queue", "sqs queues", "sqs", "queue", "queues"},
		verbs: map[Verb][]string{
			VerbRead:    {"ReceiveMessage", "GetQueueAttributes", "GetQueueUrl"},
			VerbConsume: {"ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl"},
			VerbPublish: {"SendMessage", "GetQueueUrl"},
			VerbWrite:   {"SendMessage", "GetQueueUrl"},
			VerbDelete:  {"DeleteMessage"},
			VerbList:    {"ListQueues"},
			VerbManage:  {"CreateQueue", "DeleteQueue", "SetQueueAttributes", "GetQueueAttributes", "TagQueue", "UntagQueue", "ListQueueTags"},
		},
		nameRule: queueNameProblem},
	{service: "sns", types: []string{"topic"}, noun: "SNS topic",
		words: []string{"sns topic", "sns topics", "sns", "topic", "topics"},
		verbs: map[Verb][]string{
			VerbPublish: {"Publish"},
			VerbWrite:   {"Publish"},
			VerbRead:    {"GetTopicAttributes"},
			VerbConsume: {"Subscribe"},
			VerbList:    {"ListTopics", "ListSubscriptionsByTopic"},
			VerbManage:  {"CreateTopic", "DeleteTopic", "SetTopicAttributes", "GetTopicAttributes", "Subscribe", "TagResource", "UntagResource"},
		},
		nameRule: topicNameProblem},
	{service: "kms", types: []string{"key"}, noun: "KMS key",
		words: []string{"kms key", "kms keys", "cmk", "kms", "customer managed key", "encryption key"},
		verbs: map[Verb][]string{
			VerbEncrypt: {"Encrypt", "GenerateDataKey"},
			VerbDecrypt: {"Decrypt"},
			VerbRead:    {"DescribeKey"},
			VerbList:    {"ListKeys", "ListAliases"},
			VerbManage:  {"DescribeKey", "EnableKeyRotation", "GetKeyRotationStatus", "GetKeyPolicy", "TagResource", "UntagResource"},
		},
		nameRule: kmsKeyProblem},
	{service: "secretsmanager", types: []string{"Secret"}, noun: "Secrets Manager secret",
		words: []string{"secrets manager secret", "secretsmanager secret", "secrets manager", "secretsmanager", "secret", "secrets"},
		verbs: map[Verb][]string{
			VerbRead:   {"GetSecretValue", "DescribeSecret"},
			VerbWrite:  {"PutSecretValue"},
			VerbUpdate: {"PutSecretValue", "UpdateSecret"},
			VerbDelete: {"DeleteSecret"},
			VerbList:   {"ListSecrets"},
			VerbManage: {"DescribeSecret", "GetSecretValue", "PutSecretValue", "UpdateSecret", "RotateSecret", "TagResource", "UntagResource"},
		},
		nameRule: secretNameProblem},
	{service: "ssm", types: []string{"parameter"}, noun: "SSM parameter",
		words: []string{"ssm parameter", "ssm parameters", "parameter store", "ssm", "parameter", "parameters"},
		verbs: map[Verb][]string{
			VerbRead:   {"GetParameter", "GetParameters", "GetParametersByPath"},
			VerbWrite:  {"PutParameter"},
			VerbUpdate: {"PutParameter"},
			VerbDelete: {"DeleteParameter", "DeleteParameters"},
			VerbList:   {"DescribeParameters"},
		},
		nameRule: parameterNameProblem},
	{service: "lambda", types: []string{"function", "function alias", "function version"}, noun: "Lambda function",
		words: []string{"lambda function", "lambda functions", "lambda", "lambdas", "function", "functions"},
		verbs: map[Verb][]string{
			VerbInvoke: {"InvokeFunction"},
			VerbRead:   {"GetFunction", "GetFunctionConfiguration"},
			VerbUpdate: {"UpdateFunctionCode", "UpdateFunctionConfiguration", "PublishVersion", "GetFunction"},
			VerbWrite:  {"UpdateFunctionCode", "PublishVersion"},
			VerbDelete: {"DeleteFunction"},
			VerbList:   {"ListFunctions"},
		},
		nameRule: lambdaNameProblem, principal: PrincipalLambda, passTo: "lambda.amazonaws.com"},
	{service: "logs", types: []string{"log-group", "log-stream"}, noun: "CloudWatch Logs log group",
		words: []string{"cloudwatch log group", "cloudwatch logs", "log group", "log groups", "logs"},
		verbs: map[Verb][]string{
			VerbWrite:  {"CreateLogStream", "PutLogEvents"},
			VerbRead:   {"GetLogEvents", "FilterLogEvents", "DescribeLogStreams"},
			VerbQuery:  {"StartQuery", "GetQueryResults", "StopQuery"},
			VerbList:   {"DescribeLogGroups"},
			VerbManage: {"CreateLogGroup", "PutRetentionPolicy", "DeleteLogGroup"},
		},
		nameRule: logGroupNameProblem},
	{service: "kinesis", types: []string{"stream"}, noun: "Kinesis data stream",
		words: []string{"kinesis data stream", "kinesis stream", "kinesis streams", "kinesis", "data stream", "stream"},
		verbs: map[Verb][]string{
			VerbWrite:   {"PutRecord", "PutRecords"},
			VerbPublish: {"PutRecord", "PutRecords"},
			VerbRead:    {"GetRecords", "GetShardIterator", "DescribeStream", "DescribeStreamSummary", "ListShards"},
			VerbConsume: {"GetRecords", "GetShardIterator", "DescribeStream", "DescribeStreamSummary", "ListShards"},
			VerbList:    {"ListStreams"},
		},
		nameRule: genericNameProblem},
	{service: "ecr", types: []string{"repository"}, noun: "ECR repository",
		words: []string{"ecr repository", "ecr repositories", "ecr repo", "container registry", "ecr", "docker image", "container image", "image", "images"},
		verbs: map[Verb][]string{
			VerbRead:   {"GetAuthorizationToken", "BatchGetImage", "GetDownloadUrlForLayer", "BatchCheckLayerAvailability"},
			VerbWrite:  {"GetAuthorizationToken", "BatchCheckLayerAvailability", "InitiateLayerUpload", "UploadLayerPart", "CompleteLayerUpload", "PutImage"},
			VerbList:   {"DescribeImages", "ListImages"},
			VerbDelete: {"BatchDeleteImage"},
		},
		nameRule: ecrNameProblem},
	{service: "states", types: []string{"statemachine", "execution"}, noun: "Step Functions state machine",
		words: []string{"step functions state machine", "step function", "step functions", "state machine", "state machines", "workflow"},
		verbs: map[Verb][]string{
			VerbInvoke: {"StartExecution", "DescribeExecution"},
			VerbRead:   {"DescribeStateMachine", "ListExecutions", "DescribeExecution"},
			VerbUpdate: {"UpdateStateMachine"},
			VerbList:   {"ListStateMachines"},
		},
		nameRule: genericNameProblem, principal: PrincipalStepFunctions, passTo: "states.amazonaws.com"},
	{service: "events", types: []string{"event-bus"}, noun: "EventBridge event bus",
		words: []string{"eventbridge event bus", "eventbridge bus", "event bus", "event buses", "eventbridge"},
		verbs: map[Verb][]string{
			VerbPublish: {"PutEvents"},
			VerbWrite:   {"PutEvents"},
			VerbRead:    {"DescribeEventBus"},
			VerbList:    {"ListEventBuses"},
		},
		nameRule: genericNameProblem, principal: PrincipalEventBridge},
	{service: "firehose", types: []string{"deliverystream"}, noun: "Data Firehose stream",
		words: []string{"firehose delivery stream", "delivery stream", "firehose", "kinesis firehose"},
		verbs: map[Verb][]string{
			VerbWrite:   {"PutRecord", "PutRecordBatch"},
			VerbPublish: {"PutRecord", "PutRecordBatch"},
			VerbRead:    {"DescribeDeliveryStream"},
			VerbList:    {"ListDeliveryStreams"},
		},
		nameRule: genericNameProblem},
	{service: "athena", types: []string{"workgroup"}, noun: "Athena workgroup",
		words: []string{"athena workgroup", "athena", "workgroup"},
		verbs: map[Verb][]string{
			VerbQuery: {"StartQueryExecution", "GetQueryExecution", "GetQueryResults", "StopQueryExecution", "GetWorkGroup"},
			VerbRead:  {"GetQueryExecution", "GetQueryResults", "GetWorkGroup", "ListQueryExecutions"},
			VerbList:  {"ListWorkGroups"},
		},
		nameRule: genericNameProblem},
	{service: "glue", types: []string{"database", "catalog", "table"}, noun: "Glue database",
		words: []string{"glue database", "glue data catalog", "data catalog", "glue catalog", "glue table"},
		verbs: map[Verb][]string{
			VerbRead:   {"GetDatabase", "GetTable", "GetTables", "GetPartition", "GetPartitions"},
			VerbList:   {"GetDatabases"},
			VerbWrite:  {"CreateTable", "UpdateTable", "BatchCreatePartition", "CreatePartition", "UpdatePartition"},
			VerbUpdate: {"UpdateTable", "UpdatePartition"},
			VerbDelete: {"DeleteTable", "DeletePartition", "BatchDeletePartition"},
		},
		nameRule: genericNameProblem},
	{service: "glue", types: []string{"job"}, noun: "Glue job",
		words: []string{"glue job", "glue jobs", "glue etl job", "etl job"},
		verbs: map[Verb][]string{
			VerbInvoke: {"StartJobRun", "GetJobRun", "GetJobRuns"},
			VerbRead:   {"GetJob", "GetJobRun", "GetJobRuns"},
			VerbUpdate: {"UpdateJob"},
		},
		nameRule: genericNameProblem, principal: PrincipalGlue, passTo: "glue.amazonaws.com"},
	{service: "cloudwatch", noun: "CloudWatch metrics", unnamed: true, nameKey: "cloudwatch:namespace",
		words: []string{"cloudwatch metrics", "cloudwatch metric", "custom metrics", "metrics", "cloudwatch"},
		verbs: map[Verb][]string{
			VerbWrite:   {"PutMetricData"},
			VerbPublish: {"PutMetricData"},
			VerbRead:    {"GetMetricData", "GetMetricStatistics", "ListMetrics"},
			VerbList:    {"ListMetrics"},
		}},
	{service: "xray", noun: "AWS X-Ray traces", unnamed: true,
		words: []string{"x-ray traces", "x-ray", "xray", "traces"},
		verbs: map[Verb][]string{
			VerbWrite:   {"PutTraceSegments", "PutTelemetryRecords"},
			VerbPublish: {"PutTraceSegments", "PutTelemetryRecords"},
			VerbRead:    {"GetTraceSummaries", "BatchGetTraces"},
		}},
	{service: "ses", types: []string{"identity"}, noun: "SES identity",
		words: []string{"ses identity", "ses domain", "ses", "email identity"},
		verbs: map[Verb][]string{
			VerbPublish: {"SendEmail", "SendRawEmail"},
			VerbWrite:   {"SendEmail", "SendRawEmail"},
			VerbRead:    {"GetEmailIdentity"},
		},
		nameRule: genericNameProblem},
	{service: "cognito-idp", types: []string{"userpool"}, noun: "Cognito user pool",
		words: []string{"cognito user pool", "user pool", "cognito"},
		verbs: map[Verb][]string{
			VerbRead:   {"AdminGetUser", "ListUsers", "DescribeUserPool"},
			VerbWrite:  {"AdminCreateUser", "AdminUpdateUserAttributes"},
			VerbUpdate: {"AdminUpdateUserAttributes", "AdminResetUserPassword"},
			VerbDelete: {"AdminDeleteUser"},
		},
		nameRule: genericNameProblem},
	{service: "codecommit", types: []string{"repository"}, noun: "CodeCommit repository",
		words: []string{"codecommit repository", "codecommit repo", "codecommit"},
		verbs: map[Verb][]string{
			VerbRead:  {"GitPull", "GetRepository"},
			VerbWrite: {"GitPush", "GitPull"},
			VerbList:  {"ListRepositories"},
		},
		nameRule: genericNameProblem},
	{service: "codebuild", types: []string{"project"}, noun: "CodeBuild project",
		words: []string{"codebuild project", "codebuild projects", "codebuild", "build project"},
		verbs: map[Verb][]string{
			VerbInvoke: {"StartBuild", "BatchGetBuilds"},
			VerbRead:   {"BatchGetProjects", "BatchGetBuilds"},
			VerbList:   {"ListProjects"},
		},
		nameRule: genericNameProblem, principal: PrincipalCodeBuild, passTo: "codebuild.amazonaws.com"},
	{service: "cloudformation", types: []string{"stack", "changeset"}, noun: "CloudFormation stack",
		words: []string{"cloudformation stack", "cloudformation stacks", "cloudformation", "cfn stack", "stack", "stacks"},
		verbs: map[Verb][]string{
			VerbRead: {"DescribeStacks", "DescribeStackEvents", "DescribeStackResources", "GetTemplate"},
			VerbUpdate: {"DescribeStacks", "DescribeStackEvents", "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet",
				"DeleteChangeSet", "GetTemplate", "UpdateStack"},
			VerbWrite:  {"CreateStack", "DescribeStacks", "DescribeStackEvents", "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet"},
			VerbDelete: {"DeleteStack"},
			VerbList:   {"ListStacks"},
		},
		nameRule: genericNameProblem, passTo: "cloudformation.amazonaws.com"},
	{service: "ec2", types: []string{"instance"}, noun: "EC2 instance",
		words: []string{"ec2 instance", "ec2 instances", "instance", "instances"},
		verbs: map[Verb][]string{
			VerbRead:   {"DescribeInstances", "DescribeInstanceStatus"},
			VerbList:   {"DescribeInstances"},
			VerbManage: {"StartInstances", "StopInstances", "RebootInstances", "DescribeInstances"},
			VerbInvoke: {"StartInstances"},
			VerbUpdate: {"StartInstances", "StopInstances", "RebootInstances"},
		},
		nameRule: instanceIDProblem, principal: PrincipalEC2},
	{service: "ecs", types: []string{"service"}, noun: "ECS service",
		words: []string{"ecs service", "ecs services", "fargate service"},
		verbs: map[Verb][]string{
			VerbUpdate: {"UpdateService", "DescribeServices", "DescribeTaskDefinition"},
			VerbRead:   {"DescribeServices"},
			VerbList:   {"ListServices"},
		},
		nameRule: genericNameProblem, principal: PrincipalECSTask, passTo: "ecs-tasks.amazonaws.com"},
	{service: "sagemaker", types: []string{"endpoint"}, noun: "SageMaker endpoint",
		words: []string{"sagemaker endpoint", "sagemaker", "inference endpoint"},
		verbs: map[Verb][]string{
			VerbInvoke: {"InvokeEndpoint"},
			VerbRead:   {"DescribeEndpoint"},
		},
		nameRule: genericNameProblem},
	{service: "bedrock", types: []string{"foundation-model"}, noun: "Bedrock foundation model",
		words: []string{"bedrock model", "foundation model", "bedrock"},
		verbs: map[Verb][]string{
			VerbInvoke: {"InvokeModel", "InvokeModelWithResponseStream"},
			VerbRead:   {"GetFoundationModel"},
			VerbList:   {"ListFoundationModels"},
		},
		nameRule: genericNameProblem},
	{service: "cloudfront", types: []string{"distribution"}, noun: "CloudFront distribution",
		words: []string{"cloudfront distribution", "cloudfront", "distribution", "cdn"},
		verbs: map[Verb][]string{
			VerbUpdate: {"CreateInvalidation", "GetInvalidation"},
			VerbRead:   {"GetDistribution", "GetDistributionConfig"},
			VerbList:   {"ListDistributions"},
		},
		nameRule: genericNameProblem},
	{service: "elasticfilesystem", types: []string{"file-system"}, noun: "EFS file system",
		words: []string{"efs file system", "efs filesystem", "efs", "file system"},
		verbs: map[Verb][]string{
			VerbRead:  {"ClientMount"},
			VerbWrite: {"ClientMount", "ClientWrite"},
			VerbAdmin: {"ClientMount", "ClientWrite", "ClientRootAccess"},
		},
		nameRule: genericNameProblem},
	{service: "route53", types: []string{"hostedzone"}, noun: "Route 53 hosted zone",
		words: []string{"route 53 hosted zone", "route53 hosted zone", "hosted zone", "route53", "route 53", "dns zone"},
		verbs: map[Verb][]string{
			VerbUpdate: {"ChangeResourceRecordSets", "ListResourceRecordSets", "GetHostedZone"},
			VerbWrite:  {"ChangeResourceRecordSets", "ListResourceRecordSets", "GetHostedZone"},
			VerbRead:   {"ListResourceRecordSets", "GetHostedZone"},
			VerbList:   {"ListHostedZones"},
		},
		nameRule: genericNameProblem},
	{service: "execute-api", types: []string{"execute-api-general"}, noun: "API Gateway API",
		words: []string{"api gateway api", "rest api", "http api", "api"},
		verbs: map[Verb][]string{
			VerbInvoke: {"Invoke"},
		},
		nameRule: genericNameProblem, principal: PrincipalAPIGateway},
	{service: "iam", types: []string{"role"}, noun: "IAM role",
		words: []string{"iam role", "iam roles"},
		verbs: map[Verb][]string{
			VerbPass:   {"PassRole"},
			VerbAssume: {"sts:AssumeRole"},
			VerbRead:   {"GetRole"},
		},
		nameRule: genericNameProblem},
}

// kindFor returns the catalogue kind of a service and resource type; an
// empty type means the service's first kind.
func kindFor(service, typ string) (*kind, bool) {
	for _, k := range kinds {
		if k.service != service {
			continue
		}
		if typ == "" {
			return k, true
		}
		for _, t := range k.types {
			if strings.EqualFold(t, typ) {
				return k, true
			}
		}
	}
	return nil, false
}

// primaryType is the resource type a named resource of the kind is.
func (k *kind) primaryType() string {
	if len(k.types) == 0 {
		return ""
	}
	return k.types[0]
}

// CatalogEntry describes one kind of resource the engine understands, for
// help text, the Generate page and an Advisor's prompt.
type CatalogEntry struct {
	Service string   `json:"service"`
	Types   []string `json:"types"`
	Noun    string   `json:"noun"`
	Words   []string `json:"words"`
	Verbs   []Verb   `json:"verbs"`
}

// Catalog lists the resource kinds with the verbs each has curated actions
// for ("manage" and "admin" apply to every kind through access levels).
func Catalog() []CatalogEntry {
	out := make([]CatalogEntry, len(kinds))
	for i, k := range kinds {
		e := CatalogEntry{Service: k.service, Types: append([]string{}, k.types...), Noun: k.noun, Words: append([]string(nil), k.words...)}
		for v := range k.verbs {
			e.Verbs = append(e.Verbs, v)
		}
		sort.Slice(e.Verbs, func(a, b int) bool { return e.Verbs[a] < e.Verbs[b] })
		out[i] = e
	}
	return out
}
