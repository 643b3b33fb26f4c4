// Package awsserver is Aegis IAM's built-in read-only AWS MCP server: MCP
// tools wrapping backend/awsapi's readers, answering in the JSON shapes the
// AWS CLI prints, so what a live audit collects through it is what the
// offline importer reads from exported files (docs/live-audit.md).
//
// Credentials come from a named local profile resolved in the server's
// process; no tool takes or returns a credential, and nothing is logged.
// A call AWS refuses (AccessDenied) or keeps throttling beyond the SDK's
// retries is a tool error naming the API and the reason, with a structured
// Failure, so the collector records a coverage gap.
package awsserver

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Name is the server's name in the MCP handshake.
const Name = "aegis-aws"

// The tools, by name.
const (
	ToolCallerIdentity       = "get_caller_identity"
	ToolAuthorizationDetails = "get_authorization_details"
	ToolCredentialReport     = "get_credential_report"
	ToolPasswordPolicy       = "get_password_policy"
	ToolServiceLastAccessed  = "get_service_last_accessed"
	ToolAccountOrganization  = "get_account_organization"
	ToolDescribeTrails       = "describe_trails"
	ToolEventSelectors       = "get_event_selectors"
	ToolLookupEvents         = "lookup_events"
	ToolResourcePolicies     = "get_resource_policies"
	ToolListRegions          = "list_regions"
)

// Readers are what the tools read AWS with. Identity answers
// get_caller_identity; the readers must all use the same credentials.
// Regional (Trails, Resources) reads the default region; InRegion, when
// set, gives the regional readers of the region a tool's region argument
// names, each built once and kept, so its rate limiter holds across calls.
type Readers struct {
	Identity func(context.Context) (awsapi.Identity, error)
	// EnabledRegions lists the account's enabled regions (list_regions).
	EnabledRegions func(context.Context) ([]string, error)
	IAM            *awsapi.IAMReader
	Org            *awsapi.OrgReader
	Regional
	InRegion func(region string) Regional
	// Athena, when set, gives an Athena runner in the default region for a
	// workgroup and results location (athena_usage).
	Athena func(workgroup, output string) *awsapi.AthenaRunner
	// Lake, when set, gives a CloudTrail Lake runner (lake_usage), which
	// queries a store given by ARN in its home region, one given by ID in
	// the default region.
	Lake func() *awsapi.LakeRunner
}

// Regional are the readers of one region.
type Regional struct {
	Trails    *awsapi.TrailReader
	Resources *awsapi.ResourceReader
}

// inRegion returns the readers of region ("": the default one).
func (r Readers) inRegion(region string) (Regional, error) {
	switch {
	case region == "":
		return r.Regional, nil
	case r.InRegion == nil:
		return Regional{}, errors.New("this server reads one region only")
	}
	return r.InRegion(region), nil
}

// FromProfile resolves the named profile of the shared config files (in
// this process: the credentials never leave it) and returns readers using
// it; a non-empty region overrides the profile's. An MFA-protected profile
// needs a session an earlier sign-in unlocked in profiles.
func FromProfile(ctx context.Context, profiles *awsapi.Profiles, profile, region string) (Readers, error) {
	sess, err := profiles.Session(ctx, profile, region)
	if err != nil {
		return Readers{}, err
	}
	r := FromSession(sess)
	r.Identity = func(ctx context.Context) (awsapi.Identity, error) { return profiles.CallerIdentity(ctx, profile, "") }
	return r, nil
}

// FromSession returns readers using the session's credentials (an assumed
// role's, say) and region.
func FromSession(sess awsapi.Session) Readers {
	var mu sync.Mutex
	home := Regional{Trails: sess.Trails(), Resources: sess.Resources()}
	regional := map[string]Regional{sess.Region(): home}
	return Readers{
		Identity:       sess.Identity,
		EnabledRegions: sess.EnabledRegions,
		IAM:            sess.IAM(),
		Org:            sess.Org(),
		Regional:       home,
		Athena:         sess.Athena,
		Lake:           sess.Lake,
		InRegion: func(region string) Regional {
			mu.Lock()
			defer mu.Unlock()
			r, ok := regional[region]
			if !ok {
				in := sess.InRegion(region)
				r = Regional{Trails: in.Trails(), Resources: in.Resources()}
				regional[region] = r
			}
			return r
		},
	}
}

// Failure is the structured content of a tool error: which AWS API failed
// and why, as the collector records it in a coverage gap.
type Failure struct {
	API     string `json:"api" jsonschema:"the IAM action of the call that failed, e.g. iam:GetAccountAuthorizationDetails"`
	Reason  string `json:"reason" jsonschema:"access-denied, throttled, timeout or error"`
	Message string `json:"message" jsonschema:"what AWS answered"`
}

// The reasons of a Failure.
const (
	ReasonAccessDenied = "access-denied"
	ReasonThrottled    = "throttled"
	ReasonTimeout      = "timeout"
	ReasonError        = "error"
)

const instructions = `Read-only access to one AWS account's IAM configuration and CloudTrail, with the credentials of a local profile
chosen when the server started. Answers are the JSON the AWS CLI prints for the same call. A tool error names the AWS
API that failed and why (access-denied, throttled, error): treat what it would have returned as unknown, never as empty.`

// New builds the server with every tool registered.
func New(r Readers, version string) (*server.MCPServer, error) {
	if r.Identity == nil || r.EnabledRegions == nil || r.IAM == nil || r.Trails == nil || r.Resources == nil || r.Org == nil {
		return nil, errors.New("awsserver: every reader is required")
	}
	s := server.NewMCPServer(Name, version,
		server.WithToolCapabilities(false),
		server.WithRecovery(),
		server.WithInstructions(instructions),
	)
	s.AddTool(readOnly(ToolCallerIdentity, "Who the server's credentials belong to: `aws sts get-caller-identity` (UserId, Account, Arn)."),
		handle("sts:GetCallerIdentity", func(ctx context.Context, _ noArgs) (any, error) {
			id, err := r.Identity(ctx)
			if err != nil {
				return nil, err
			}
			return map[string]string{"UserId": id.UserID, "Account": id.Account, "Arn": id.ARN}, nil
		}))
	s.AddTool(readOnly(ToolAuthorizationDetails, "Every user, group, role and managed policy (all versions) of the account, every page merged: `aws iam get-account-authorization-details` with policy documents decoded."),
		handle("iam:GetAccountAuthorizationDetails", func(ctx context.Context, _ noArgs) (any, error) {
			return raw(r.IAM.AuthorizationDetails(ctx))
		}))
	s.AddTool(readOnly(ToolCredentialReport, "The IAM credential report (generated if needed, waited for): `aws iam get-credential-report` (Content is the base64 CSV)."),
		handle("iam:GetCredentialReport", func(ctx context.Context, _ noArgs) (any, error) {
			csv, err := r.IAM.CredentialReport(ctx)
			if err != nil {
				return nil, err
			}
			return map[string]string{"Content": base64.StdEncoding.EncodeToString(csv), "ReportFormat": "text/csv"}, nil
		}))
	s.AddTool(readOnly(ToolPasswordPolicy, "The account password policy: `aws iam get-account-password-policy`; when the account has none, the CLI's NoSuchEntity error as {\"Error\": {\"Code\", \"Message\"}}."),
		handle("iam:GetAccountPasswordPolicy", func(ctx context.Context, _ noArgs) (any, error) {
			pp, err := r.IAM.PasswordPolicy(ctx)
			if errors.Is(err, awsapi.ErrNoPasswordPolicy) {
				return NoPasswordPolicy, nil
			}
			return raw(pp, err)
		}))
	s.AddTool(readOnly(ToolServiceLastAccessed, "Access Advisor at action level for a user, group, role or managed policy: runs the job, waits for it and returns `aws iam get-service-last-accessed-details` with every page merged.",
		mcp.WithInputSchema[arnArgs]()),
		handle("iam:GetServiceLastAccessedDetails", func(ctx context.Context, a arnArgs) (any, error) {
			return raw(r.IAM.ServiceLastAccessed(ctx, a.ARN))
		}))
	s.AddTool(readOnly(ToolAccountOrganization, "The account's place in AWS Organizations: describe-organization's Organization, the Path from the root to the account with the SCPs and RCPs attached at each node, and describe-policy of each (the Organizations export of docs/bundle.md). {\"Organization\": null} when the account is in no organization.",
		mcp.WithInputSchema[accountArgs]()),
		handle("organizations:DescribeOrganization", func(ctx context.Context, a accountArgs) (any, error) {
			o, err := r.Org.AccountOrganization(ctx, a.Account)
			if errors.Is(err, awsapi.ErrNoOrganization) {
				return map[string]any{"Organization": nil, "Path": []any{}, "Policies": []any{}}, nil
			}
			if err != nil {
				return nil, err
			}
			return orgExport(o), nil
		}))
	s.AddTool(readOnly(ToolDescribeTrails, "The trails this region sees, shadow trails included: `aws cloudtrail describe-trails`."),
		handle("cloudtrail:DescribeTrails", func(ctx context.Context, _ noArgs) (any, error) {
			return raw(r.Trails.Trails(ctx))
		}))
	s.AddTool(readOnly(ToolEventSelectors, "Whether a trail logs management and data events: `aws cloudtrail get-event-selectors`.",
		mcp.WithInputSchema[trailArgs]()),
		handle("cloudtrail:GetEventSelectors", func(ctx context.Context, a trailArgs) (any, error) {
			return raw(r.Trails.EventSelectors(ctx, a.Trail))
		}))
	s.AddTool(readOnly(ToolLookupEvents, "Fallback when no trail logs can be read: the management events of [start, end) in the region (default: the server's) from CloudTrail event history, 50 per call at 2 calls per second, as a CloudTrail log file. A stop part-way (throttling, AccessDenied) is not an error: the events read are returned with gap and until (events in [start, until) are missing).",
		mcp.WithInputSchema[LookupArgs](), mcp.WithOutputSchema[LookupResult]()),
		handle("cloudtrail:LookupEvents", func(ctx context.Context, a LookupArgs) (any, error) {
			if !a.Start.Before(a.End) {
				return nil, fmt.Errorf("start %s is not before end %s", a.Start.Format(time.RFC3339), a.End.Format(time.RFC3339))
			}
			in, err := r.inRegion(a.Region)
			if err != nil {
				return nil, err
			}
			l := in.Trails.LookupEvents(ctx, a.Start, a.End)
			res := LookupResult{Log: l.Log, Events: l.Events, Until: l.Until.UTC()}
			if l.Gap != nil {
				res.Gap = &Failure{API: "cloudtrail:LookupEvents", Reason: reason(l.Gap), Message: awsapi.Describe(l.Gap)}
			}
			return res, nil
		}))
	s.AddTool(readOnly(ToolListRegions, "The regions enabled for the account (no opt-in needed, or opted in), where its regional data lives: `aws ec2 describe-regions` as {\"Regions\": [{\"RegionName\"}]}."),
		handle("ec2:DescribeRegions", func(ctx context.Context, _ noArgs) (any, error) {
			names, err := r.EnabledRegions(ctx)
			if err != nil {
				return nil, err
			}
			regions := make([]map[string]string, len(names))
			for i, n := range names {
				regions[i] = map[string]string{"RegionName": n}
			}
			return map[string]any{"Regions": regions}, nil
		}))
	s.AddTool(readOnly(ToolResourcePolicies, "The resource-based policies of one service's resources in the region (default: the server's): "+
		"S3 bucket policies (every bucket, whatever the region), KMS key policies, SQS queue policies, SNS topic policies, Lambda function policies, "+
		"Secrets Manager resource policies or ECR repository policies, as [{\"Arn\", \"Policy\"}] with Policy the JSON string the service returns. "+
		"Resources without a policy are left out.",
		mcp.WithInputSchema[ResourceArgs]()),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			var a ResourceArgs
			if err := req.BindArguments(&a); err != nil {
				return mcp.NewToolResultError("invalid arguments: " + err.Error()), nil
			}
			api := map[string]string{awsapi.ServiceS3: "s3:GetBucketPolicy", awsapi.ServiceKMS: "kms:GetKeyPolicy",
				awsapi.ServiceSQS: "sqs:GetQueueAttributes", awsapi.ServiceSNS: "sns:GetTopicAttributes", awsapi.ServiceLambda: "lambda:GetPolicy",
				awsapi.ServiceSecretsManager: "secretsmanager:GetResourcePolicy", awsapi.ServiceECR: "ecr:GetRepositoryPolicy"}[a.Service]
			return handle(api, func(ctx context.Context, a ResourceArgs) (any, error) {
				in, err := r.inRegion(a.Region)
				if err != nil {
					return nil, err
				}
				return in.Resources.Policies(ctx, a.Service)
			})(ctx, req)
		})
	if r.Athena != nil {
		addAthena(s, r.Athena)
	}
	if r.Lake != nil {
		addLake(s, r.Lake)
	}
	return s, nil
}

// ResourceArgs are get_resource_policies' arguments.
type ResourceArgs struct {
	Service string `json:"service" jsonschema:"one of s3, kms, sqs, sns, lambda, secretsmanager, ecr"`
	Region  string `json:"region,omitempty" jsonschema:"the region to read, e.g. eu-west-1 (default: the server's region; ignored for s3)"`
}

// NoPasswordPolicy is get_password_policy's answer for an account without
// one: the AWS CLI's NoSuchEntity error, which the importer reads as "no
// policy, IAM's defaults apply".
var NoPasswordPolicy = map[string]any{"Error": map[string]string{"Code": "NoSuchEntity",
	"Message": "An error occurred (NoSuchEntity) when calling the GetAccountPasswordPolicy operation: " + awsapi.ErrNoPasswordPolicy.Error()}}

// readOnly declares a tool that reads AWS and changes nothing: read-only,
// not destructive, idempotent, open world (it talks to AWS).
func readOnly(name, description string, opts ...mcp.ToolOption) mcp.Tool {
	return mcp.NewTool(name, append([]mcp.ToolOption{
		mcp.WithDescription(description),
		mcp.WithReadOnlyHintAnnotation(true),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(true),
		mcp.WithOpenWorldHintAnnotation(true),
	}, opts...)...)
}

type noArgs struct{}

type arnArgs struct {
	ARN string `json:"arn" jsonschema:"the ARN of an IAM user, group, role or managed policy"`
}

type accountArgs struct {
	Account string `json:"account" jsonschema:"the 12-digit account ID"`
}

type trailArgs struct {
	Trail string `json:"trail" jsonschema:"the trail's name or ARN"`
}

// LookupArgs are lookup_events' arguments.
type LookupArgs struct {
	Start time.Time `json:"start" jsonschema:"start of the window, RFC 3339"`
	End   time.Time `json:"end" jsonschema:"end of the window (excluded), RFC 3339"`
	// Region is the region to read; empty means the server's.
	Region string `json:"region,omitempty" jsonschema:"the region whose event history to read, e.g. eu-west-1 (default: the server's region)"`
}

// LookupResult is lookup_events' answer.
type LookupResult struct {
	Log    json.RawMessage `json:"log" jsonschema:"the events as a CloudTrail log file: {\"Records\": [...]}, newest first"`
	Events int             `json:"events" jsonschema:"how many events log holds"`
	Until  time.Time       `json:"until" jsonschema:"where reading stopped: end when complete; events in [start, until) are missing"`
	Gap    *Failure        `json:"gap,omitempty" jsonschema:"why reading stopped early; absent when the window is complete"`
}

// raw passes a reader's JSON through as the structured content.
func raw(b []byte, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return json.RawMessage(b), nil
}

// handle makes a tool handler: the answer as structured content (and as
// its JSON text, for hosts that read text only), an error as a tool error
// with a Failure naming api.
func handle[A any](api string, f func(context.Context, A) (any, error)) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		var a A
		if err := req.BindArguments(&a); err != nil {
			return mcp.NewToolResultError("invalid arguments: " + err.Error()), nil
		}
		v, err := f(ctx, a)
		if err != nil {
			fail := Failure{API: api, Reason: reason(err), Message: awsapi.Describe(err)}
			res := mcp.NewToolResultError(fmt.Sprintf("%s failed (%s): %s", fail.API, fail.Reason, fail.Message))
			res.StructuredContent = fail
			return res, nil
		}
		text, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return mcp.NewToolResultStructured(v, string(text)), nil
	}
}

func reason(err error) string {
	switch {
	case awsapi.IsAccessDenied(err):
		return ReasonAccessDenied
	case awsapi.IsThrottled(err):
		return ReasonThrottled
	case awsapi.IsTimeout(err):
		return ReasonTimeout
	}
	return ReasonError
}

// orgExport renders an account's organization as the Organizations export
// the offline importer reads (docs/bundle.md): describe-organization's
// Organization, the Path with list-policies-for-target's summaries per
// node, and describe-policy's answer per policy (Content as a string).
func orgExport(o *audit.Organization) map[string]any {
	byID := map[string]audit.OrgPolicy{}
	for _, p := range o.Policies {
		byID[p.ID] = p
	}
	summary := func(p audit.OrgPolicy) map[string]any {
		return map[string]any{"Id": p.ID, "Arn": p.ARN, "Name": p.Name, "Type": p.Type, "AwsManaged": p.AWSManaged}
	}
	path := make([]map[string]any, 0, len(o.Path))
	for _, n := range o.Path {
		sums := make([]map[string]any, 0, len(n.Policies))
		for _, id := range n.Policies {
			p, ok := byID[id]
			if !ok {
				p = audit.OrgPolicy{ID: id}
			}
			sums = append(sums, summary(p))
		}
		path = append(path, map[string]any{"Id": n.ID, "Name": n.Name, "Policies": sums})
	}
	policies := make([]map[string]any, 0, len(o.Policies))
	for _, p := range o.Policies {
		policies = append(policies, map[string]any{"Policy": map[string]any{"PolicySummary": summary(p), "Content": string(p.Document)}})
	}
	return map[string]any{
		"Organization": map[string]any{"Id": o.ID, "MasterAccountId": o.ManagementAccount},
		"Path":         path,
		"Policies":     policies,
	}
}

// Permissions are the IAM actions of every AWS call the tools make (STS
// GetCallerIdentity needs none): what docs/live-audit-policy.json allows.
var Permissions = slices.Concat([]string{
	"iam:GetAccountAuthorizationDetails", "iam:GetAccountPasswordPolicy",
	"iam:GenerateCredentialReport", "iam:GetCredentialReport",
	"iam:GenerateServiceLastAccessedDetails", "iam:GetServiceLastAccessedDetails",
	"cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:LookupEvents",
	"organizations:DescribeOrganization", "organizations:ListParents", "organizations:DescribeOrganizationalUnit",
	"organizations:ListRoots", "organizations:ListPoliciesForTarget", "organizations:DescribePolicy",
	"ec2:DescribeRegions",
}, awsapi.ResourcePermissions)
