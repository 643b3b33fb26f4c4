// Package external finds access that an account's resource-based and
// trust policies grant to principals outside the account and its
// organization, as IAM Access Analyzer's external-access findings do
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html).
// Each candidate principal named in an Allow statement is probed with the
// engine (backend/eval) on every action of the statement that applies to
// the resource, as a caller from another account and another organization
// whose own policies allow everything: what remains allowed is what the
// resource's owner grants.
package external

import (
	"slices"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Access is what one outside principal may do to one resource.
type Access struct {
	Resource string
	// Principal is as the policy names it: an account ID or ARN, a
	// federated provider, or "*" (anyone).
	Principal string
	Actions   []string // sorted
	// Conditional: allowed only if unknown conditions hold.
	Conditional bool
}

// probeAccount stands for an account outside the organization.
const probeAccount = "999999999999"

// Find returns the external access the snapshot's resource and trust
// policies grant under the account's resource control policies (rcps, one
// list per level, nil when none apply), sorted by resource and principal,
// and the policies that could not be read.
func Find(db *iamdb.DB, s *audit.Snapshot, rcps [][]*eval.Policy) ([]Access, []string) {
	f := &finder{db: db, s: s, rcps: rcps}
	allowAll, err := eval.Compile("caller", &policy.Document{Statements: []*policy.Statement{{
		Effect: policy.EffectAllow, Action: &policy.List{Values: []policy.Value{{Text: "*"}}}, Resource: &policy.List{Values: []policy.Value{{Text: "*"}}}}}})
	if err != nil {
		return nil, []string{err.Error()}
	}
	f.caller = []*eval.Policy{allowAll}
	for _, r := range s.ResourcePolicies {
		f.policy(r.ARN, r.Document, policy.KindResource)
	}
	for _, r := range s.Roles {
		if !r.ServiceLinked() {
			f.policy(r.ARN, r.Trust, policy.KindTrust)
		}
	}
	sort.Slice(f.out, func(i, j int) bool {
		if f.out[i].Resource != f.out[j].Resource {
			return f.out[i].Resource < f.out[j].Resource
		}
		return f.out[i].Principal < f.out[j].Principal
	})
	return f.out, f.problems
}

type finder struct {
	db       *iamdb.DB
	s        *audit.Snapshot
	caller   []*eval.Policy
	rcps     [][]*eval.Policy
	ev       eval.Evaluator
	out      []Access
	problems []string
}

func (f *finder) policy(arn string, doc []byte, kind policy.Kind) {
	d, err := policy.Parse(arn, doc, kind)
	if err != nil {
		f.problems = append(f.problems, arn+": "+err.Error())
		return
	}
	cp, err := eval.Compile(arn, d)
	if err != nil {
		f.problems = append(f.problems, arn+": "+err.Error())
		return
	}
	res, err := policy.ParseARN(arn)
	if err != nil {
		f.problems = append(f.problems, arn+": "+err.Error())
		return
	}
	service := res.Service
	if kind == policy.KindTrust {
		service = "sts"
	}
	for _, st := range d.Statements {
		if st.Effect != policy.EffectAllow || st.Principal == nil {
			continue
		}
		for _, who := range f.outsiders(st.Principal) {
			f.probe(arn, service, cp, st, who)
		}
	}
}

// outsiders returns the principals a statement names that are outside the
// account: "*", other accounts and their principals, federated providers.
func (f *finder) outsiders(p *policy.Principal) []string {
	var out []string
	if p.Wildcard {
		out = append(out, "*")
	}
	for _, v := range p.AWS.Strings() {
		acct := v
		if a, err := policy.ParseARN(v); err == nil {
			acct = a.Account
		}
		if v == "*" || acct != f.s.Account {
			out = append(out, v)
		}
	}
	return append(out, p.Federated.Strings()...)
}

// caller returns the request principal that stands for who.
func caller(who string) string {
	switch {
	case who == "*":
		return "arn:aws:iam::" + probeAccount + ":role/external-probe"
	case strings.HasPrefix(who, "arn:aws:iam::") && strings.HasSuffix(who, ":root"):
		return strings.TrimSuffix(who, "root") + "role/external-probe"
	case len(who) == 12 && strings.Trim(who, "0123456789") == "":
		return "arn:aws:iam::" + who + ":role/external-probe"
	}
	return who
}

// probe asks the engine which of the statement's actions who may do.
func (f *finder) probe(resource, service string, cp *eval.Policy, st *policy.Statement, who string) {
	var actions []*iamdb.Action
	switch {
	case st.NotAction != nil:
		actions = f.db.ExpandNot(st.NotAction.Strings())
	case st.Action != nil:
		actions = f.db.ExpandAll(st.Action.Strings())
	}
	// The statement's own resource patterns are probed as written (a
	// bucket policy grants on "bucket/*"), the resource itself otherwise.
	targets := []string{resource}
	if rs := st.Resource.Strings(); len(rs) > 0 && !slices.Contains(rs, "*") {
		targets = rs
	}
	acc := Access{Resource: resource, Principal: who}
	conditional := true
	for _, a := range actions {
		if !strings.EqualFold(a.Service.Prefix, service) {
			continue
		}
		best := eval.ImplicitDeny
		for _, target := range targets {
			req := &eval.Request{Principal: caller(who), Action: a.FullName(), Resource: target, ResourceAccount: f.s.Account}
			req.Context.Set("aws:PrincipalOrgID", "o-external0000")
			in := &eval.Input{Identity: f.caller, Resource: cp, RCPs: f.rcps}
			r, err := f.ev.Evaluate(in, req, eval.ModeUnknown)
			if err != nil {
				f.problems = append(f.problems, resource+": "+who+" "+a.FullName()+": "+err.Error())
				return
			}
			if r.Decision == eval.Allowed || r.Decision == eval.Conditional && best != eval.Allowed {
				best = r.Decision
			}
		}
		switch best {
		case eval.Allowed:
			conditional = false
			acc.Actions = append(acc.Actions, a.FullName())
		case eval.Conditional:
			acc.Actions = append(acc.Actions, a.FullName())
		}
	}
	if len(acc.Actions) == 0 {
		return
	}
	sort.Strings(acc.Actions)
	acc.Conditional = conditional
	for i := range f.out {
		if o := &f.out[i]; o.Resource == acc.Resource && o.Principal == acc.Principal {
			o.Actions = mergeSorted(o.Actions, acc.Actions)
			o.Conditional = o.Conditional && acc.Conditional
			return
		}
	}
	f.out = append(f.out, acc)
}

func mergeSorted(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
