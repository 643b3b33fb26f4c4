package generate

import (
	"fmt"
	"slices"
	"strings"
)

// Verbs lists every verb of the intent model, in the order help text and an
// Advisor's tool schemas offer them.
var Verbs = []Verb{VerbRead, VerbList, VerbWrite, VerbUpdate, VerbDelete, VerbPublish, VerbConsume, VerbInvoke,
	VerbEncrypt, VerbDecrypt, VerbQuery, VerbScan, VerbManage, VerbAdmin, VerbPass, VerbAssume}

// Check lists what the engine rejects in an intent it did not read itself
// (an Advisor's proposal): principal kinds, services, resource types and
// verbs it does not know, verbs that do not apply to a resource, and values
// that are invalid (names, ARNs, KMS keys, accounts, Regions, partitions,
// the principal's trust fields). Missing values are not problems: running
// the intent asks the person for them. No problems means Run can build the
// intent as given, without asking about anything the proposal filled in.
func (e *Engine) Check(in Intent) []string {
	var out []string
	add := func(msg string) {
		if msg != "" {
			out = append(out, msg)
		}
	}
	if in.Principal.Kind != PrincipalUnknown && !slices.Contains(PrincipalKinds, in.Principal.Kind) {
		add(fmt.Sprintf("principal kind %q is not one of %s", in.Principal.Kind, joinKinds(PrincipalKinds)))
	}
	part := in.Partition
	if part != "" {
		add(partitionProblem(part))
	}
	if in.Region != "" {
		add(regionProblem(in.Region, part))
	}
	if in.Account != "" {
		add(accountProblem(in.Account))
	}
	out = append(out, principalProblems(in.Principal)...)
	for i, r := range in.Resources {
		for _, msg := range e.resourceProblems(r) {
			out = append(out, fmt.Sprintf("resources[%d] (%s): %s", i, r.Service, msg))
		}
	}
	return out
}

// principalProblems checks the values of the principal's trust fields with
// the rules the trust builder applies.
func principalProblems(p Principal) []string {
	var out []string
	check := func(val string, problem func(string) string) {
		if val != "" {
			if msg := problem(val); msg != "" {
				out = append(out, "principal: "+msg)
			}
		}
	}
	name := genericNameProblem
	if p.Kind == PrincipalLambda {
		name = lambdaNameProblem
	}
	check(p.Name, name)
	check(p.Repository, ruleProblem(repoRE, "GitHub repository", "owner/name"))
	check(p.Ref, ruleProblem(githubRefRE, "GitHub OIDC subject suffix", "ref:refs/heads/NAME, ref:refs/tags/NAME, environment:NAME or pull_request"))
	check(p.OIDCIssuer, ruleProblem(eksIssuerRE, "EKS OIDC issuer", "oidc.eks.REGION.amazonaws.com/id/ID, without https://"))
	check(p.Namespace, ruleProblem(k8sNameRE, "Kubernetes namespace", "lower-case letters, digits, '-' and '.'"))
	check(p.ServiceAccount, ruleProblem(k8sNameRE, "Kubernetes service account", "lower-case letters, digits, '-' and '.'"))
	check(p.TrustedAccount, accountProblem)
	check(p.ExternalID, ruleProblem(externalIDRE, "external ID", "2–1000 letters, digits and +=,.@:/-"))
	return out
}

// resourceProblems checks one resource: its kind, verbs and values.
func (e *Engine) resourceProblems(r Resource) []string {
	k, ok := kindFor(r.Service, r.Type)
	if r.ARN != "" && r.Type == "" && ok {
		k, ok = e.kindForARN(r.Service, r.ARN)
	}
	if !ok {
		if _, known := kindFor(r.Service, ""); !known {
			return []string{fmt.Sprintf("service %q is not in the engine's catalogue", r.Service)}
		}
		return []string{fmt.Sprintf("%q is not a resource type the engine knows for %s (known: %s)", r.Type, r.Service, strings.Join(typesOf(r.Service), ", "))}
	}
	var out []string
	for _, v := range r.Verbs {
		switch {
		case !slices.Contains(Verbs, v):
			out = append(out, fmt.Sprintf("verb %q is not one of %s", v, joinVerbs(Verbs)))
		default:
			if _, applies := e.verbActions(k, v); !applies {
				out = append(out, fmt.Sprintf("verb %q does not apply to a %s", v, k.noun))
			}
		}
	}
	for _, v := range r.Except {
		if !slices.Contains(Verbs, v) {
			out = append(out, fmt.Sprintf("refused verb %q is not one of %s", v, joinVerbs(Verbs)))
		}
	}
	switch {
	case r.ARN != "":
		if _, msg := arnProblem(e.db, k, r.ARN); msg != "" {
			out = append(out, msg)
		}
	case r.Name != "":
		if msg := k.nameProblem(r.Name); msg != "" {
			out = append(out, msg)
		}
	}
	if strings.ContainsAny(r.Prefix, "*?$ ") {
		out = append(out, fmt.Sprintf("prefix %q must be exact, without wildcards, variables or spaces", r.Prefix))
	}
	if key := r.KMSKey; key != "" {
		kmsKind, _ := kindFor("kms", "key")
		if strings.HasPrefix(key, "arn:") {
			if _, msg := arnProblem(e.db, kmsKind, key); msg != "" {
				out = append(out, msg)
			}
		} else if msg := kmsKeyProblem(key); msg != "" {
			out = append(out, msg)
		}
	}
	return out
}

// typesOf lists the resource types the catalogue knows for a service.
func typesOf(service string) []string {
	var out []string
	for _, k := range kinds {
		if k.service == service {
			out = append(out, k.types...)
		}
	}
	return out
}

func joinKinds(ks []PrincipalKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
