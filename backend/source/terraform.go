package source

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/aegis-iam/aegis/backend/policy"
)

// tfAttr is a resource attribute that holds a policy document.
type tfAttr struct {
	name  string // attribute; "inline_policy.policy" is an attribute of nested blocks
	kind  policy.Kind
	owner string // attribute naming what the document is attached to, if any
}

// tfPolicies lists the AWS provider resources that carry policy documents.
var tfPolicies = map[string][]tfAttr{
	"aws_iam_policy":                                 {{name: "policy", kind: policy.KindIdentity}},
	"aws_iam_role":                                   {{name: "assume_role_policy", kind: policy.KindTrust}, {name: "inline_policy.policy", kind: policy.KindIdentity}},
	"aws_iam_role_policy":                            {{name: "policy", kind: policy.KindIdentity, owner: "role"}},
	"aws_iam_user_policy":                            {{name: "policy", kind: policy.KindIdentity, owner: "user"}},
	"aws_iam_group_policy":                           {{name: "policy", kind: policy.KindIdentity, owner: "group"}},
	"aws_s3_bucket_policy":                           {{name: "policy", kind: policy.KindResource, owner: "bucket"}},
	"aws_s3_bucket":                                  {{name: "policy", kind: policy.KindResource}},
	"aws_sqs_queue_policy":                           {{name: "policy", kind: policy.KindResource, owner: "queue_url"}},
	"aws_sqs_queue":                                  {{name: "policy", kind: policy.KindResource}},
	"aws_sns_topic_policy":                           {{name: "policy", kind: policy.KindResource, owner: "arn"}},
	"aws_sns_topic":                                  {{name: "policy", kind: policy.KindResource}},
	"aws_kms_key":                                    {{name: "policy", kind: policy.KindResource}},
	"aws_kms_key_policy":                             {{name: "policy", kind: policy.KindResource, owner: "key_id"}},
	"aws_ecr_repository_policy":                      {{name: "policy", kind: policy.KindResource, owner: "repository"}},
	"aws_ecr_registry_policy":                        {{name: "policy", kind: policy.KindResource}},
	"aws_secretsmanager_secret_policy":               {{name: "policy", kind: policy.KindResource, owner: "secret_arn"}},
	"aws_secretsmanager_secret":                      {{name: "policy", kind: policy.KindResource}},
	"aws_cloudwatch_log_resource_policy":             {{name: "policy_document", kind: policy.KindResource}},
	"aws_cloudwatch_event_bus_policy":                {{name: "policy", kind: policy.KindResource, owner: "event_bus_name"}},
	"aws_vpc_endpoint":                               {{name: "policy", kind: policy.KindVPCEndpoint, owner: "service_name"}},
	"aws_vpc_endpoint_policy":                        {{name: "policy", kind: policy.KindVPCEndpoint, owner: "vpc_endpoint_id"}},
	"aws_opensearch_domain_policy":                   {{name: "access_policies", kind: policy.KindResource, owner: "domain_name"}},
	"aws_opensearch_domain":                          {{name: "access_policies", kind: policy.KindResource}},
	"aws_elasticsearch_domain_policy":                {{name: "access_policies", kind: policy.KindResource, owner: "domain_name"}},
	"aws_elasticsearch_domain":                       {{name: "access_policies", kind: policy.KindResource}},
	"aws_api_gateway_rest_api_policy":                {{name: "policy", kind: policy.KindResource, owner: "rest_api_id"}},
	"aws_efs_file_system_policy":                     {{name: "policy", kind: policy.KindResource, owner: "file_system_id"}},
	"aws_backup_vault_policy":                        {{name: "policy", kind: policy.KindResource, owner: "backup_vault_name"}},
	"aws_glacier_vault":                              {{name: "access_policy", kind: policy.KindResource}},
	"aws_organizations_policy":                       {{name: "content", kind: policy.KindSCP}},
	"aws_media_store_container_policy":               {{name: "policy", kind: policy.KindResource, owner: "container_name"}},
	"aws_s3control_access_point_policy":              {{name: "policy", kind: policy.KindResource, owner: "access_point_arn"}},
	"aws_s3_access_point":                            {{name: "policy", kind: policy.KindResource}},
	"aws_codeartifact_repository_permissions_policy": {{name: "policy_document", kind: policy.KindResource, owner: "repository"}},
}

// tfFile is one Terraform file of a module.
type tfFile struct {
	name string
	src  []byte
}

type tfParsed struct {
	name string
	src  []byte
	ln   *lines
	body *hclsyntax.Body
}

// tfModule is the files of one Terraform module (one directory), read
// together so references between files resolve.
type tfModule struct {
	files    []*tfParsed
	locals   map[string]tfExpr
	docs     map[string]*tfDocUse // data.aws_iam_policy_document name → its uses
	readFile func(string) ([]byte, error)
}

type tfExpr struct {
	file *tfParsed
	expr hclsyntax.Expression
}

type tfDocUse struct {
	kind   policy.Kind
	usedBy []string
}

// extractTerraform reads the files of one module. Files with syntax errors
// are skipped and their errors returned (as one sorted policy.ErrorList)
// alongside the documents of the other files.
func extractTerraform(files []tfFile, readFile func(string) ([]byte, error)) ([]pending, error) {
	mod := &tfModule{locals: map[string]tfExpr{}, docs: map[string]*tfDocUse{}, readFile: readFile}
	var errs policy.ErrorList
	for _, f := range files {
		ln := newLines(f.src)
		hf, diags := hclsyntax.ParseConfig(f.src, f.name, hcl.InitialPos)
		if diags.HasErrors() {
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				off := 0
				if d.Subject != nil {
					off = d.Subject.Start.Byte
				}
				msg := strings.TrimSuffix(d.Summary+"; "+d.Detail, "; ")
				errs = append(errs, &policy.Error{Filename: f.name, Pos: ln.pos(off), Code: "hcl-syntax", Msg: msg})
			}
			continue
		}
		body, ok := hf.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		p := &tfParsed{name: f.name, src: f.src, ln: ln, body: body}
		mod.files = append(mod.files, p)
		for _, b := range body.Blocks {
			if b.Type == "locals" {
				for name, a := range b.Body.Attributes {
					mod.locals[name] = tfExpr{p, a.Expr}
				}
			}
			if b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "aws_iam_policy_document" {
				mod.docs[b.Labels[1]] = &tfDocUse{}
			}
		}
	}
	errs.Sort()
	var out []pending
	// Resources first, so each aws_iam_policy_document knows its users and
	// kind; documents are then emitted in file order.
	type emitted struct {
		file  int
		off   int
		items []pending
	}
	var all []emitted
	for fi, f := range mod.files {
		for _, b := range f.body.Blocks {
			if b.Type == "resource" && len(b.Labels) == 2 {
				all = append(all, emitted{fi, b.TypeRange.Start.Byte, mod.resource(f, b)})
			}
		}
	}
	for fi, f := range mod.files {
		for _, b := range f.body.Blocks {
			if b.Type == "data" && len(b.Labels) == 2 && b.Labels[0] == "aws_iam_policy_document" {
				all = append(all, emitted{fi, b.TypeRange.Start.Byte, []pending{mod.policyDocument(f, b)}})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].file != all[j].file {
			return all[i].file < all[j].file
		}
		return all[i].off < all[j].off
	})
	for _, e := range all {
		out = append(out, e.items...)
	}
	return out, errs.Err()
}

// resource returns the documents of one resource block.
func (mod *tfModule) resource(f *tfParsed, b *hclsyntax.Block) []pending {
	typ, name := b.Labels[0], b.Labels[1]
	addr := typ + "." + name
	var out []pending
	for _, a := range tfPolicies[typ] {
		kind := a.kind
		if typ == "aws_organizations_policy" {
			switch mod.literal(f, b.Body, "type") {
			case "", "SERVICE_CONTROL_POLICY":
			case "RESOURCE_CONTROL_POLICY":
				kind = policy.KindRCP
			default:
				continue // tag, backup and AI opt-out policies are not IAM policies
			}
		}
		owner := addr
		if a.owner != "" {
			owner = mod.text(f, b.Body, a.owner)
		}
		boundary := mod.text(f, b.Body, "permissions_boundary")
		blockType, attrName, nested := strings.Cut(a.name, ".")
		if !nested {
			attrName = blockType
		}
		type site struct {
			name string
			attr *hclsyntax.Attribute
		}
		var sites []site
		if nested {
			i := 0
			for _, nb := range blocks(b.Body, blockType) {
				if at := nb.Body.Attributes[attrName]; at != nil {
					sites = append(sites, site{addr + "." + blockType + "[" + strconv.Itoa(i) + "]." + attrName, at})
				}
				i++
			}
		} else if at := b.Body.Attributes[attrName]; at != nil {
			sites = append(sites, site{addr + "." + attrName, at})
		}
		for _, s := range sites {
			var c collector
			p, ok := mod.document(f, s.name, kind, s.attr.Expr, &c, 0)
			if !ok {
				continue
			}
			p.owner, p.boundary = owner, boundary
			out = append(out, p)
		}
	}
	return out
}

// document turns a policy attribute's expression into a pending document.
// ok is false when the value is not in the configuration (a variable, a
// data source that is not an aws_iam_policy_document) or is a reference to
// an aws_iam_policy_document, which is emitted once, on its own.
func (mod *tfModule) document(f *tfParsed, name string, kind policy.Kind, expr hclsyntax.Expression, c *collector, depth int) (pending, bool) {
	if depth > 8 {
		return pending{}, false
	}
	switch e := expr.(type) {
	case *hclsyntax.ParenthesesExpr:
		return mod.document(f, name, kind, e.Expression, c, depth+1)
	case *hclsyntax.TemplateWrapExpr:
		return mod.document(f, name, kind, e.Wrapped, c, depth+1)
	case *hclsyntax.FunctionCallExpr:
		switch {
		case e.Name == "jsonencode" && len(e.Args) == 1:
			tree := mod.value(f, e.Args[0], c, false, 0)
			return fromTree(f.name, name, kind, f.ln, tree, c), true
		case (e.Name == "file" || e.Name == "templatefile") && len(e.Args) >= 1:
			return mod.file(f, name, kind, e.Args[0], c)
		}
		return pending{}, false
	case *hclsyntax.TemplateExpr:
		s := mod.value(f, e, c, false, 0)
		return fromString(f.name, name, kind, f.ln, s, c), true
	case *hclsyntax.ScopeTraversalExpr:
		tr := e.Traversal
		root := tr.RootName()
		if root == "local" && len(tr) == 2 {
			if l, ok := mod.locals[attrName(tr[1])]; ok {
				return mod.document(l.file, name, kind, l.expr, c, depth+1)
			}
		}
		if root == "data" && len(tr) == 4 && attrName(tr[1]) == "aws_iam_policy_document" {
			if use := mod.docs[attrName(tr[2])]; use != nil {
				if len(use.usedBy) == 0 {
					use.kind = kind
				}
				use.usedBy = append(use.usedBy, name)
			}
		}
	}
	return pending{}, false
}

func attrName(t hcl.Traverser) string {
	switch s := t.(type) {
	case hcl.TraverseAttr:
		return s.Name
	case hcl.TraverseIndex:
		if s.Key.Type() == cty.String {
			return s.Key.AsString()
		}
	}
	return ""
}

// file reads the policy file a file("...") or templatefile("...") call names,
// relative to the Terraform file.
func (mod *tfModule) file(f *tfParsed, name string, kind policy.Kind, arg hclsyntax.Expression, c *collector) (pending, bool) {
	if mod.readFile == nil {
		return pending{}, false
	}
	var tmp collector
	p := mod.value(f, arg, &tmp, false, 0).text
	for _, v := range [...]string{"${path.module}", "${path.root}", "${path.cwd}"} {
		p = strings.ReplaceAll(p, v, ".")
	}
	if strings.Contains(p, "${") {
		return pending{}, false
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(f.name), filepath.FromSlash(path.Clean(p)))
	}
	src, err := mod.readFile(p)
	if err != nil {
		c.problem(arg.Range().Start.Byte, "unreadable-file", fmt.Sprintf("cannot read the policy file: %v", err))
		return pending{file: f.name, name: name, kind: kind, ln: f.ln, errs: c.errs}, true
	}
	return pending{file: p, name: name, kind: kind, src: src, ln: newLines(src)}, true
}

// literal returns an attribute's value when it is a literal string.
func (mod *tfModule) literal(f *tfParsed, body *hclsyntax.Body, name string) string {
	a := body.Attributes[name]
	if a == nil {
		return ""
	}
	var tmp collector
	v := mod.value(f, a.Expr, &tmp, false, 0)
	if len(tmp.placeholders) > 0 || v.kind != stringNode {
		return ""
	}
	return v.text
}

// text returns an attribute's value as one line of text, references kept
// as ${...}.
func (mod *tfModule) text(f *tfParsed, body *hclsyntax.Body, name string) string {
	a := body.Attributes[name]
	if a == nil {
		return ""
	}
	var tmp collector
	return render(mod.value(f, a.Expr, &tmp, false, 0))
}

// exprText is an expression's source text on one line.
func exprText(f *tfParsed, r hcl.Range) string {
	if r.Start.Byte < 0 || r.End.Byte > len(f.src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return strings.Join(strings.Fields(string(f.src[r.Start.Byte:r.End.Byte])), " ")
}

// value evaluates an expression as far as the configuration allows: literals,
// templates, tuples and objects become values; references and function calls
// become ${...} placeholders. iamVars turns the &{...} spelling
// aws_iam_policy_document uses for IAM policy variables into ${...}.
func (mod *tfModule) value(f *tfParsed, expr hclsyntax.Expression, c *collector, iamVars bool, depth int) *node {
	off := expr.Range().Start.Byte
	c.steps++
	if depth > maxDepth || c.steps > maxSteps {
		return c.placeholder(off, "${"+exprText(f, expr.Range())+"}", exprText(f, expr.Range()))
	}
	switch e := expr.(type) {
	case *hclsyntax.ParenthesesExpr:
		return mod.value(f, e.Expression, c, iamVars, depth+1)
	case *hclsyntax.LiteralValueExpr:
		return literalNode(e.Val, off)
	case *hclsyntax.TemplateExpr:
		return mod.template(f, e, c, iamVars)
	case *hclsyntax.TupleConsExpr:
		n := &node{kind: arrayNode, off: off}
		for _, x := range e.Exprs {
			n.elems = append(n.elems, mod.value(f, x, c, iamVars, depth+1))
		}
		return n
	case *hclsyntax.ObjectConsExpr:
		n := &node{kind: objectNode, off: off}
		for _, it := range e.Items {
			kr := it.KeyExpr.Range()
			var k *node
			if kw := hcl.ExprAsKeyword(it.KeyExpr); kw != "" {
				k = newString(kr.Start.Byte, kw, align(f.src, kr.Start.Byte, kw, false))
			} else {
				k = mod.value(f, it.KeyExpr, c, iamVars, depth+1)
				if k.kind != stringNode {
					k = newString(k.off, render(k), nil)
				}
			}
			n.keys = append(n.keys, k)
			n.elems = append(n.elems, mod.value(f, it.ValueExpr, c, iamVars, depth+1))
		}
		return n
	case *hclsyntax.ObjectConsKeyExpr:
		return mod.value(f, e.Wrapped, c, iamVars, depth+1)
	case *hclsyntax.TemplateWrapExpr:
		return mod.value(f, e.Wrapped, c, iamVars, depth+1)
	case *hclsyntax.ScopeTraversalExpr:
		if e.Traversal.RootName() == "local" && len(e.Traversal) == 2 {
			if l, ok := mod.locals[attrName(e.Traversal[1])]; ok && l.file == f {
				return mod.value(f, l.expr, c, iamVars, depth+8)
			}
		}
	}
	src := exprText(f, expr.Range())
	return c.placeholder(off, "${"+src+"}", src)
}

// literalNode converts a literal HCL value.
func literalNode(v cty.Value, off int) *node {
	switch {
	case v.IsNull():
		return &node{kind: nullNode, off: off}
	case v.Type() == cty.Bool:
		return &node{kind: boolNode, off: off, text: strconv.FormatBool(v.True())}
	case v.Type() == cty.Number:
		return &node{kind: numberNode, off: off, text: v.AsBigFloat().Text('g', -1)}
	case v.Type() == cty.String:
		return newString(off, v.AsString(), nil)
	}
	return newString(off, "", nil)
}

// template evaluates a quoted string or heredoc: literal parts keep their
// text (mapped byte for byte where the source allows), interpolations and
// directives become ${...} placeholders.
func (mod *tfModule) template(f *tfParsed, e *hclsyntax.TemplateExpr, c *collector, iamVars bool) *node {
	start := e.SrcRange.Start.Byte
	quoted := start < len(f.src) && f.src[start] == '"'
	var b stringBuilder
	for _, part := range e.Parts {
		r := part.Range()
		if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && !lit.Val.IsNull() {
			s := lit.Val.AsString()
			m := align(f.src, r.Start.Byte, s, quoted)
			if iamVars {
				s = strings.ReplaceAll(s, "&{", "${")
			}
			b.appendNode(newString(r.Start.Byte, s, m))
			continue
		}
		src := exprText(f, r)
		b.appendNode(c.placeholder(r.Start.Byte, "${"+src+"}", src))
	}
	return b.node(start)
}
