package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aegis-iam/aegis/backend/generate"
)

// The vocabularies of the intent model, offered to the model as enums.
var (
	verbs          = generate.Verbs
	principalKinds = append([]generate.PrincipalKind{generate.PrincipalUnknown}, generate.PrincipalKinds...)
	proposalKinds  = []generate.ProposalKind{generate.ProposalNew, generate.ProposalRefine, generate.ProposalAnswer,
		generate.ProposalExplain}
)

type schema = map[string]any

func str(desc string) schema { return schema{"type": "string", "description": desc} }

func object(props schema, required ...string) schema {
	s := schema{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the schemas are literals: a failure is a programming error at init
	}
	return string(b)
}

var intentSchema = object(schema{
	"principal": object(schema{
		"kind":           schema{"type": "string", "enum": principalKinds},
		"name":           str("the workload's own name (function, state machine, project, job)"),
		"repository":     str("GitHub owner/repo for a GitHub Actions trust"),
		"ref":            str("Git ref or environment for a GitHub Actions trust"),
		"oidcIssuer":     str("EKS OIDC issuer without https://"),
		"namespace":      str("Kubernetes namespace"),
		"serviceAccount": str("Kubernetes service account"),
		"trustedAccount": str("12-digit account trusted by a cross-account role"),
		"externalId":     str("external ID required by a cross-account trust"),
	}, "kind"),
	"resources": schema{"type": "array", "items": object(schema{
		"service": str("IAM service prefix, e.g. s3, dynamodb"),
		"type":    str("IAM resource type, e.g. bucket, table"),
		"name":    str("the resource's name; leave empty if the person did not give one"),
		"arn":     str("the resource's ARN, when given"),
		"prefix":  str("S3 key prefix"),
		"kmsKey":  str("KMS key that encrypts the resource's data"),
		"verbs":   schema{"type": "array", "items": schema{"type": "string", "enum": verbs}},
		"except":  schema{"type": "array", "items": schema{"type": "string", "enum": verbs}},
	}, "service", "verbs")},
	"account":   str("12-digit account ID; empty if not given"),
	"region":    str("AWS Region; empty if not given"),
	"partition": str("aws, aws-cn or aws-us-gov; empty for aws"),
}, "principal", "resources")

var proposalSchema = mustJSON(object(schema{
	"kind":   schema{"type": "string", "enum": proposalKinds},
	"intent": intentSchema,
	"answers": schema{"type": "array", "items": object(schema{
		"id": str("the open question's id"), "value": str("the answer")}, "id", "value")},
	"reply": str("words for the person: the explanation, or one short lead-in"),
}, "kind"))

// engineTools returns the tools backed by the Engine's functions.
func (a *Advisor) engineTools() []Tool {
	e := a.Engine
	var tools []Tool
	if e.Extract != nil {
		tools = append(tools, NewTool("extract_intent", "The engine's reading of a text: the intent it finds and the questions it would ask.",
			mustJSON(object(schema{"text": str("the text to read")}, "text")), false,
			func(ctx context.Context, in struct {
				Text string `json:"text"`
			}) (any, error) {
				intent, questions, err := e.Extract(ctx, in.Text)
				if err != nil {
					return nil, err
				}
				return map[string]any{"intent": intent, "questions": questions}, nil
			}))
	}
	if e.CheckIntent != nil {
		tools = append(tools, NewTool("check_intent", "Confirm an intent: the engine lists what it rejects (unknown services, resource types, verbs, invalid names, accounts, Regions).",
			mustJSON(object(schema{"intent": intentSchema}, "intent")), false,
			func(ctx context.Context, in struct {
				Intent generate.Intent `json:"intent"`
			}) (any, error) {
				problems, err := e.CheckIntent(ctx, in.Intent)
				if err != nil {
					return nil, err
				}
				return map[string]any{"ok": len(problems) == 0, "problems": problems}, nil
			}))
	}
	if e.LookupActions != nil {
		tools = append(tools, NewTool("lookup_actions", "Look up IAM actions of a service in the IAM database: all of them, the ones named, or those of one access level (List, Read, Write, Permissions management, Tagging).",
			mustJSON(object(schema{
				"service":     str("IAM service prefix"),
				"actions":     schema{"type": "array", "items": str("action name, with or without the service prefix")},
				"accessLevel": str("List, Read, Write, Permissions management or Tagging"),
			}, "service")), false, func(ctx context.Context, q ActionQuery) (any, error) {
				found, err := e.LookupActions(ctx, q)
				if err != nil {
					return nil, err
				}
				if unknown := missingActions(q, found); len(unknown) > 0 {
					return nil, fmt.Errorf("not in the IAM database, so they do not exist and must not be used: %s", strings.Join(unknown, ", "))
				}
				return map[string]any{"actions": found}, nil
			}))
	}
	if e.ARNFormats != nil {
		tools = append(tools, NewTool("arn_formats", "The resource types of a service and their ARN formats, from the IAM database.",
			mustJSON(object(schema{"service": str("IAM service prefix")}, "service")), false,
			func(ctx context.Context, in struct {
				Service string `json:"service"`
			}) (any, error) {
				f, err := e.ARNFormats(ctx, in.Service)
				if err != nil {
					return nil, err
				}
				return map[string]any{"resourceTypes": f}, nil
			}))
	}
	if e.Generate != nil {
		tools = append(tools, NewTool("generate_policy", "Have the engine build, validate and explain the permissions and trust policies for an intent.",
			mustJSON(object(schema{"intent": intentSchema}, "intent")), false,
			func(ctx context.Context, in struct {
				Intent generate.Intent `json:"intent"`
			}) (any, error) {
				return e.Generate(ctx, in.Intent)
			}))
	}
	if e.Validate != nil {
		tools = append(tools, NewTool("validate_policy", "Run the validator on a policy document and get its findings.",
			mustJSON(object(schema{"policy": str("the policy document as JSON text")}, "policy")), false,
			func(ctx context.Context, in struct {
				Policy string `json:"policy"`
			}) (any, error) {
				return e.Validate(ctx, in.Policy)
			}))
	}
	if e.Simulate != nil {
		tools = append(tools, NewTool("simulate_request", "Evaluate one request (action, resource, context keys) against the current policies: allowed or denied, and why.",
			mustJSON(object(schema{
				"action":   str("service:Action"),
				"resource": str("resource ARN"),
				"context":  schema{"type": "object", "additionalProperties": schema{"type": "string"}},
			}, "action", "resource")), false,
			func(ctx context.Context, s Simulation) (any, error) { return e.Simulate(ctx, s) }))
	}
	return tools
}

// missingActions lists the actions named in q that the lookup did not
// return: invented ones.
func missingActions(q ActionQuery, found []Action) []string {
	have := map[string]bool{}
	for _, f := range found {
		have[strings.ToLower(f.Name)] = true
	}
	var out []string
	for _, name := range q.Actions {
		full := name
		if !strings.Contains(name, ":") {
			full = q.Service + ":" + name
		}
		if !have[strings.ToLower(full)] {
			out = append(out, full)
		}
	}
	return out
}
