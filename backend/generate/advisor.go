package generate

import "context"

// PrincipalKind names who will hold the generated permissions: an AWS
// service acting for a workload, a human, a federated CI job or another
// account. It decides the trust policy.
type PrincipalKind string

// The principal kinds the engine builds trust policies for.
const (
	PrincipalUnknown        PrincipalKind = ""
	PrincipalLambda         PrincipalKind = "lambda"           // lambda.amazonaws.com
	PrincipalEC2            PrincipalKind = "ec2"              // instance profile, ec2.amazonaws.com
	PrincipalECSTask        PrincipalKind = "ecs-task"         // ecs-tasks.amazonaws.com
	PrincipalEKSIRSA        PrincipalKind = "eks-irsa"         // IAM roles for service accounts (cluster OIDC provider)
	PrincipalEKSPodIdentity PrincipalKind = "eks-pod-identity" // pods.eks.amazonaws.com
	PrincipalGlue           PrincipalKind = "glue"             // glue.amazonaws.com
	PrincipalStepFunctions  PrincipalKind = "step-functions"   // states.amazonaws.com
	PrincipalCodeBuild      PrincipalKind = "codebuild"        // codebuild.amazonaws.com
	PrincipalAPIGateway     PrincipalKind = "api-gateway"      // apigateway.amazonaws.com
	PrincipalEventBridge    PrincipalKind = "eventbridge"      // events.amazonaws.com
	PrincipalUser           PrincipalKind = "user"             // a human IAM user (no trust policy)
	PrincipalGroup          PrincipalKind = "group"            // an IAM group of humans (no trust policy)
	PrincipalGitHubActions  PrincipalKind = "github-actions"   // token.actions.githubusercontent.com via OIDC
	PrincipalCrossAccount   PrincipalKind = "cross-account"    // a role assumed from another account
)

// Verb is a coarse operation a description asks for. Each service maps verbs
// to IAM actions in its curated table; a verb a service does not support is
// reported, not ignored.
type Verb string

// The verbs understood by the engine.
const (
	VerbRead    Verb = "read"
	VerbList    Verb = "list"
	VerbWrite   Verb = "write"
	VerbUpdate  Verb = "update"
	VerbDelete  Verb = "delete"
	VerbPublish Verb = "publish"
	VerbConsume Verb = "consume"
	VerbInvoke  Verb = "invoke"
	VerbEncrypt Verb = "encrypt"
	VerbDecrypt Verb = "decrypt"
	VerbQuery   Verb = "query"
	VerbScan    Verb = "scan"
	VerbManage  Verb = "manage"
	VerbAdmin   Verb = "admin"
	VerbPass    Verb = "pass"   // iam:PassRole of a role to a service
	VerbAssume  Verb = "assume" // sts:AssumeRole of a role
)

// Principal describes who assumes the generated role (or, for humans, who
// the policy is attached to). Only the fields relevant to Kind are used.
type Principal struct {
	Kind PrincipalKind `json:"kind"`
	// Name is the workload's own name (Lambda function, state machine,
	// CodeBuild project, Glue job...). It scopes the confused-deputy
	// condition aws:SourceArn and Lambda's own log group.
	Name string `json:"name,omitempty"`
	// Repository ("owner/repo") and Ref ("refs/heads/main",
	// "environment:prod", "pull_request") scope a GitHub Actions OIDC trust.
	Repository string `json:"repository,omitempty"`
	Ref        string `json:"ref,omitempty"`
	// OIDCIssuer, Namespace and ServiceAccount scope an EKS IRSA trust
	// (issuer without https://, e.g. "oidc.eks.us-east-1.amazonaws.com/id/ABC").
	OIDCIssuer     string `json:"oidcIssuer,omitempty"`
	Namespace      string `json:"namespace,omitempty"`
	ServiceAccount string `json:"serviceAccount,omitempty"`
	// TrustedAccount and ExternalID scope a cross-account trust.
	TrustedAccount string `json:"trustedAccount,omitempty"`
	ExternalID     string `json:"externalId,omitempty"`
}

// Resource is one AWS resource (or family of resources) the principal acts
// on, with what it does to it.
type Resource struct {
	// Service is the IAM service prefix ("s3", "dynamodb").
	Service string `json:"service"`
	// Type is the IAM database resource type ("bucket", "table", "queue").
	Type string `json:"type,omitempty"`
	// Name is the resource's own name ("uploads"); ARN, when given, wins.
	Name string `json:"name,omitempty"`
	ARN  string `json:"arn,omitempty"`
	// Prefix narrows S3 object access to a key prefix ("reports/").
	Prefix string `json:"prefix,omitempty"`
	// KMSKey is the key (ID, ARN or alias/NAME) that encrypts the resource's
	// data (SSE-KMS); the engine adds the kms: actions that data access
	// needs, limited by kms:ViaService to the resource's service.
	KMSKey string `json:"kmsKey,omitempty"`
	// Verbs are what is asked for; Except are the verbs explicitly refused
	// ("but not delete"), removed after the verbs are expanded.
	Verbs  []Verb `json:"verbs"`
	Except []Verb `json:"except,omitempty"`
}

// Intent is everything the engine needs to build a policy pair. The
// deterministic extractor produces one from English; an Advisor may propose
// one instead. The engine alone decides which actions and ARNs follow.
type Intent struct {
	Principal Principal  `json:"principal"`
	Resources []Resource `json:"resources"`
	// Account, Region and Partition place the ARNs; empty means "ask" (for
	// the account) or the stated default.
	Account   string `json:"account,omitempty"`
	Region    string `json:"region,omitempty"`
	Partition string `json:"partition,omitempty"`
}

// Question is a clarifying question the engine asks instead of assuming.
// Options are suggested answers; Default, when set, is what the engine uses
// if the caller explicitly accepts defaults.
type Question struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Options []string `json:"options"`
	Default string   `json:"default,omitempty"`
}

// Answer answers the Question with the same ID.
type Answer struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// ProposalKind says what a user's message asked for, as an Advisor read it.
type ProposalKind string

// The kinds of proposal.
const (
	ProposalNew     ProposalKind = "new"     // a new request: start over with Intent
	ProposalRefine  ProposalKind = "refine"  // "also allow X": Intent replaces the current one
	ProposalAnswer  ProposalKind = "answer"  // the message answers open questions: see Answers
	ProposalExplain ProposalKind = "explain" // "why?": Reply explains, the policy is unchanged
)

// AdviceRequest is what an Advisor sees: the user's latest message and the
// session so far (current intent, open questions). Policy text and resource
// names in it are untrusted input.
type AdviceRequest struct {
	Message   string     `json:"message"`
	Intent    *Intent    `json:"intent,omitempty"`
	Questions []Question `json:"questions,omitempty"`
	// Extracted is the deterministic extractor's reading of Message, a hint
	// the model may confirm or correct.
	Extracted *Intent `json:"extracted,omitempty"`
}

// Proposal is an Advisor's reading of a message. It proposes; the engine
// validates every field (services, resource types, verbs, names, account,
// region) and builds and checks the policy itself.
type Proposal struct {
	Kind    ProposalKind `json:"kind"`
	Intent  *Intent      `json:"intent,omitempty"`
	Answers []Answer     `json:"answers,omitempty"`
	// Reply is wording for the user (an explanation or a lead-in).
	Reply string `json:"reply,omitempty"`
}

// Advisor is implemented by a language model (backend/llm). It turns a
// conversational message into a Proposal. It never decides what is granted:
// the engine rejects unknown services, resource types and verbs and reports
// them as questions.
type Advisor interface {
	Propose(ctx context.Context, req AdviceRequest) (*Proposal, error)
}
