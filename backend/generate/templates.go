package generate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Template is a common architecture written as a parameterised English
// description: the engine reads it like any other, so a template is
// exactly what a user could have typed.
type Template struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Summary     string          `json:"summary"`
	Description string          `json:"description"` // with {param} slots
	Params      []TemplateParam `json:"params"`
	// Answers settle questions the description leaves open on purpose
	// (DynamoDB write scope); their values may use {param} slots too.
	Answers []Answer `json:"answers,omitempty"`
}

// TemplateParam is one slot of a template, with an example default.
type TemplateParam struct {
	Name    string `json:"name"`
	Text    string `json:"text"`
	Default string `json:"default"`
}

var slotRE = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// Session fills the template's slots (a missing value takes the default)
// and returns the session to run. Unknown parameter names are an error.
func (t Template) Session(values map[string]string) (*Session, error) {
	known := map[string]string{}
	for _, p := range t.Params {
		known[p.Name] = p.Default
	}
	var unknown []string
	for k, v := range values {
		if _, ok := known[k]; !ok {
			unknown = append(unknown, k)
			continue
		}
		if strings.ContainsAny(v, "'\"`") {
			return nil, fmt.Errorf("template %s: parameter %s: quotes are not allowed in %q", t.ID, k, v)
		}
		known[k] = v
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("template %s has no parameter %s", t.ID, strings.Join(unknown, ", "))
	}
	fill := func(text string) string {
		return slotRE.ReplaceAllStringFunc(text, func(s string) string { return known[s[1:len(s)-1]] })
	}
	s := &Session{Description: fill(t.Description)}
	for _, a := range t.Answers {
		s.Answers = append(s.Answers, Answer{ID: a.ID, Value: fill(a.Value)})
	}
	return s, nil
}

func param(name, text, def string) TemplateParam {
	return TemplateParam{Name: name, Text: text, Default: def}
}

var (
	pFunction = param("function", "Lambda function name", "api-handler")
	pRepo     = param("repository", "GitHub repository (owner/name)", "acme/app")
	pBucket   = param("bucket", "S3 bucket name", "acme-data")
	pTable    = param("table", "DynamoDB table name", "items")
	pQueue    = param("queue", "SQS queue name", "jobs")
	pTopic    = param("topic", "SNS topic name", "events")
)

// Templates returns the template library, sorted by ID.
func Templates() []Template {
	ts := []Template{
		{ID: "lambda-dynamodb-api", Title: "Lambda + DynamoDB API", Summary: "A CRUD API backend: item access to one table and queries on its indexes.",
			Description: "Lambda function '{function}' that reads, writes, updates and deletes items in DynamoDB table '{table}' and queries its indexes",
			Params:      []TemplateParam{pFunction, pTable}},
		{ID: "s3-static-site-deploy", Title: "S3 static site deploy", Summary: "A CI job that syncs a site to S3 and invalidates the CDN.",
			Description: "GitHub Actions for repository {repository} that uploads, lists and deletes objects in S3 bucket '{bucket}' and invalidates CloudFront distribution '{distribution}'",
			Params:      []TemplateParam{pRepo, param("bucket", "site bucket", "www.example.com"), param("distribution", "CloudFront distribution ID", "E1ABCDEF2GHIJK")}},
		{ID: "ecs-service-secrets", Title: "ECS service with secrets", Summary: "A container task that reads its secret and configuration parameters.",
			Description: "ECS task that reads Secrets Manager secret '{secret}' and SSM parameters '{path}'",
			Params:      []TemplateParam{param("secret", "secret name", "prod/app/db"), param("path", "parameter path", "/prod/app/")}},
		{ID: "github-deploy-ecs", Title: "GitHub Actions deploy to ECS", Summary: "Push an image and roll the service.",
			Description: "GitHub Actions for repository {repository} that pushes images to ECR repository '{image}' and updates ECS service '{service}'",
			Params:      []TemplateParam{pRepo, param("image", "ECR repository", "app"), param("service", "ECS cluster/service", "prod/app")}},
		{ID: "cross-account-auditor", Title: "Cross-account read-only auditor", Summary: "A role an auditing account assumes, with an external ID, to read logs and evidence.",
			Description: "Cross-account auditor role, assumed from account {auditor} with external ID {externalId}, that can read S3 bucket '{bucket}' and read CloudWatch log group '{logGroup}'",
			Params: []TemplateParam{param("auditor", "auditor's account ID", "444455556666"), param("externalId", "external ID agreed with the auditor", "audit-7f3k"),
				param("auditorRole", "role in the auditor's account", "auditor"),
				param("bucket", "evidence bucket", "acme-audit-evidence"), param("logGroup", "log group", "/org/cloudtrail")},
			Answers: []Answer{{ID: "principal.name", Value: "{auditorRole}"}}},
		{ID: "data-lake-reader", Title: "Data lake reader", Summary: "Analysts who read curated data through Glue and Athena.",
			Description: "Data analysts group that reads S3 bucket '{bucket}', reads Glue database '{database}' and queries Athena workgroup '{workgroup}'",
			Params:      []TemplateParam{param("bucket", "curated bucket", "acme-lake-curated"), param("database", "Glue database", "lake"), param("workgroup", "Athena workgroup", "analysts")}},
		{ID: "lambda-sqs-worker", Title: "Lambda SQS worker with DLQ", Summary: "Consume a queue and park failures on a dead-letter queue.",
			Description: "Lambda function '{function}' that consumes messages from SQS queue '{queue}' and sends failures to SQS queue '{dlq}'",
			Params:      []TemplateParam{pFunction, pQueue, param("dlq", "dead-letter queue", "jobs-dlq")}},
		{ID: "lambda-s3-transform", Title: "Lambda S3 transformer", Summary: "Read from one bucket, write results to another.",
			Description: "Lambda function '{function}' that reads S3 bucket '{source}' and writes to S3 bucket '{destination}'",
			Params:      []TemplateParam{pFunction, param("source", "input bucket", "acme-incoming"), param("destination", "output bucket", "acme-processed")}},
		{ID: "kinesis-to-dynamodb", Title: "Kinesis consumer to DynamoDB", Summary: "Stream processing into a table.",
			Description: "Lambda function '{function}' that consumes Kinesis stream '{stream}' and writes to DynamoDB table '{table}'",
			Params:      []TemplateParam{pFunction, param("stream", "Kinesis stream", "clicks"), pTable},
			Answers:     []Answer{{ID: "resources.1.write", Value: "put"}}},
		{ID: "sns-publisher", Title: "SNS publisher", Summary: "A service that emits notifications.",
			Description: "ECS task that publishes to SNS topic '{topic}'", Params: []TemplateParam{pTopic}},
		{ID: "step-functions-orchestrator", Title: "Step Functions orchestrator", Summary: "A state machine that calls a function and notifies.",
			Description: "Step Functions state machine '{stateMachine}' that invokes Lambda function '{function}' and publishes to SNS topic '{topic}'",
			Params:      []TemplateParam{param("stateMachine", "state machine", "order-flow"), pFunction, pTopic}},
		{ID: "eventbridge-lambda", Title: "EventBridge rule target", Summary: "A scheduled or event rule that invokes a function.",
			Description: "EventBridge rule '{rule}' that invokes Lambda function '{function}'",
			Params:      []TemplateParam{param("rule", "rule name", "nightly"), pFunction}},
		{ID: "codebuild-ci", Title: "CodeBuild CI project", Summary: "Build from CodeCommit, push an image, write build logs.",
			Description: "CodeBuild project '{project}' that pulls from CodeCommit repository '{source}', pushes images to ECR repository '{image}' and writes to CloudWatch log group '/aws/codebuild/{project}'",
			Params:      []TemplateParam{param("project", "CodeBuild project", "app-build"), param("source", "CodeCommit repository", "app"), param("image", "ECR repository", "app")}},
		{ID: "github-terraform-state", Title: "GitHub Actions Terraform state", Summary: "Terraform's S3 state bucket and DynamoDB lock table.",
			Description: "GitHub Actions for repository {repository} that reads and writes S3 bucket '{stateBucket}' and reads and writes DynamoDB table '{lockTable}'",
			Params:      []TemplateParam{pRepo, param("stateBucket", "state bucket", "acme-tf-state"), param("lockTable", "lock table", "tf-locks")},
			Answers:     []Answer{{ID: "resources.1.write", Value: "put,update,delete"}}},
		{ID: "eks-irsa-s3-reader", Title: "EKS pod reading S3 (IRSA)", Summary: "A Kubernetes service account with read access to a bucket.",
			Description: "EKS pod via IRSA in namespace {namespace} with service account {serviceAccount}, cluster OIDC issuer {issuer}, that reads S3 bucket '{bucket}'",
			Params: []TemplateParam{param("namespace", "namespace", "app"), param("serviceAccount", "service account", "app"),
				param("issuer", "cluster OIDC issuer", "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B716D3041E"), pBucket}},
		{ID: "ec2-ssm-config", Title: "EC2 configuration from Parameter Store", Summary: "An instance that reads its SecureString configuration.",
			Description: "EC2 instance that reads SSM parameters '{path}' and decrypts with KMS key {key}",
			Params:      []TemplateParam{param("path", "parameter path", "/prod/app/"), param("key", "KMS key ID", "1234abcd-12ab-34cd-56ef-1234567890ab")}},
		{ID: "glue-etl-job", Title: "Glue ETL job", Summary: "Raw to curated with the Data Catalog.",
			Description: "Glue job '{job}' that reads S3 bucket '{raw}', writes to S3 bucket '{curated}' and reads Glue database '{database}'",
			Params:      []TemplateParam{param("job", "job name", "nightly-etl"), param("raw", "raw bucket", "acme-raw"), param("curated", "curated bucket", "acme-curated"), param("database", "Glue database", "sales")}},
		{ID: "developer-logs-reader", Title: "Developer log access", Summary: "People who read an application's logs.",
			Description: "Developers group that can read CloudWatch log group '{logGroup}' and list Lambda functions",
			Params:      []TemplateParam{param("logGroup", "log group", "/app/prod")}},
		{ID: "bedrock-chat", Title: "Bedrock chat backend", Summary: "A function that calls one foundation model.",
			Description: "Lambda function '{function}' that invokes Bedrock model '{model}'",
			Params:      []TemplateParam{pFunction, param("model", "model ID", "amazon.titan-text-express-v1")}},
		{ID: "ses-notifier", Title: "SES e-mail notifier", Summary: "Send mail from one verified identity.",
			Description: "Lambda function '{function}' that sends email from SES identity '{identity}'",
			Params:      []TemplateParam{pFunction, param("identity", "verified identity", "example.com")}},
		{ID: "api-gateway-sqs", Title: "API Gateway to SQS", Summary: "A REST API integration that enqueues requests.",
			Description: "API Gateway that sends messages to SQS queue '{queue}'", Params: []TemplateParam{pQueue}},
		{ID: "sagemaker-inference", Title: "SageMaker inference client", Summary: "A service that calls one endpoint.",
			Description: "ECS task that invokes SageMaker endpoint '{endpoint}'", Params: []TemplateParam{param("endpoint", "endpoint name", "fraud-model")}},
		{ID: "operator-ec2", Title: "Operator start/stop", Summary: "People who may start, stop and reboot one instance.",
			Description: "Operator user who can start, stop and reboot EC2 instance {instance}",
			Params:      []TemplateParam{param("instance", "instance ID", "i-0abcd1234ef567890")}},
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
	return ts
}

// TemplateByID returns the template with the given ID.
func TemplateByID(id string) (Template, bool) {
	for _, t := range Templates() {
		if t.ID == id {
			return t, true
		}
	}
	return Template{}, false
}
