package source

import (
	"strconv"
	"strings"

	"github.com/aegis-iam/aegis/backend/policy"
)

// extractPlan reads `terraform show -json` output: a plan (planned_values)
// or a state (values). Policy attributes are JSON strings there, so every
// position maps exactly into the plan file. An aws_iam_policy_document whose
// JSON is also the value of a resource's attribute is reported once, as that
// attribute.
func extractPlan(file string, src []byte, ln *lines) ([]pending, error) {
	root, jerr := readJSON(src)
	if jerr != nil {
		return nil, fileError(file, ln, jerr.off, "json-syntax", "%s", jerr.msg)
	}
	values := root.get("planned_values")
	if values == nil {
		values = root.get("values")
	}
	var resources []*node
	var walk func(m *node, depth int)
	walk = func(m *node, depth int) {
		if m == nil || depth > maxDepth {
			return
		}
		if rs := m.get("resources"); rs != nil && rs.kind == arrayNode {
			resources = append(resources, rs.elems...)
		}
		if cm := m.get("child_modules"); cm != nil && cm.kind == arrayNode {
			for _, c := range cm.elems {
				walk(c, depth+1)
			}
		}
	}
	walk(values.get("root_module"), 0)

	var out []pending
	used := map[string]bool{}
	for _, r := range resources {
		if r.get("mode").str() != "managed" {
			continue
		}
		addr, typ, vals := r.get("address").str(), r.get("type").str(), r.get("values")
		for _, a := range tfPolicies[typ] {
			kind := a.kind
			if typ == "aws_organizations_policy" {
				switch vals.get("type").str() {
				case "", "SERVICE_CONTROL_POLICY":
				case "RESOURCE_CONTROL_POLICY":
					kind = policy.KindRCP
				default:
					continue
				}
			}
			owner := addr
			if a.owner != "" {
				owner = render(orNull(vals.get(a.owner)))
			}
			boundary := vals.get("permissions_boundary").str()
			blockType, attr, nested := strings.Cut(a.name, ".")
			type site struct {
				name string
				doc  *node
			}
			var sites []site
			if nested {
				if list := vals.get(blockType); list != nil && list.kind == arrayNode {
					for i, it := range list.elems {
						sites = append(sites, site{addr + "." + blockType + "[" + strconv.Itoa(i) + "]." + attr, it.get(attr)})
					}
				}
			} else {
				sites = append(sites, site{addr + "." + blockType, vals.get(blockType)})
			}
			for _, s := range sites {
				if s.doc.str() == "" {
					continue // absent, or unknown until apply
				}
				used[s.doc.text] = true
				var c collector
				p := fromString(file, s.name, kind, ln, s.doc, &c)
				p.owner, p.boundary = owner, boundary
				out = append(out, p)
			}
		}
	}
	for _, r := range resources {
		if r.get("mode").str() != "data" || r.get("type").str() != "aws_iam_policy_document" {
			continue
		}
		doc := r.get("values").get("json")
		if doc.str() == "" || used[doc.text] {
			continue
		}
		kind := policy.KindAny
		if inner, err := readJSON([]byte(doc.text)); err == nil {
			kind = detectKind(inner)
		}
		var c collector
		out = append(out, fromString(file, r.get("address").str(), kind, ln, doc, &c))
	}
	return out, nil
}

// orNull returns n, or a null node for a missing value.
func orNull(n *node) *node {
	if n == nil {
		return &node{kind: nullNode}
	}
	return n
}
