package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
)

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// Check reports what makes a bundle unusable: a usage window that ends
// before it starts, and in the snapshot: a bad account ID, a
// policy document that is not a JSON object, a principal or policy listed
// twice, a managed policy without its default version, a user in a group
// or an organization node with a policy that the snapshot does not hold.
// A reference to a managed policy the snapshot lacks is not a problem
// here: the analysis reports that principal's permissions as unknown.
func Check(b *Bundle) error {
	var c Problems
	s := &b.Snapshot
	if u := b.Usage; u != nil && !u.Start.Before(u.End) {
		c.add("usage", "the window [%s, %s) is empty", u.Start.Format(time.RFC3339), u.End.Format(time.RFC3339))
	}
	if !accountID.MatchString(s.Account) {
		c.add("snapshot.account", "%q is not a 12-digit account ID", s.Account)
	}
	if s.CollectedAt.IsZero() {
		c.add("snapshot.collectedAt", "missing: ages and windows are measured from it")
	}
	arns := map[string]string{}
	unique := func(path, arn string) {
		if arn == "" {
			c.add(path+".arn", "missing")
			return
		}
		if prev, ok := arns[arn]; ok {
			c.add(path+".arn", "%s is also %s", arn, prev)
			return
		}
		arns[arn] = path
	}
	entity := func(path string, e *audit.Entity) {
		unique(path, e.ARN)
		if e.Name == "" {
			c.add(path+".name", "missing")
		}
		for i, p := range e.Inline {
			c.document(fmt.Sprintf("%s.inlinePolicies[%d].document", path, i), p.Document)
		}
	}
	groups := map[string]bool{}
	for i := range s.Groups {
		entity(fmt.Sprintf("snapshot.groups[%d]", i), &s.Groups[i].Entity)
		groups[s.Groups[i].Name] = true
	}
	for i := range s.Users {
		path := fmt.Sprintf("snapshot.users[%d]", i)
		entity(path, &s.Users[i].Entity)
		for j, g := range s.Users[i].Groups {
			if !groups[g] {
				c.add(fmt.Sprintf("%s.groups[%d]", path, j), "group %q is not in snapshot.groups", g)
			}
		}
	}
	for i := range s.Roles {
		path := fmt.Sprintf("snapshot.roles[%d]", i)
		entity(path, &s.Roles[i].Entity)
		c.document(path+".trustPolicy", s.Roles[i].Trust)
	}
	for i := range s.Policies {
		p := &s.Policies[i]
		path := fmt.Sprintf("snapshot.policies[%d]", i)
		unique(path, p.ARN)
		if p.Default() == nil {
			c.add(path+".defaultVersion", "version %q is not among the policy's versions", p.DefaultVersion)
		}
		for j, v := range p.Versions {
			c.document(fmt.Sprintf("%s.versions[%d].document", path, j), v.Document)
		}
	}
	if o := s.Organization; o != nil {
		ids := map[string]bool{}
		for i, p := range o.Policies {
			path := fmt.Sprintf("snapshot.organization.policies[%d]", i)
			ids[p.ID] = true
			if p.Type != audit.SCP && p.Type != audit.RCP {
				c.add(path+".type", "%q is neither %s nor %s", p.Type, audit.SCP, audit.RCP)
			}
			c.document(path+".document", p.Document)
		}
		for i, n := range o.Path {
			for j, id := range n.Policies {
				if !ids[id] {
					c.add(fmt.Sprintf("snapshot.organization.path[%d].policies[%d]", i, j), "policy %q is not in organization.policies", id)
				}
			}
		}
		if len(o.Path) == 0 || o.Path[0].Type != audit.NodeRoot || o.Path[len(o.Path)-1].ID != s.Account {
			c.add("snapshot.organization.path", "must run from the root to account %s", s.Account)
		}
	}
	for i, r := range s.ResourcePolicies {
		path := fmt.Sprintf("snapshot.resourcePolicies[%d]", i)
		if r.ARN == "" {
			c.add(path+".arn", "missing")
		}
		c.document(path+".document", r.Document)
	}
	if len(c) > 0 {
		return c
	}
	return nil
}

func (c *Problems) add(path, format string, args ...any) {
	*c = append(*c, path+": "+fmt.Sprintf(format, args...))
}

// document checks that a policy document is a JSON object.
func (c *Problems) document(path string, doc json.RawMessage) {
	if t := bytes.TrimSpace(doc); len(t) == 0 || t[0] != '{' {
		c.add(path, "want a policy document (a JSON object)")
	}
}
