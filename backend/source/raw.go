package source

import (
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// extractPolicy reads a raw policy file: a policy document, or the output of
// an AWS CLI call that returns one (get-policy-version, get-role-policy,
// get-role, get-bucket-policy, get-key-policy...). A document whose JSON does
// not parse is still handed to the policy parser, which positions the error.
// tree, when not nil, is src already read.
func extractPolicy(file string, src []byte, ln *lines, kind policy.Kind, tree *node) ([]pending, error) {
	if t := trimLeading(src); len(t) > 0 && t[0] == '%' {
		// URL-encoded, as the IAM API returns documents: decode here so
		// positions map back to the encoded text.
		whole := &offsetMap{}
		whole.run(0, 0)
		doc := urlDecoded(newString(0, string(src), whole))
		if kind == policy.KindAny {
			if n, err := readJSON([]byte(doc.text)); err == nil {
				kind = detectKind(n)
			}
		}
		var c collector
		return []pending{fromString(file, "", kind, ln, doc, &c)}, nil
	}
	n, jerr := tree, (*jsonError)(nil)
	if n == nil {
		n, jerr = readJSON(src)
	}
	if jerr == nil && n.kind == objectNode && n.get("Statement") == nil {
		if w := wrappedPolicy(n); w != nil {
			k := kind
			if k == policy.KindAny {
				k = w.kind
			}
			if k == policy.KindAny {
				k = detectKind(w.doc)
				if w.doc.kind == stringNode {
					if inner, err := readJSON([]byte(w.doc.text)); err == nil {
						k = detectKind(inner)
					}
				}
			}
			var c collector
			return []pending{document(file, w.path, k, ln, w.doc, &c)}, nil
		}
	}
	if kind == policy.KindAny && jerr == nil {
		var ok bool
		if kind, ok = outlineKind(n); !ok {
			// The statements that name a principal need their actions read.
			n, _ = readJSON(src)
			kind = detectKind(n)
		}
	}
	return []pending{{file: file, kind: kind, src: src, ln: ln}}, nil
}

// wrapped is a policy document inside an AWS CLI response.
type wrapped struct {
	path string
	kind policy.Kind
	doc  *node
}

// wrappedPolicy finds the policy in the output of the AWS CLI calls that
// return one.
func wrappedPolicy(n *node) *wrapped {
	if v := n.get("PolicyVersion").get("Document"); v != nil {
		return &wrapped{"PolicyVersion.Document", policy.KindIdentity, v}
	}
	if v := n.get("Role").get("AssumeRolePolicyDocument"); v != nil {
		return &wrapped{"Role.AssumeRolePolicyDocument", policy.KindTrust, v}
	}
	if v := n.get("PolicyDocument"); v != nil {
		return &wrapped{"PolicyDocument", policy.KindIdentity, v}
	}
	if v := n.get("Policy"); v != nil && v.kind == stringNode {
		return &wrapped{"Policy", policy.KindAny, v}
	}
	return nil
}

// detectKind guesses a policy's kind from its content: statements with a
// Principal that only allow assuming a role make a trust policy, any other
// Principal a resource policy, and no Principal an identity policy.
func detectKind(doc *node) policy.Kind {
	k, _ := outlineKind(doc)
	return k
}

// outlineKind is detectKind on a tree that may be an outline (readOutline):
// it returns false, undecided, when a statement of the outline names a
// principal.
func outlineKind(doc *node) (policy.Kind, bool) {
	stmts := doc.get("Statement")
	if stmts == nil {
		return policy.KindIdentity, true
	}
	list := []*node{stmts}
	if stmts.kind == arrayNode {
		list = stmts.elems
	}
	withPrincipal, assumeOnly, assumes := 0, true, false
	for _, s := range list {
		if s.get("Principal") == nil && s.get("NotPrincipal") == nil {
			continue
		}
		if s.elided {
			return policy.KindAny, false
		}
		withPrincipal++
		acts := s.get("Action")
		if acts == nil {
			assumeOnly = false
			continue
		}
		vals := []*node{acts}
		if acts.kind == arrayNode {
			vals = acts.elems
		}
		for _, a := range vals {
			switch act := strings.ToLower(a.str()); {
			case strings.HasPrefix(act, "sts:assumerole"):
				assumes = true
			case act == "sts:tagsession" || act == "sts:setsourceidentity" || act == "sts:setcontext":
			default:
				assumeOnly = false
			}
		}
	}
	switch {
	case withPrincipal == 0:
		return policy.KindIdentity, true
	case assumeOnly && assumes:
		return policy.KindTrust, true
	}
	return policy.KindResource, true
}
