// Package rightsize writes, for each audited principal, the identity
// policies it should have: every used, unknown and too-new permission kept
// (what cannot be seen is never removed), unused ones and dead grants
// dropped, Deny statements copied untouched, resource scopes and conditions
// kept as they were, action lists minimized to the shortest patterns that
// match nothing unused, IAM's size limits respected. A shared managed
// policy is never edited for one principal: it is detached and replaced by
// a principal-specific policy. Each recommendation carries two proofs from
// backend/eval: it grants no new access (Contains), and it still allows
// every kept permission on the resources it is granted on (StillAllowed).
//
// The approach follows IAM Access Analyzer's unused-permission
// recommendations
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings-remediate.html)
// and Repokid's per-statement removal.
package rightsize

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Kind is what a recommendation asks for.
type Kind string

// Kinds of recommendation.
const (
	Keep            Kind = "keep"              // nothing to remove
	Rewrite         Kind = "rewrite"           // edit inline or unshared customer managed policies
	DetachAndCreate Kind = "detach-and-create" // detach shared managed policies, attach principal-specific ones
	Remove          Kind = "remove"            // the principal is unused: delete it
)

// IAM's size limits, in characters not counting whitespace
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const (
	ManagedPolicySize = 6144
	RoleInlineSize    = 10240
	UserInlineSize    = 2048
	ManagedPerEntity  = 10 // default quota of managed policies per user or role
)

// Recommendation is the change proposed for one principal.
type Recommendation struct {
	Kind Kind
	// AddressTo names who applies it when not the principal's own
	// policies: the IAM Identity Center permission set of an
	// AWSReservedSSO_ role.
	AddressTo string
	// Policies is the principal's complete set of identity policies after
	// the change (unchanged ones included).
	Policies []Policy
	// Detach are the managed policies to detach; Replace the inline or
	// unshared customer managed policies rewritten in place; Delete those
	// left with nothing to allow (inline ones deleted, managed ones
	// detached).
	Detach, Replace, Delete []string
	Proof                   Proof
	// Notes explain what could not be done (a group policy granting unused
	// permissions, a quota exceeded).
	Notes []string
}

// Policy is one identity policy of the recommended set.
type Policy struct {
	// Name is the policy name: an existing inline name, an existing managed
	// ARN, or a new policy's name.
	Name string
	// Status: "unchanged", "rewritten" or "new".
	Status string
	// Managed is true for managed policies (new ones are customer managed).
	Managed  bool
	Document *policy.Document
}

// Proof is what the evaluator proved about a recommendation.
type Proof struct {
	// NoNewAccess is Contains' verdict of old ⊇ new; Reasons explain a
	// possibly-new-access verdict.
	NoNewAccess eval.Verdict
	Reasons     []string
	// CoversUsage: every kept permission is still allowed on every
	// resource it is granted on today. Lost lists the ones that are not.
	CoversUsage bool
	Lost        []string
}

// For writes the recommendation for one judged principal.
func For(db *iamdb.DB, s *audit.Snapshot, p *unused.Principal) (*Recommendation, error) {
	rec := &Recommendation{Kind: Keep, AddressTo: p.PermissionSet}
	old := compiledSet(p.Identity)
	if p.Editability == unused.ServiceLinked {
		rec.Notes = append(rec.Notes, "service-linked role: its policies belong to the AWS service and are never rewritten")
		rec.Policies = unchanged(p.Identity)
		return rec, prove(db, p, old, old, rec)
	}
	if p.Activity.State == audit.StateUnused {
		rec.Kind = Remove
		rec.Notes = append(rec.Notes, "the principal was not used in the window: delete it (or its credentials)")
		return rec, nil
	}
	keep := keptActions(db, p)
	observed := observedResources(p)
	var newSet []*eval.Policy
	size := 0
	for _, ip := range p.Identity {
		if !grantsDropped(db, ip, p, keep) && !narrows(p, ip.Compiled.Doc, observed) {
			rec.Policies = append(rec.Policies, Policy{Name: ip.Name, Status: "unchanged", Managed: ip.ManagedARN != "", Document: ip.Compiled.Doc})
			newSet = append(newSet, ip.Compiled)
			if ip.ManagedARN == "" {
				size += policySize(ip.Compiled.Doc)
			}
			continue
		}
		if ip.Group != "" {
			rec.Policies = append(rec.Policies, Policy{Name: ip.Name, Status: "unchanged", Managed: ip.ManagedARN != "", Document: ip.Compiled.Doc})
			newSet = append(newSet, ip.Compiled)
			rec.Notes = append(rec.Notes, fmt.Sprintf("%s grants unused permissions through group %s: right-size the group for all its members", ip.Name, ip.Group))
			continue
		}
		docs := rewrite(db, p, ip.Compiled.Doc, keep, observed)
		shared := ip.ManagedARN != "" && !unsharedCustomer(s, ip.ManagedARN)
		for i, d := range docs {
			name := ip.Name
			status := "rewritten"
			switch {
			case shared:
				name, status = newPolicyName(p, ip, i, len(docs)), "new"
			case i > 0:
				name, status = fmt.Sprintf("%s-%d", ip.Name, i+1), "new"
			}
			managed := ip.ManagedARN != ""
			rec.Policies = append(rec.Policies, Policy{Name: name, Status: status, Managed: managed, Document: d})
			cp, err := eval.Compile(name, d)
			if err != nil {
				return nil, fmt.Errorf("%s: rewritten %s: %w", p.ARN, ip.Name, err)
			}
			newSet = append(newSet, cp)
			if !managed {
				size += policySize(d)
			}
		}
		switch {
		case len(docs) == 0:
			rec.Delete = append(rec.Delete, ip.Name)
			if rec.Kind == Keep {
				rec.Kind = Rewrite
			}
		case shared:
			rec.Detach = append(rec.Detach, ip.ManagedARN)
			rec.Kind = DetachAndCreate
		default:
			rec.Replace = append(rec.Replace, ip.Name)
			if rec.Kind == Keep {
				rec.Kind = Rewrite
			}
		}
	}
	rec.Notes = append(rec.Notes, limits(p, rec, size)...)
	return rec, prove(db, p, old, newSet, rec)
}

func unchanged(ps []*effective.Policy) []Policy {
	var out []Policy
	for _, ip := range ps {
		out = append(out, Policy{Name: ip.Name, Status: "unchanged", Managed: ip.ManagedARN != "", Document: ip.Compiled.Doc})
	}
	return out
}

// unsharedCustomer reports whether a managed policy is a customer managed
// policy attached only here, which may be edited in place.
func unsharedCustomer(s *audit.Snapshot, arn string) bool {
	for i := range s.Policies {
		mp := &s.Policies[i]
		if mp.ARN == arn {
			return !mp.AWSManaged() && mp.AttachmentCount == 1 && mp.BoundaryUsageCount == 0
		}
	}
	return false
}

func newPolicyName(p *unused.Principal, ip *effective.Policy, i, n int) string {
	base := ip.ManagedARN[strings.LastIndexByte(ip.ManagedARN, '/')+1:]
	name := p.Name + "-" + base
	if n > 1 {
		name += fmt.Sprintf("-%d", i+1)
	}
	return name
}

// keptActions returns the actions to keep: used, unknown and too-new,
// plus the documented dependent actions of used ones that the principal
// holds today.
func keptActions(db *iamdb.DB, p *unused.Principal) map[*iamdb.Action]bool {
	keep := make(map[*iamdb.Action]bool, len(p.Permissions))
	live := make(map[*iamdb.Action]bool, len(p.Permissions))
	for _, perm := range p.Permissions {
		a := perm.Grant().Action
		live[a] = true
		if perm.Verdict.State != audit.StateUnused {
			keep[a] = true
		}
	}
	for _, perm := range p.Permissions {
		if perm.Verdict.State != audit.StateUsed {
			continue
		}
		for _, dep := range perm.Grant().Action.DependentActions {
			if a, ok := db.Action(dep); ok && live[a] {
				keep[a] = true
			}
		}
	}
	return keep
}

// observedResources returns the used actions that can be scoped to
// resources, with the resources they were used on (unused.Permission's
// Resources: known only where the logs see every call).
func observedResources(p *unused.Principal) map[*iamdb.Action][]string {
	out := map[*iamdb.Action][]string{}
	for _, perm := range p.Permissions {
		if a := perm.Grant().Action; len(perm.Resources) > 0 && !a.WildcardOnly() {
			out[a] = perm.Resources
		}
	}
	return out
}

// allResources reports whether a statement grants on every resource
// (Resource "*"): the scope narrowing replaces.
func allResources(st *policy.Statement) bool {
	return st.NotResource == nil && st.Resource != nil && slices.Equal(st.Resource.Strings(), []string{"*"})
}

// narrows reports whether a document has an Allow statement on every
// resource that grants an action with observed resources.
func narrows(p *unused.Principal, doc *policy.Document, observed map[*iamdb.Action][]string) bool {
	for _, st := range doc.Statements {
		if st.Effect == policy.EffectAllow && allResources(st) {
			for _, a := range p.StatementActions(st) {
				if observed[a] != nil {
					return true
				}
			}
		}
	}
	return false
}

// grantsDropped reports whether a policy allows an action the principal
// holds that is not kept.
func grantsDropped(db *iamdb.DB, ip *effective.Policy, p *unused.Principal, keep map[*iamdb.Action]bool) bool {
	dropped := make(map[*iamdb.Action]bool, len(p.Grants))
	for i := range p.Grants {
		if a := p.Grants[i].Action; !keep[a] {
			dropped[a] = true
		}
	}
	if len(dropped) == 0 {
		return false // every grant is kept: no need to expand the statements
	}
	for _, st := range ip.Compiled.Doc.Statements {
		if st.Effect != policy.EffectAllow {
			continue
		}
		for _, a := range p.StatementActions(st) {
			if dropped[a] {
				return true
			}
		}
	}
	return false
}

// rewrite returns doc with each Allow statement limited to the kept actions
// it grants (minimized; NotAction becomes an Action list), statements left
// empty dropped, Deny statements untouched, split to fit the managed
// policy size limit. An Allow statement on every resource ("*") gives its
// actions with observed resources statements of their own on those
// resources, with its conditions: what was used stays allowed where it was
// used, and nothing else is added.
func rewrite(db *iamdb.DB, p *unused.Principal, doc *policy.Document, keep map[*iamdb.Action]bool, observed map[*iamdb.Action][]string) []*policy.Document {
	var sts []*policy.Statement
	for _, st := range doc.Statements {
		if st.Effect != policy.EffectAllow {
			c := *st
			sts = append(sts, &c)
			continue
		}
		narrow := allResources(st)
		var kept []*iamdb.Action
		scoped := map[string][]*iamdb.Action{} // resources, NUL-joined → actions
		for _, a := range p.StatementActions(st) {
			switch {
			case !keep[a]:
			case narrow && observed[a] != nil:
				k := strings.Join(observed[a], "\x00")
				scoped[k] = append(scoped[k], a)
			default:
				kept = append(kept, a)
			}
		}
		if len(kept) > 0 {
			c := *st
			c.NotAction = nil
			c.Action = list(Minimize(db, kept))
			sts = append(sts, &c)
		}
		for i, k := range slices.Sorted(maps.Keys(scoped)) {
			c := *st
			if c.Sid.Text != "" {
				c.Sid = policy.Value{Text: fmt.Sprintf("%sUsed%d", c.Sid.Text, i+1)}
			}
			c.NotAction = nil
			c.Action = list(Minimize(db, scoped[k]))
			c.Resource = list(strings.Split(k, "\x00"))
			sts = append(sts, &c)
		}
	}
	return split(&policy.Document{Version: policy.Value{Text: "2012-10-17"}, StatementList: true}, sts)
}

func list(vs []string) *policy.List {
	l := &policy.List{}
	for _, v := range vs {
		l.Values = append(l.Values, policy.Value{Text: v})
	}
	return l
}

// policySize is a document's size as IAM counts it: characters that are
// not whitespace.
func policySize(doc *policy.Document) int {
	n := 0
	for _, r := range string(policy.Format(doc)) {
		if r != ' ' && r != '\n' && r != '\t' && r != '\r' {
			n++
		}
	}
	return n
}

// split packs statements into documents of at most ManagedPolicySize,
// halving a statement's action list when it alone is too large.
func split(head *policy.Document, sts []*policy.Statement) []*policy.Document {
	fits := func(sts []*policy.Statement) bool {
		d := *head
		d.Statements = sts
		return policySize(&d) <= ManagedPolicySize
	}
	var pieces []*policy.Statement
	var cut func(st *policy.Statement)
	cut = func(st *policy.Statement) {
		if fits([]*policy.Statement{st}) || st.Action.Len() < 2 {
			pieces = append(pieces, st)
			return
		}
		half := st.Action.Len() / 2
		a, b := *st, *st
		a.Action = &policy.List{Values: st.Action.Values[:half]}
		b.Action = &policy.List{Values: st.Action.Values[half:]}
		cut(&a)
		cut(&b)
	}
	for _, st := range sts {
		cut(st)
	}
	var out []*policy.Document
	var cur []*policy.Statement
	flush := func() {
		if len(cur) > 0 {
			d := *head
			d.Statements = cur
			out = append(out, &d)
			cur = nil
		}
	}
	for _, st := range pieces {
		if len(cur) > 0 && !fits(append(cur[:len(cur):len(cur)], st)) {
			flush()
		}
		cur = append(cur, st)
	}
	flush()
	for _, d := range out {
		for i, st := range d.Statements {
			st.Index = i
		}
	}
	return out
}

// limits notes the quotas the recommended set exceeds.
func limits(p *unused.Principal, rec *Recommendation, inline int) []string {
	var notes []string
	limit := RoleInlineSize
	if p.Kind == effective.KindUser {
		limit = UserInlineSize
	}
	if inline > limit {
		notes = append(notes, fmt.Sprintf("the inline policies total %d characters, over IAM's %d: make the largest ones customer managed", inline, limit))
	}
	managed := 0
	for _, pol := range rec.Policies {
		if pol.Managed && !strings.HasPrefix(pol.Name, "group/") {
			managed++
		}
	}
	if managed > ManagedPerEntity {
		notes = append(notes, fmt.Sprintf("%d managed policies, over the default quota of %d per %s: raise the quota or merge them", managed, ManagedPerEntity, p.Kind))
	}
	return notes
}

// prove checks the recommendation with the evaluator.
func prove(db *iamdb.DB, p *unused.Principal, old, newSet []*eval.Policy, rec *Recommendation) error {
	c := eval.Contains(db, old, newSet)
	rec.Proof.NoNewAccess, rec.Proof.Reasons = c.Verdict, c.Reasons
	var rows []eval.UsageRow
	for _, perm := range p.Permissions {
		if perm.Verdict.State == audit.StateUnused {
			continue
		}
		resources := perm.Grant().Resources
		if len(perm.Resources) > 0 {
			resources = perm.Resources // used where observed: the scope kept
		}
		for _, r := range resources {
			rows = append(rows, eval.UsageRow{Action: perm.Action, Resource: r})
		}
	}
	lost, err := eval.StillAllowed(p.ARN, old, newSet, rows)
	if err != nil {
		return fmt.Errorf("%s: %w", p.ARN, err)
	}
	for _, l := range lost {
		rec.Proof.Lost = append(rec.Proof.Lost, l.Row.Action+" on "+l.Row.Resource)
	}
	sort.Strings(rec.Proof.Lost)
	rec.Proof.CoversUsage = len(lost) == 0
	return nil
}

func compiledSet(ps []*effective.Policy) []*eval.Policy {
	out := make([]*eval.Policy, len(ps))
	for i, p := range ps {
		out[i] = p.Compiled
	}
	return out
}
