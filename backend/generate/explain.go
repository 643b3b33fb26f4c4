package generate

import (
	"fmt"
	"sort"
	"strings"
)

// explain describes every statement and its actions in plain English, from
// the IAM database's descriptions and access levels.
func (e *Engine) explain(p *plan) []Explanation {
	out := make([]Explanation, 0, len(p.stmts))
	for _, s := range p.stmts {
		ex := Explanation{Sid: s.sid}
		scope := "scoped to " + strings.Join(s.resources, ", ")
		if len(s.resources) == 1 && s.resources[0] == "*" {
			scope = `on "*": these actions support no resource-level permissions, so AWS only accepts "*" for them; they are kept apart from the scoped statements`
		}
		ex.Summary = "Allows " + strings.Join(s.summary, "; ") + ", " + scope
		if len(s.cond) > 0 {
			var cs []string
			for _, c := range s.cond {
				cs = append(cs, fmt.Sprintf("%s %s %s", c.key, c.op, strings.Join(c.values, " or ")))
			}
			ex.Summary += ", only when " + strings.Join(cs, " and ")
		}
		ex.Summary += "."
		actions := append([]string(nil), s.actions...)
		sort.Strings(actions)
		for _, name := range actions {
			ae := ActionExplanation{Action: name}
			if a, ok := e.db.Action(name); ok {
				ae.AccessLevel = a.Access.String()
				ae.Description = a.Description
			}
			ex.Actions = append(ex.Actions, ae)
		}
		out = append(out, ex)
	}
	return out
}

// suggestions are refinements the user may want on top of the least
// privilege the engine already applied.
func suggestions(in *Intent, p *plan) []Suggestion {
	var out []Suggestion
	has := func(svc string) bool {
		for _, r := range in.Resources {
			if r.Service == svc {
				return true
			}
		}
		return false
	}
	if has("s3") {
		out = append(out, Suggestion{ID: "s3-secure-transport", Title: "Require TLS on the bucket",
			Detail: `Add a bucket policy statement that denies s3:* when "aws:SecureTransport" is "false", so no client can reach the data over plain HTTP.`})
		for _, r := range in.Resources {
			if r.Service == "s3" && r.Prefix == "" {
				out = append(out, Suggestion{ID: "s3-prefix", Title: "Narrow object access to a prefix",
					Detail: fmt.Sprintf("Object access covers all of bucket %q; if the workload uses one folder, name it (\"under prefix 'reports/'\") and ListBucket is limited with s3:prefix too.", r.Name)})
				break
			}
		}
	}
	switch in.Principal.Kind {
	case PrincipalUser, PrincipalGroup:
		out = append(out, Suggestion{ID: "require-mfa", Title: "Require MFA for people",
			Detail: `Add {"Bool": {"aws:MultiFactorAuthPresent": "true"}} to the statements, or better, give people roles through IAM Identity Center instead of long-lived user credentials.`})
	case PrincipalLambda, PrincipalECSTask, PrincipalEC2, PrincipalEKSIRSA, PrincipalEKSPodIdentity, PrincipalGlue:
		out = append(out, Suggestion{ID: "vpc-endpoint", Title: "Pin data access to your VPC endpoints",
			Detail: `If the workload runs in a VPC, add "aws:SourceVpce" (or "aws:SourceVpc") conditions, or endpoint policies, so stolen credentials cannot be used from outside it.`})
	case PrincipalGitHubActions:
		if !strings.HasPrefix(in.Principal.Ref, "environment:") {
			out = append(out, Suggestion{ID: "github-environment", Title: "Pin the trust to a GitHub environment",
				Detail: "Protect deployments with a GitHub environment that has required reviewers and trust sub repo:OWNER/REPO:environment:NAME instead of a branch."})
		}
	case PrincipalCrossAccount:
		out = append(out, Suggestion{ID: "principal-org", Title: "Limit the trusted side",
			Detail: "Trust one role ARN in the other account rather than its root, and add aws:PrincipalOrgID if both accounts are in your organization."})
	}
	out = append(out, Suggestion{ID: "tag-based-access", Title: "Use tags to scale",
		Detail: `When more resources of the same kind join, tag them (e.g. "app": "NAME") and grant on "aws:ResourceTag/app" instead of listing ARNs.`})
	if strings.Contains(p.place.account, "${") || strings.Contains(p.place.region, "${") {
		out = append(out, Suggestion{ID: "pin-placement", Title: "Pin the account and Region",
			Detail: "Pass --account and --region (or answer the account and region questions) so the ARNs name your resources exactly; the placeholders resolve at deploy time only in CloudFormation and Terraform output."})
	}
	return out
}
