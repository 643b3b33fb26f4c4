package generate

import (
	"fmt"

	"github.com/aegis-iam/aegis/backend/policy"
)

// servicePrincipals are the principals that assume a workload's role, and
// the ARN (format with %[1]s partition, %[2]s Region, %[3]s account, %[4]s
// name) its aws:SourceArn names when the workload's name is known.
var servicePrincipals = map[PrincipalKind]struct {
	service   string
	sourceARN string
}{
	PrincipalLambda:         {"lambda.amazonaws.com", "arn:%[1]s:lambda:%[2]s:%[3]s:function:%[4]s"},
	PrincipalEC2:            {"ec2.amazonaws.com", ""},
	PrincipalECSTask:        {"ecs-tasks.amazonaws.com", "arn:%[1]s:ecs:%[2]s:%[3]s:*"},
	PrincipalEKSPodIdentity: {"pods.eks.amazonaws.com", "arn:%[1]s:eks:%[2]s:%[3]s:cluster/%[4]s"},
	PrincipalGlue:           {"glue.amazonaws.com", "arn:%[1]s:glue:%[2]s:%[3]s:job/%[4]s"},
	PrincipalStepFunctions:  {"states.amazonaws.com", "arn:%[1]s:states:%[2]s:%[3]s:stateMachine:%[4]s"},
	PrincipalCodeBuild:      {"codebuild.amazonaws.com", "arn:%[1]s:codebuild:%[2]s:%[3]s:project/%[4]s"},
	PrincipalAPIGateway:     {"apigateway.amazonaws.com", "arn:%[1]s:apigateway:%[2]s::/restapis/%[4]s"},
	PrincipalEventBridge:    {"events.amazonaws.com", "arn:%[1]s:events:%[2]s:%[3]s:rule/%[4]s"},
}

// PrincipalKinds lists the principal kinds, for questions and help text.
var PrincipalKinds = []PrincipalKind{PrincipalLambda, PrincipalEC2, PrincipalECSTask, PrincipalEKSIRSA, PrincipalEKSPodIdentity,
	PrincipalGlue, PrincipalStepFunctions, PrincipalCodeBuild, PrincipalAPIGateway, PrincipalEventBridge, PrincipalUser,
	PrincipalGroup, PrincipalGitHubActions, PrincipalCrossAccount}

const githubIssuer = "token.actions.githubusercontent.com"

var (
	githubRefRE  = lazyRegexp(`^(ref:refs/(heads|tags)/[A-Za-z0-9._/-]+|environment:[A-Za-z0-9._-]+|pull_request)$`)
	eksIssuerRE  = lazyRegexp(`^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/id/[A-Za-z0-9]+$`)
	k8sNameRE    = lazyRegexp(`^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$`)
	externalIDRE = lazyRegexp(`^[A-Za-z0-9+=,.@:/-]{2,1000}$`)
)

// trustPolicy builds the trust policy for the principal, asking for what it
// cannot do without.
func (p *plan) trustPolicy(in *Intent) {
	pr := in.Principal
	pl := p.place
	st := &policy.Statement{Sid: policy.Value{Text: "Trust"}, Effect: policy.EffectAllow, Principal: &policy.Principal{}}
	var cs []cond
	switch pr.Kind {
	case PrincipalUnknown:
		opts := make([]string, len(PrincipalKinds))
		for i, k := range PrincipalKinds {
			opts[i] = string(k)
		}
		p.ask(Question{ID: "principal", Text: "Who will use these permissions (a workload's AWS service, a CI system, people, another account)?", Options: opts})
		return
	case PrincipalUser, PrincipalGroup:
		p.decisions = append(p.decisions, "People get an identity policy for their IAM "+string(pr.Kind)+"; no role, so no trust policy.")
		return
	case PrincipalGitHubActions:
		ready := p.oidcAccount(in)
		if pr.Repository == "" || !repoRE.MatchString(pr.Repository) {
			p.ask(Question{ID: "github.repository", Text: "Which GitHub repository (owner/name) may assume the role?"})
			return
		}
		if pr.Ref != "" && !githubRefRE.MatchString(pr.Ref) {
			p.ask(Question{ID: "github.ref", Text: fmt.Sprintf("%q is not a GitHub OIDC subject suffix. Which branch, tag or environment may assume the role?", pr.Ref),
				Options: []string{"ref:refs/heads/main", "environment:production", "pull_request"}, Default: "ref:refs/heads/main"})
			return
		}
		if !ready {
			return
		}
		ref := pr.Ref
		if ref == "" {
			ref = "ref:refs/heads/main"
			p.defaults = append(p.defaults, "GitHub ref not given: only workflows on the main branch may assume the role (sub repo:"+pr.Repository+":ref:refs/heads/main); answer github.ref to use an environment instead.")
		}
		st.Principal.Federated = list(fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", pl.partition, pl.account, githubIssuer))
		st.Action = list("sts:AssumeRoleWithWebIdentity")
		cs = []cond{{op: "StringEquals", key: githubIssuer + ":aud", values: []string{"sts.amazonaws.com"}},
			{op: "StringEquals", key: githubIssuer + ":sub", values: []string{"repo:" + pr.Repository + ":" + ref}}}
		p.decisions = append(p.decisions, "The OIDC trust tests aud (sts.amazonaws.com) and sub (repo:"+pr.Repository+":"+ref+"), so no other repository or branch can assume the role.")
	case PrincipalEKSIRSA:
		missing := !p.oidcAccount(in)
		for _, q := range []struct {
			id, val, text string
			ok            matcher
		}{
			{"eks.issuer", pr.OIDCIssuer, "What is the EKS cluster's OIDC issuer (oidc.eks.REGION.amazonaws.com/id/ID)?", eksIssuerRE},
			{"eks.namespace", pr.Namespace, "Which Kubernetes namespace runs the pods?", k8sNameRE},
			{"eks.serviceAccount", pr.ServiceAccount, "Which Kubernetes service account do the pods use?", k8sNameRE},
		} {
			if q.val == "" || !q.ok.MatchString(q.val) {
				p.ask(Question{ID: q.id, Text: q.text})
				missing = true
			}
		}
		if missing {
			return
		}
		st.Principal.Federated = list(fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", pl.partition, pl.account, pr.OIDCIssuer))
		st.Action = list("sts:AssumeRoleWithWebIdentity")
		cs = []cond{{op: "StringEquals", key: pr.OIDCIssuer + ":aud", values: []string{"sts.amazonaws.com"}},
			{op: "StringEquals", key: pr.OIDCIssuer + ":sub", values: []string{"system:serviceaccount:" + pr.Namespace + ":" + pr.ServiceAccount}}}
		p.decisions = append(p.decisions, "The IRSA trust tests aud and sub, so only service account "+pr.Namespace+"/"+pr.ServiceAccount+" can assume the role.")
	case PrincipalCrossAccount:
		if pr.TrustedAccount == "" || accountProblem(pr.TrustedAccount) != "" {
			p.ask(Question{ID: "principal.trustedAccount", Text: "Which AWS account (12 digits) will assume the role?"})
			return
		}
		if pr.Name != "" {
			st.Principal.AWS = list(fmt.Sprintf("arn:%s:iam::%s:role/%s", pl.partition, pr.TrustedAccount, pr.Name))
		} else {
			st.Principal.AWS = list(fmt.Sprintf("arn:%s:iam::%s:root", pl.partition, pr.TrustedAccount))
			p.defaults = append(p.defaults, "Role in account "+pr.TrustedAccount+" not given: every principal there that holds sts:AssumeRole may assume this role; answer principal.name to trust one role.")
		}
		st.Action = list("sts:AssumeRole")
		if pr.ExternalID != "" && !externalIDRE.MatchString(pr.ExternalID) {
			p.ask(Question{ID: "principal.externalId", Text: fmt.Sprintf("%q is not a valid external ID (2–1000 letters, digits and +=,.@:/-). Which external ID was agreed?", pr.ExternalID)})
			return
		}
		if pr.ExternalID != "" {
			cs = []cond{{op: "StringEquals", key: "sts:ExternalId", values: []string{pr.ExternalID}}}
			p.decisions = append(p.decisions, "The trust requires sts:ExternalId, so the other account cannot be tricked into using the role for someone else (confused deputy).")
		} else {
			cs = []cond{{op: "Bool", key: "aws:MultiFactorAuthPresent", values: []string{"true"}}}
			p.defaults = append(p.defaults, "No external ID given: the trust requires MFA (aws:MultiFactorAuthPresent); answer principal.externalId for a third party's automation.")
		}
	default:
		sp, ok := servicePrincipals[pr.Kind]
		if !ok {
			p.ask(Question{ID: "principal", Text: fmt.Sprintf("%q is not a principal kind the engine knows. Who will use these permissions?", pr.Kind)})
			return
		}
		st.Principal.Service = list(sp.service)
		st.Action = list("sts:AssumeRole")
		if pr.Kind == PrincipalEKSPodIdentity {
			st.Action = list("sts:AssumeRole", "sts:TagSession")
		}
		cs = []cond{{op: "StringEquals", key: "aws:SourceAccount", values: []string{pl.account}}}
		if sp.sourceARN != "" && (pr.Name != "" || pr.Kind == PrincipalECSTask) {
			cs = append(cs, cond{op: "ArnLike", key: "aws:SourceArn", values: []string{fmt.Sprintf(sp.sourceARN, pl.partition, pl.region, pl.account, pr.Name)}})
		}
		p.decisions = append(p.decisions, fmt.Sprintf("The trust admits only %s acting for account %s (aws:SourceAccount), which closes the cross-service confused deputy.", sp.service, pl.account))
	}
	st.Condition = condition(cs)
	p.trust = &policy.Document{Version: policy.Value{Text: "2012-10-17"}, StatementList: true, Statements: []*policy.Statement{st}}
}

// oidcAccount asks for the account when it is unknown: the OIDC identity
// provider a federated trust names is an IAM resource of that account.
func (p *plan) oidcAccount(in *Intent) bool {
	if p.place.account != AccountPlaceholder {
		return true
	}
	if in.Account == "" {
		p.ask(Question{ID: "account", Text: "Which AWS account (12 digits) holds the role and its OIDC identity provider?"})
	}
	return false
}

// principalName checks the workload's own name, which the trust policy's
// aws:SourceArn and Lambda's log group use.
func (p *plan) principalName(in *Intent) {
	n := in.Principal.Name
	if n == "" {
		return
	}
	check := genericNameProblem
	if in.Principal.Kind == PrincipalLambda {
		check = lambdaNameProblem
	}
	if msg := check(n); msg != "" {
		p.ask(Question{ID: "principal.name", Text: sentence(msg, "What is the workload's name?")})
		in.Principal.Name = ""
	}
}
