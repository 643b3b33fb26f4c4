package remediate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/policy"
)

// IAM is what remediation needs from IAM: the reads that capture and
// verify a principal's state, and one write call at a time.
// *awsapi.IAMWriter implements it.
type IAM interface {
	InlinePolicy(ctx context.Context, kind, principal, name string) (string, bool, error)
	AttachedPolicies(ctx context.Context, kind, principal string) ([]string, error)
	ManagedPolicy(ctx context.Context, arn string) (*awsapi.ManagedPolicy, error)
	Do(ctx context.Context, c awsapi.IAMCall) (map[string]string, error)
}

// Principal is the user or role a remediation changes.
type Principal struct {
	ARN       string `json:"arn"`
	Kind      string `json:"kind"` // user or role
	Name      string `json:"name"`
	Account   string `json:"account"`
	Partition string `json:"partition"`
}

// principalOf reads a user's or role's ARN
// (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME).
func principalOf(arn string) (Principal, error) {
	a, err := policy.ParseARN(arn)
	if err != nil {
		return Principal{}, fmt.Errorf("principal %q: %w", arn, err)
	}
	kind, rest, _ := strings.Cut(a.Resource, "/")
	if a.Service != "iam" || (kind != "role" && kind != "user") || rest == "" {
		return Principal{}, fmt.Errorf("principal %q is not an IAM user or role", arn)
	}
	return Principal{ARN: arn, Kind: kind, Name: rest[strings.LastIndexByte(rest, '/')+1:], Account: a.Account, Partition: a.Partition}, nil
}

// State is the part of a principal's identity policies a remediation
// touches: the named inline policies (nil: the principal has none of that
// name), whether each named managed policy is attached, and the named
// customer managed policies with every version, sorted by ARN.
type State struct {
	Inline   []InlineState   `json:"inline"`
	Attached map[string]bool `json:"attached"`
	Managed  []ManagedState  `json:"managed"`
	// AttachedTotal counts every managed policy attached to the
	// principal, named or not: IAM limits how many it may have.
	AttachedTotal int `json:"attachedTotal"`
}

// InlineState is one inline policy of a State: its document, when the
// principal has an inline policy of that name.
type InlineState struct {
	Name     string `json:"name"`
	Exists   bool   `json:"exists"`
	Document string `json:"document,omitempty"`
}

// inline returns the document of the inline policy name, nil when absent.
func (s State) inline(name string) *string {
	for _, p := range s.Inline {
		if p.Name == name && p.Exists {
			return &p.Document
		}
	}
	return nil
}

// setInline records the inline policy name (doc nil: absent), keeping the
// list sorted.
func (s *State) setInline(name string, doc *string) {
	p := InlineState{Name: name}
	if doc != nil {
		p.Exists, p.Document = true, *doc
	}
	i, found := slices.BinarySearchFunc(s.Inline, name, func(p InlineState, name string) int { return strings.Compare(p.Name, name) })
	if found {
		s.Inline[i] = p
		return
	}
	s.Inline = slices.Insert(s.Inline, i, p)
}

// ManagedState is one customer managed policy of a State; Policy is nil
// when no policy has the ARN.
type ManagedState struct {
	ARN    string                `json:"arn"`
	Policy *awsapi.ManagedPolicy `json:"policy"`
}

// managed returns the policy of arn, nil when absent or unknown.
func (s State) managed(arn string) *awsapi.ManagedPolicy {
	for _, m := range s.Managed {
		if m.ARN == arn {
			return m.Policy
		}
	}
	return nil
}

// setManaged records the policy of arn, keeping the list sorted.
func (s *State) setManaged(arn string, p *awsapi.ManagedPolicy) {
	i, found := slices.BinarySearchFunc(s.Managed, arn, func(m ManagedState, arn string) int { return strings.Compare(m.ARN, arn) })
	if found {
		s.Managed[i].Policy = p
		return
	}
	s.Managed = slices.Insert(s.Managed, i, ManagedState{ARN: arn, Policy: p})
}

// scope names what a State holds.
type scope struct {
	inline, attached, managed []string
}

// addName appends v to a name list once.
func addName(to *[]string, v string) {
	if !slices.Contains(*to, v) {
		*to = append(*to, v)
	}
}

// scopeOf returns the names a state holds.
func scopeOf(s State) scope {
	var sc scope
	for _, p := range s.Inline {
		sc.inline = append(sc.inline, p.Name)
	}
	for k := range s.Attached {
		sc.attached = append(sc.attached, k)
	}
	for _, m := range s.Managed {
		sc.managed = append(sc.managed, m.ARN)
	}
	sort.Strings(sc.inline)
	sort.Strings(sc.attached)
	sort.Strings(sc.managed)
	return sc
}

// read captures the live state of sc.
func read(ctx context.Context, iam IAM, p Principal, sc scope) (State, error) {
	s := State{Inline: []InlineState{}, Attached: map[string]bool{}, Managed: []ManagedState{}}
	for _, name := range sc.inline {
		doc, ok, err := iam.InlinePolicy(ctx, p.Kind, p.Name, name)
		if err != nil {
			return State{}, err
		}
		if ok {
			s.setInline(name, &doc)
		} else {
			s.setInline(name, nil)
		}
	}
	if len(sc.attached) > 0 {
		arns, err := iam.AttachedPolicies(ctx, p.Kind, p.Name)
		if err != nil {
			return State{}, err
		}
		for _, arn := range sc.attached {
			s.Attached[arn] = slices.Contains(arns, arn)
		}
		s.AttachedTotal = len(arns)
	}
	for _, arn := range sc.managed {
		mp, err := iam.ManagedPolicy(ctx, arn)
		if err != nil {
			return State{}, err
		}
		s.setManaged(arn, mp)
	}
	return s, nil
}

// clone deep-copies a state.
func (s State) clone() State {
	c := State{Inline: slices.Clone(s.Inline), Attached: maps.Clone(s.Attached), Managed: []ManagedState{}}
	for _, m := range s.Managed {
		var p *awsapi.ManagedPolicy
		if m.Policy != nil {
			cp := *m.Policy
			cp.Versions = slices.Clone(m.Policy.Versions)
			p = &cp
		}
		c.Managed = append(c.Managed, ManagedState{ARN: m.ARN, Policy: p})
	}
	if c.Attached == nil {
		c.Attached = map[string]bool{}
	}
	return c
}

// diff lists how have differs from want, in words; empty when have is
// want. Documents are compared by meaning (whitespace and the order of
// object keys do not count); a managed policy's default version must have
// want's ID when want names one, and its other versions must hold the
// same documents (IAM assigns the ID of a recreated version).
func diff(have, want State) []string {
	var out []string
	sc := scopeOf(want)
	for _, name := range sc.inline {
		h, w := have.inline(name), want.inline(name)
		switch {
		case w == nil && h != nil:
			out = append(out, fmt.Sprintf("inline policy %s exists, want none", name))
		case w != nil && h == nil:
			out = append(out, fmt.Sprintf("inline policy %s is missing", name))
		case w != nil && !sameDocument(*h, *w):
			out = append(out, fmt.Sprintf("inline policy %s has another document", name))
		}
	}
	for _, arn := range sc.attached {
		if have.Attached[arn] != want.Attached[arn] {
			if want.Attached[arn] {
				out = append(out, fmt.Sprintf("%s is not attached", arn))
			} else {
				out = append(out, fmt.Sprintf("%s is still attached", arn))
			}
		}
	}
	for _, arn := range sc.managed {
		h, w := have.managed(arn), want.managed(arn)
		switch {
		case w == nil && h != nil:
			out = append(out, fmt.Sprintf("managed policy %s exists, want none", arn))
		case w != nil && h == nil:
			out = append(out, fmt.Sprintf("managed policy %s is missing", arn))
		case w != nil:
			out = append(out, versionDiff(arn, h, w)...)
		}
	}
	return out
}

func versionDiff(arn string, have, want *awsapi.ManagedPolicy) []string {
	var out []string
	hd, wd := defaultOf(have), defaultOf(want)
	switch {
	case hd == nil || wd == nil:
		out = append(out, fmt.Sprintf("managed policy %s has no default version", arn))
	case !sameDocument(hd.Document, wd.Document):
		out = append(out, fmt.Sprintf("managed policy %s: the default version %s has another document", arn, hd.ID))
	case wd.ID != "" && hd.ID != wd.ID:
		out = append(out, fmt.Sprintf("managed policy %s: the default version is %s, want %s", arn, hd.ID, wd.ID))
	}
	if h, w := otherDocuments(have), otherDocuments(want); !slices.Equal(h, w) {
		out = append(out, fmt.Sprintf("managed policy %s: %d non-default versions with other documents, want %d", arn, len(h), len(w)))
	}
	return out
}

func defaultOf(p *awsapi.ManagedPolicy) *awsapi.PolicyVersion {
	for i := range p.Versions {
		if p.Versions[i].Default {
			return &p.Versions[i]
		}
	}
	return nil
}

// otherDocuments returns the canonical documents of the non-default
// versions, sorted.
func otherDocuments(p *awsapi.ManagedPolicy) []string {
	var out []string
	for _, v := range p.Versions {
		if !v.Default {
			out = append(out, canonical(v.Document))
		}
	}
	sort.Strings(out)
	return out
}

// canonical prints a policy document as the policy package formats it, so
// that two spellings of one policy compare equal; a document it cannot
// parse is compacted JSON.
func canonical(doc string) string {
	if d, err := policy.Parse("document", []byte(doc), policy.KindIdentity); err == nil {
		return string(policy.Format(d))
	}
	var b bytes.Buffer
	if json.Compact(&b, []byte(doc)) == nil {
		return b.String()
	}
	return doc
}

func sameDocument(a, b string) bool {
	if canonical(a) == canonical(b) {
		return true
	}
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}
