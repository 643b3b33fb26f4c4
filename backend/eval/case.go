package eval

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/aegis-iam/aegis/backend/policy"
)

// Case is one simulation case in the format of "aegis simulate" (see
// docs/simulate.md): a request and the policies that apply to it. Every
// policy is a {"name", "document"} object, or null where absent.
type Case struct {
	Request             Request            `json:"request"`
	IdentityPolicies    []*NamedDocument   `json:"identityPolicies"`
	ResourcePolicy      *NamedDocument     `json:"resourcePolicy"`
	PermissionsBoundary *NamedDocument     `json:"permissionsBoundary"`
	SessionPolicy       *NamedDocument     `json:"sessionPolicy"`
	SCPs                [][]*NamedDocument `json:"scps"`
	RCPs                [][]*NamedDocument `json:"rcps"`
}

// NamedDocument is a policy with the name reported in matched statements.
type NamedDocument struct {
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
}

// Cache compiles policy documents once: a document seen again (same
// bytes, kind and name) gets the Policy compiled the first time. The map is
// keyed by the document's bytes, so a lookup hashes the content and never
// confuses two documents. It is safe for concurrent use.
type Cache struct {
	mu sync.RWMutex
	m  map[string][]cached
}

type cached struct {
	kind policy.Kind
	name string
	p    *Policy
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{m: make(map[string][]cached)} }

// Compile parses and compiles a document as kind, or returns the Policy
// compiled earlier for identical input.
func (c *Cache) Compile(name string, src []byte, kind policy.Kind) (*Policy, error) {
	c.mu.RLock()
	for _, e := range c.m[string(src)] {
		if e.kind == kind && e.name == name {
			c.mu.RUnlock()
			return e.p, nil
		}
	}
	c.mu.RUnlock()
	doc, err := policy.Parse(name, src, kind)
	if err != nil {
		return nil, err
	}
	p, err := Compile(name, doc)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.m[string(src)] = append(c.m[string(src)], cached{kind, name, p})
	c.mu.Unlock()
	return p, nil
}

// Input compiles the case's policies (through cache) and builds its request.
func (cs *Case) Input(cache *Cache) (*Input, *Request, error) {
	in, req := &Input{}, &Request{}
	if err := cs.fill(cache, in, req); err != nil {
		return nil, nil, err
	}
	return in, req, nil
}

// fill builds the case's input and request into in and req, reusing their
// slices.
func (cs *Case) fill(cache *Cache, in *Input, req *Request) error {
	compile := func(what string, nd *NamedDocument, kind policy.Kind) (*Policy, error) {
		if nd == nil {
			return nil, nil
		}
		if len(nd.Document) == 0 || string(nd.Document) == "null" {
			return nil, fmt.Errorf("%s %q: no document", what, nd.Name)
		}
		p, err := cache.Compile(nd.Name, nd.Document, kind)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", what, nd.Name, err)
		}
		return p, nil
	}
	in.Identity = in.Identity[:0]
	for i, nd := range cs.IdentityPolicies {
		if nd == nil {
			return fmt.Errorf("identityPolicies[%d] is null", i)
		}
		p, err := compile("identity policy", nd, policy.KindIdentity)
		if err != nil {
			return err
		}
		in.Identity = append(in.Identity, p)
	}
	var err error
	if in.Resource, err = compile("resource policy", cs.ResourcePolicy, policy.KindResource); err != nil {
		return err
	}
	if in.Boundary, err = compile("permissions boundary", cs.PermissionsBoundary, policy.KindBoundary); err != nil {
		return err
	}
	if in.Session, err = compile("session policy", cs.SessionPolicy, policy.KindSession); err != nil {
		return err
	}
	levels := func(what string, lv [][]*NamedDocument, kind policy.Kind, out [][]*Policy) ([][]*Policy, error) {
		out = out[:0]
		for i, level := range lv {
			var ps []*Policy
			if i < cap(out) {
				ps = out[:i+1][i][:0]
			}
			for j, nd := range level {
				if nd == nil {
					return nil, fmt.Errorf("%s[%d][%d] is null", what, i, j)
				}
				p, err := compile(what[:len(what)-1], nd, kind)
				if err != nil {
					return nil, err
				}
				ps = append(ps, p)
			}
			out = append(out, ps)
		}
		return out, nil
	}
	if in.SCPs, err = levels("scps", cs.SCPs, policy.KindSCP, in.SCPs); err != nil {
		return err
	}
	if in.RCPs, err = levels("rcps", cs.RCPs, policy.KindRCP, in.RCPs); err != nil {
		return err
	}
	*req = cs.Request
	return nil
}

// Run evaluates the case in ModeAWS, as "aegis simulate" does. The result
// is valid until ev's next evaluation.
func (cs *Case) Run(ev *Evaluator, cache *Cache) (*Result, error) {
	if err := cs.fill(cache, &ev.caseIn, &ev.caseReq); err != nil {
		return nil, err
	}
	return ev.Evaluate(&ev.caseIn, &ev.caseReq, ModeAWS)
}
