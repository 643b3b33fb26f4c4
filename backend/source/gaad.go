package source

import (
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// extractGAAD reads the output of GetAccountAuthorizationDetails (as the AWS
// CLI prints it, or several pages of it merged): users', groups' and roles'
// inline policies, roles' trust policies, and the default version of every
// managed policy, with the principals that attach it as UsedBy. Documents
// may be objects or, as the API returns them, URL-encoded JSON strings.
// allVersions adds the non-default versions of managed policies.
func extractGAAD(file string, src []byte, ln *lines, allVersions bool) ([]pending, error) {
	root, jerr := readJSON(src)
	if jerr != nil {
		return nil, fileError(file, ln, jerr.off, "json-syntax", "%s", jerr.msg)
	}
	var out []pending
	add := func(name, owner, boundary string, kind policy.Kind, doc *node) *pending {
		if doc == nil {
			return nil
		}
		var c collector
		if doc.kind == stringNode {
			doc = urlDecoded(doc)
		}
		p := document(file, name, kind, ln, doc, &c)
		p.owner, p.boundary = owner, boundary
		out = append(out, p)
		return &out[len(out)-1]
	}
	principals := [...]struct{ list, prefix, name, policies string }{
		{"UserDetailList", "user/", "UserName", "UserPolicyList"},
		{"GroupDetailList", "group/", "GroupName", "GroupPolicyList"},
		{"RoleDetailList", "role/", "RoleName", "RolePolicyList"},
	}
	attached := map[string][]string{} // managed policy ARN → principals attaching it
	for _, pl := range principals {
		for _, p := range elems(root.get(pl.list)) {
			owner := pl.prefix + p.get(pl.name).str()
			for _, a := range elems(p.get("AttachedManagedPolicies")) {
				arn := a.get("PolicyArn").str()
				attached[arn] = append(attached[arn], owner)
			}
			boundary := p.get("PermissionsBoundary").get("PermissionsBoundaryArn").str()
			add(owner+" trust", owner, boundary, policy.KindTrust, p.get("AssumeRolePolicyDocument"))
			for _, ip := range elems(p.get(pl.policies)) {
				add(owner+" inline:"+ip.get("PolicyName").str(), owner, boundary, policy.KindIdentity, ip.get("PolicyDocument"))
			}
		}
	}
	for _, mp := range elems(root.get("Policies")) {
		for _, v := range elems(mp.get("PolicyVersionList")) {
			d := v.get("IsDefaultVersion")
			isDefault := d != nil && d.kind == boolNode && d.text == "true"
			if !isDefault && !allVersions {
				continue
			}
			name := "policy/" + mp.get("PolicyName").str() + " " + v.get("VersionId").str()
			arn := mp.get("Arn").str()
			if p := add(name, arn, "", policy.KindIdentity, v.get("Document")); p != nil && isDefault {
				p.usedBy = attached[arn]
			}
		}
	}
	return out, nil
}

func elems(n *node) []*node {
	if n == nil || n.kind != arrayNode {
		return nil
	}
	return n.elems
}

// urlDecoded percent-decodes a URL-encoded policy string (as the IAM API
// returns documents), keeping the map to the original file. Strings that are
// not URL-encoded are returned as they are.
func urlDecoded(s *node) *node {
	if t := strings.TrimSpace(s.text); !strings.HasPrefix(t, "%7B") && !strings.HasPrefix(t, "%7b") {
		return s
	}
	sm := s.strMap()
	var b stringBuilder
	t := s.text
	for i := 0; i < len(t); {
		at, _ := sm.lookup(i)
		if t[i] == '%' {
			if r, w := hexRune([]byte(t[i:]), 1, 2); w > 0 {
				b.m.point(b.b.Len(), at)
				b.b.WriteByte(byte(r))
				i += w
				continue
			}
		}
		b.m.run(b.b.Len(), at)
		b.b.WriteByte(t[i])
		i++
	}
	return b.node(s.off)
}
