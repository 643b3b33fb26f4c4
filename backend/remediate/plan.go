package remediate

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/aegis-iam/aegis/backend/awsapi"
)

// Step is one IAM call of a plan: the call, why it is made, and the same
// call as an AWS CLI command.
type Step struct {
	Call awsapi.IAMCall `json:"call"`
	Why  string         `json:"why"`
	CLI  string         `json:"cli"`
}

// IAM's limit of versions per managed policy
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const maxVersions = 5

// ErrNotApplicable says a recommendation is not one remediation applies:
// nothing to change, a principal to delete, a service-linked role or an
// IAM Identity Center role.
var ErrNotApplicable = errors.New("the recommendation cannot be applied automatically")

// ErrStale says the account no longer matches what the audit or the
// preview saw: audit or preview again.
var ErrStale = errors.New("the principal's policies changed since they were read")

// change is what a recommendation asks of the principal's policies.
type change struct {
	put      map[string]string // inline name → new document
	del      []string          // inline names to delete
	rewrite  map[string]string // unshared customer managed ARN → new default document
	create   map[string]string // new customer managed ARN → document
	detach   []string          // managed ARNs to detach
	expected map[string]string // current documents by inline name or managed ARN, as the audit read them
}

// changeOf reads the recommendation of an audited principal.
func changeOf(p Principal, ap *result.Principal) (*change, error) {
	rec := ap.Recommendation
	switch {
	case rec == nil:
		return nil, fmt.Errorf("%w: %s has no recommendation (its policies could not all be read)", ErrNotApplicable, p.ARN)
	case rec.AddressTo != "":
		return nil, fmt.Errorf("%w: %s belongs to the IAM Identity Center permission set %s: change the permission set", ErrNotApplicable, p.ARN, rec.AddressTo)
	case ap.Editability != "" && ap.Editability != "editable":
		return nil, fmt.Errorf("%w: %s is %s", ErrNotApplicable, p.ARN, ap.Editability)
	case rec.Kind == rightsize.Keep:
		return nil, fmt.Errorf("%w: %s has nothing to remove", ErrNotApplicable, p.ARN)
	case rec.Kind == rightsize.Remove:
		return nil, fmt.Errorf("%w: %s was unused: deleting a principal is left to its owner", ErrNotApplicable, p.ARN)
	}
	if len(ap.Current) == 0 {
		// An audit saved before audits kept the current policies: nothing
		// to check the live state against.
		return nil, fmt.Errorf("%w: the audit does not hold %s's current policies: audit the account again", ErrStale, p.ARN)
	}
	c := &change{put: map[string]string{}, rewrite: map[string]string{}, create: map[string]string{}, expected: map[string]string{}}
	for _, cur := range ap.Current {
		c.expected[cur.Name] = string(cur.Document)
	}
	for _, pol := range rec.Policies {
		if pol.Status == "unchanged" || strings.HasPrefix(pol.Name, "group/") {
			continue
		}
		doc := string(pol.Document)
		switch {
		case !pol.Managed:
			name, ok := strings.CutPrefix(pol.Name, "inline:")
			if !ok {
				return nil, fmt.Errorf("recommended inline policy %q: want an inline:NAME name", pol.Name)
			}
			c.put[name] = doc
		case pol.Status == "rewritten":
			c.rewrite[pol.Name] = doc
		default:
			c.create[newPolicyARN(p, pol.Name)] = doc
		}
	}
	for _, name := range rec.Delete {
		if inline, ok := strings.CutPrefix(name, "inline:"); ok {
			c.del = append(c.del, inline)
		} else {
			c.detach = append(c.detach, name)
		}
	}
	c.detach = append(c.detach, rec.Detach...)
	return c, nil
}

// newPolicyARN names a new customer managed policy: a recommended name, or
// the ARN of a piece split from an existing policy.
func newPolicyARN(p Principal, name string) string {
	if strings.HasPrefix(name, "arn:") {
		return name
	}
	return "arn:" + p.Partition + ":iam::" + p.Account + ":policy/" + name
}

// scope returns the names the change reads and writes.
func (c *change) scope() scope {
	var sc scope
	for name := range c.put {
		addName(&sc.inline, name)
	}
	for _, name := range c.del {
		addName(&sc.inline, name)
	}
	for arn := range c.rewrite {
		addName(&sc.managed, arn)
		addName(&sc.attached, arn)
	}
	for arn := range c.create {
		addName(&sc.managed, arn)
		addName(&sc.attached, arn)
	}
	for _, arn := range c.detach {
		addName(&sc.attached, arn)
	}
	sort.Strings(sc.inline)
	sort.Strings(sc.managed)
	sort.Strings(sc.attached)
	return sc
}

// target returns the state the change leads to from live, after checking
// that live is what the audit saw: the documents it rewrites unchanged,
// the policies it detaches attached, the names it creates free, the
// managed policies it edits in place still attached to this principal
// only.
func (c *change) target(live State) (State, []string, error) {
	var stale []string
	want := live.clone()
	var notes []string
	for _, name := range sortedKeys(c.put) {
		cur := live.inline(name)
		exp, known := c.expected["inline:"+name]
		switch {
		case known && cur == nil:
			stale = append(stale, fmt.Sprintf("inline policy %s no longer exists", name))
		case known && !sameDocument(*cur, exp):
			stale = append(stale, fmt.Sprintf("inline policy %s changed since the audit", name))
		case !known && cur != nil:
			stale = append(stale, fmt.Sprintf("an inline policy named %s already exists", name))
		}
		doc := c.put[name]
		want.setInline(name, &doc)
	}
	for _, name := range c.del {
		if cur := live.inline(name); cur == nil || !sameDocument(*cur, c.expected["inline:"+name]) {
			stale = append(stale, fmt.Sprintf("inline policy %s changed since the audit", name))
		}
		want.setInline(name, nil)
	}
	for _, arn := range sortedKeys(c.rewrite) {
		mp := live.managed(arn)
		switch {
		case mp == nil:
			stale = append(stale, fmt.Sprintf("managed policy %s no longer exists", arn))
			continue
		case strings.Contains(arn, ":iam::aws:policy/"):
			return State{}, nil, fmt.Errorf("%w: %s is AWS managed and cannot be edited", ErrNotApplicable, arn)
		case mp.AttachmentCount != 1 || mp.BoundaryUsageCount != 0 || !live.Attached[arn]:
			stale = append(stale, fmt.Sprintf("managed policy %s is no longer attached to this principal only (%d attachments, %d as a boundary)", arn, mp.AttachmentCount, mp.BoundaryUsageCount))
			continue
		}
		if d := defaultOf(mp); d == nil || !sameDocument(d.Document, c.expected[arn]) {
			stale = append(stale, fmt.Sprintf("managed policy %s has a new default version since the audit", arn))
			continue
		}
		next, note := newDefault(mp, c.rewrite[arn])
		want.setManaged(arn, next)
		if note != "" {
			notes = append(notes, note)
		}
	}
	for _, arn := range sortedKeys(c.create) {
		if live.managed(arn) != nil {
			stale = append(stale, fmt.Sprintf("a managed policy named %s already exists", arn))
			continue
		}
		name := arn[strings.LastIndexByte(arn, '/')+1:]
		path := arn[strings.Index(arn, ":policy/")+len(":policy"):]
		path = path[:len(path)-len(name)]
		want.setManaged(arn, &awsapi.ManagedPolicy{ARN: arn, Name: name, Path: path, AttachmentCount: 1,
			Versions: []awsapi.PolicyVersion{{Document: c.create[arn], Default: true}}})
		want.Attached[arn] = true
	}
	for _, arn := range c.detach {
		if !live.Attached[arn] {
			stale = append(stale, fmt.Sprintf("%s is no longer attached", arn))
		}
		want.Attached[arn] = false
	}
	if len(stale) > 0 {
		return State{}, nil, fmt.Errorf("%w: %s: audit the account again", ErrStale, strings.Join(stale, "; "))
	}
	return want, notes, nil
}

// newDefault returns mp with doc as a new default version, the oldest
// non-default version dropped first when mp has IAM's maximum.
func newDefault(mp *awsapi.ManagedPolicy, doc string) (*awsapi.ManagedPolicy, string) {
	next := *mp
	next.Versions = nil
	note := ""
	drop := ""
	if len(mp.Versions) >= maxVersions {
		for _, v := range mp.Versions { // oldest first
			if !v.Default {
				drop = v.ID
				note = fmt.Sprintf("%s has %d versions, IAM's maximum: its oldest non-default version %s is deleted first (saved, and restored by a rollback)", mp.ARN, len(mp.Versions), v.ID)
				break
			}
		}
	}
	for _, v := range mp.Versions {
		if v.ID != drop {
			v.Default = false
			next.Versions = append(next.Versions, v)
		}
	}
	next.Versions = append(next.Versions, awsapi.PolicyVersion{Document: doc, Default: true})
	return &next, note
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// converge returns the calls that take a principal from have to want:
// new policies and versions first, then inline policies written, managed
// policies attached, then detached, inline policies deleted and policies
// deleted, so that the principal never lacks a permission both states
// grant. When the attaches would exceed IAM's quota of managed policies
// per principal, the detaches come before them.
func converge(p Principal, have, want State) []Step {
	var create, put, attach, detach, del, drop []Step
	sc := scopeOf(want)
	for _, arn := range sc.managed {
		h, w := have.managed(arn), want.managed(arn)
		switch {
		case w == nil && h != nil:
			drop = append(drop, deletePolicy(h)...)
		case w != nil && h == nil:
			create = append(create, createPolicy(w)...)
		case w != nil:
			create = append(create, versions(h, w)...)
		}
	}
	for _, name := range sc.inline {
		h, w := have.inline(name), want.inline(name)
		switch {
		case w == nil && h != nil:
			del = append(del, step(fmt.Sprintf("delete the inline policy %s", name), "Delete"+title(p.Kind)+"Policy", p.Kind, p.Name, "PolicyName", name))
		case w != nil && (h == nil || !sameDocument(*h, *w)):
			put = append(put, step(fmt.Sprintf("write the inline policy %s", name), "Put"+title(p.Kind)+"Policy", p.Kind, p.Name, "PolicyName", name, "PolicyDocument", *w))
		}
	}
	for _, arn := range sc.attached {
		switch w := want.Attached[arn]; {
		case w && !have.Attached[arn]:
			attach = append(attach, step("attach "+arn, "Attach"+title(p.Kind)+"Policy", p.Kind, p.Name, "PolicyArn", arn))
		case !w && have.Attached[arn]:
			detach = append(detach, step("detach "+arn, "Detach"+title(p.Kind)+"Policy", p.Kind, p.Name, "PolicyArn", arn))
		}
	}
	if detachFirst(have, len(attach)) {
		return slices.Concat(create, put, detach, attach, del, drop)
	}
	return slices.Concat(create, put, attach, detach, del, drop)
}

// detachFirst reports whether attaching n policies before detaching any
// would exceed IAM's default quota of managed policies per user or role,
// so that the detaches must come first.
func detachFirst(have State, n int) bool {
	return n > 0 && have.AttachedTotal+n > rightsize.ManagedPerEntity
}

// versions returns the calls that give an existing managed policy want's
// versions: the wanted default made default if it exists, unwanted
// versions deleted, missing ones created (the default last), and the old
// default deleted once another is default.
func versions(have, want *awsapi.ManagedPolicy) []Step {
	arn := have.ARN
	var out []Step
	current := ""
	if d := defaultOf(have); d != nil {
		current = d.ID
	}
	wantIDs := map[string]bool{}
	for _, v := range want.Versions {
		if v.ID != "" {
			wantIDs[v.ID] = true
		}
	}
	exists := func(id string) bool {
		return slices.ContainsFunc(have.Versions, func(v awsapi.PolicyVersion) bool { return v.ID == id })
	}
	if wd := defaultOf(want); wd != nil && wd.ID != "" && exists(wd.ID) && wd.ID != current {
		out = append(out, step("make "+wd.ID+" the default version of "+arn, "SetDefaultPolicyVersion", "", "", "PolicyArn", arn, "VersionId", wd.ID))
		current = wd.ID
	}
	for _, v := range have.Versions {
		if !wantIDs[v.ID] && v.ID != current {
			out = append(out, step("delete version "+v.ID+" of "+arn, "DeletePolicyVersion", "", "", "PolicyArn", arn, "VersionId", v.ID))
		}
	}
	var missing []awsapi.PolicyVersion
	for _, v := range want.Versions {
		if v.ID == "" || !exists(v.ID) {
			missing = append(missing, v)
		}
	}
	sort.SliceStable(missing, func(i, j int) bool { return !missing[i].Default && missing[j].Default })
	for _, v := range missing {
		why := "create a new default version of " + arn
		if !v.Default {
			why = "recreate version " + v.ID + " of " + arn + " (IAM assigns it a new ID)"
		}
		out = append(out, step(why, "CreatePolicyVersion", "", "", "PolicyArn", arn, "PolicyDocument", v.Document, "SetAsDefault", fmt.Sprint(v.Default)))
	}
	if current != "" && !wantIDs[current] && len(missing) > 0 && missing[len(missing)-1].Default {
		out = append(out, step("delete the previous default version "+current+" of "+arn, "DeletePolicyVersion", "", "", "PolicyArn", arn, "VersionId", current))
	}
	return out
}

// createPolicy returns the calls that create a managed policy with want's
// versions.
func createPolicy(want *awsapi.ManagedPolicy) []Step {
	d := defaultOf(want)
	if d == nil {
		return nil
	}
	out := []Step{step("create the customer managed policy "+want.ARN, "CreatePolicy", "", "", "PolicyName", want.Name, "Path", want.Path, "PolicyDocument", d.Document,
		"Description", "Right-sized by Aegis IAM")}
	for _, v := range want.Versions {
		if !v.Default {
			out = append(out, step("recreate version "+v.ID+" of "+want.ARN+" (IAM assigns it a new ID)", "CreatePolicyVersion", "", "", "PolicyArn", want.ARN, "PolicyDocument", v.Document, "SetAsDefault", "false"))
		}
	}
	return out
}

// deletePolicy returns the calls that delete a managed policy: its
// non-default versions first, as IAM requires.
func deletePolicy(have *awsapi.ManagedPolicy) []Step {
	var out []Step
	for _, v := range have.Versions {
		if !v.Default {
			out = append(out, step("delete version "+v.ID+" of "+have.ARN, "DeletePolicyVersion", "", "", "PolicyArn", have.ARN, "VersionId", v.ID))
		}
	}
	return append(out, step("delete the customer managed policy "+have.ARN, "DeletePolicy", "", "", "PolicyArn", have.ARN))
}

// step builds a call; kind and name, when set, add RoleName or UserName.
func step(why, op, kind, name string, kv ...string) Step {
	params := map[string]string{}
	if kind != "" {
		params[title(kind)+"Name"] = name
	}
	for i := 0; i+1 < len(kv); i += 2 {
		params[kv[i]] = kv[i+1]
	}
	c := awsapi.IAMCall{Operation: op, Params: params}
	return Step{Call: c, Why: why, CLI: CLI(c)}
}

func title(kind string) string {
	if kind == "" {
		return ""
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}
