package source

import (
	"sort"
	"strconv"
	"strings"
)

// cfnResolver replaces CloudFormation intrinsic functions in a document with
// readable placeholders: Ref X becomes ${X}, Fn::GetAtt A.B becomes ${A.B},
// Fn::Sub keeps its template, Fn::Join joins, Fn::If takes the branch that
// has content, Ref AWS::NoValue removes the element, and the functions whose
// value depends on the deployment (ImportValue, FindInMap...) become
// ${Name(args)}.
type cfnResolver struct {
	c *collector
}

// cfnFunctions are the intrinsic functions CloudFormation knows (including
// the condition functions, the Fn::Condition short form of !Condition, and
// the AWS::LanguageExtensions transform's functions).
var cfnFunctions = map[string]bool{
	"Ref": true, "Fn::Base64": true, "Fn::Cidr": true, "Fn::FindInMap": true, "Fn::GetAtt": true,
	"Fn::GetAZs": true, "Fn::ImportValue": true, "Fn::Join": true, "Fn::Select": true, "Fn::Split": true,
	"Fn::Sub": true, "Fn::Transform": true, "Fn::If": true, "Fn::Equals": true, "Fn::And": true,
	"Fn::Or": true, "Fn::Not": true, "Fn::Condition": true, "Fn::Length": true, "Fn::ToJsonString": true,
	"Fn::ForEach": true,
}

// intrinsic returns the function name and argument when n is an intrinsic
// function call: an object whose single key is Ref or starts with Fn::.
func intrinsic(n *node) (string, *node, bool) {
	if n == nil || n.kind != objectNode || len(n.keys) != 1 {
		return "", nil, false
	}
	k := n.keys[0].text
	if k == "Ref" || strings.HasPrefix(k, "Fn::") {
		return k, n.elems[0], true
	}
	return "", nil, false
}

// shallow resolves only the intrinsics that decide whether and which value is
// there (Fn::If, Ref AWS::NoValue) at the top of n, for walking containers.
func (r *cfnResolver) shallow(n *node) *node {
	for range maxDepth {
		name, arg, ok := intrinsic(n)
		if !ok {
			return n
		}
		switch {
		case name == "Fn::If":
			n = r.branch(n, arg, 0)
		case name == "Ref" && arg.str() == "AWS::NoValue":
			return nil
		default:
			return n
		}
	}
	return n
}

// resolve returns n with every intrinsic replaced; nil when n is
// Ref AWS::NoValue.
func (r *cfnResolver) resolve(n *node, depth int) *node {
	if n == nil {
		return nil
	}
	if depth > maxDepth {
		r.c.problem(n.off, "too-deep", "values nested too deeply")
		return nil
	}
	if name, arg, ok := intrinsic(n); ok {
		return r.call(n, name, arg, depth+1)
	}
	switch n.kind {
	case objectNode:
		out := &node{kind: objectNode, off: n.off}
		for i, k := range n.keys {
			if v := r.resolve(n.elems[i], depth+1); v != nil {
				out.keys = append(out.keys, k)
				out.elems = append(out.elems, v)
			}
		}
		return out
	case arrayNode:
		out := &node{kind: arrayNode, off: n.off}
		for _, e := range n.elems {
			if v := r.resolve(e, depth+1); v != nil {
				out.elems = append(out.elems, v)
			}
		}
		return out
	}
	return n
}

// cfnText renders a value as a single line of text: strings as they are,
// lists joined with ", ", intrinsics as their placeholders (without
// recording them).
func cfnText(n *node) string {
	tmp := cfnResolver{c: &collector{}}
	v := tmp.resolve(n, 0)
	if v == nil {
		return ""
	}
	return render(v)
}

// render writes a resolved value as text.
func render(v *node) string {
	switch v.kind {
	case arrayNode:
		parts := make([]string, len(v.elems))
		for i, e := range v.elems {
			parts[i] = render(e)
		}
		return strings.Join(parts, ", ")
	case objectNode:
		parts := make([]string, len(v.keys))
		for i, k := range v.keys {
			parts[i] = k.text + ": " + render(v.elems[i])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case nullNode:
		return ""
	}
	return v.text
}

func (r *cfnResolver) call(n *node, name string, arg *node, depth int) *node {
	switch name {
	case "Ref":
		target := arg.str()
		if target == "AWS::NoValue" {
			return nil
		}
		if target == "" {
			r.c.problem(n.off, "invalid-intrinsic", "Ref needs the name of a parameter, resource or pseudo parameter")
		}
		return r.c.placeholder(n.off, "${"+target+"}", "Ref")
	case "Fn::GetAtt":
		return r.c.placeholder(n.off, "${"+r.getAtt(n, arg, depth)+"}", name)
	case "Fn::Sub":
		return r.sub(n, arg, depth)
	case "Fn::Join":
		return r.join(n, arg, depth)
	case "Fn::If":
		return r.resolve(r.branch(n, arg, depth), depth)
	case "Fn::Select":
		return r.selectElem(n, arg, depth)
	case "Fn::Split":
		return r.split(n, arg, depth)
	case "Fn::ToJsonString":
		// A document written as !ToJsonString {...} is that document.
		return r.resolve(arg, depth)
	}
	if !cfnFunctions[name] {
		r.c.problem(n.off, "unknown-intrinsic", "unknown intrinsic function "+name)
	}
	return r.opaque(n, name, r.resolve(arg, depth))
}

// opaque returns the placeholder ${Name(args)} for a function whose value
// depends on the deployment. The arguments are already resolved: each value
// is resolved once, so nested functions cost linear time.
func (r *cfnResolver) opaque(n *node, name string, args ...*node) *node {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if a != nil {
			parts = append(parts, render(a))
		}
	}
	return r.c.placeholder(n.off, "${"+strings.TrimPrefix(name, "Fn::")+"("+strings.Join(parts, ", ")+")}", name)
}

func (r *cfnResolver) getAtt(n, arg *node, depth int) string {
	if arg.kind == stringNode {
		return arg.text
	}
	if arg.kind == arrayNode && len(arg.elems) == 2 {
		if attr := r.resolve(arg.elems[1], depth); attr != nil {
			return arg.elems[0].str() + "." + render(attr)
		}
	}
	r.c.problem(n.off, "invalid-intrinsic", "Fn::GetAtt needs \"Resource.Attribute\" or [Resource, Attribute]")
	return "?"
}

// branch picks the branch of Fn::If [condition, then, else] to validate:
// the "then" value unless it is Ref AWS::NoValue.
func (r *cfnResolver) branch(n, arg *node, depth int) *node {
	if arg.kind != arrayNode || len(arg.elems) != 3 {
		r.c.problem(n.off, "invalid-intrinsic", "Fn::If needs [condition, value if true, value if false]")
		return nil
	}
	cond := arg.elems[0].str()
	if name, a, ok := intrinsic(arg.elems[1]); ok && name == "Ref" && a.str() == "AWS::NoValue" {
		r.c.placeholders = append(r.c.placeholders, placeholderAt{n.off, "", "Fn::If " + cond + " (false branch)"})
		return arg.elems[2]
	}
	r.c.placeholders = append(r.c.placeholders, placeholderAt{n.off, "", "Fn::If " + cond + " (true branch)"})
	return arg.elems[1]
}

// sub resolves Fn::Sub: "template" or [template, {Var: value}]. Variables
// given in the map are substituted; the others stay ${Name} and are
// recorded as placeholders; ${!Literal} becomes ${Literal}, so IAM policy
// variables written ${!aws:username} read as the policy sees them.
func (r *cfnResolver) sub(n, arg *node, depth int) *node {
	tmpl := arg
	var vars *node
	if arg.kind == arrayNode && len(arg.elems) == 2 {
		tmpl, vars = arg.elems[0], arg.elems[1]
	}
	if tmpl.kind != stringNode {
		r.c.problem(n.off, "invalid-intrinsic", "Fn::Sub needs a template string or [template, {variables}]")
		return r.opaque(n, "Fn::Sub", r.resolve(arg, depth))
	}
	var b stringBuilder
	s := tmpl.text
	tm := tmpl.strMap()
	at := func(i int) int { o, _ := tm.lookup(i); return o }
	i := 0
	for i < len(s) {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			b.appendSlice(tmpl, i, len(s))
			break
		}
		b.appendSlice(tmpl, i, i+j)
		i += j
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			b.appendSlice(tmpl, i, len(s))
			break
		}
		name := s[i+2 : i+end]
		switch {
		case strings.HasPrefix(name, "!"):
			b.appendText("${"+name[1:]+"}", at(i))
		case vars.get(name) != nil:
			if v := r.resolve(vars.get(name), depth); v != nil {
				b.appendNode(v)
			}
		default:
			ph := r.c.placeholder(at(i), "${"+name+"}", "Fn::Sub")
			b.appendNode(ph)
		}
		i += end + 1
	}
	return b.node(n.off)
}

// join resolves Fn::Join [delimiter, [values]].
func (r *cfnResolver) join(n, arg *node, depth int) *node {
	if arg.kind != arrayNode || len(arg.elems) != 2 || arg.elems[0].kind != stringNode {
		r.c.problem(n.off, "invalid-intrinsic", "Fn::Join needs [delimiter, [values]]")
		return r.opaque(n, "Fn::Join", r.resolve(arg, depth))
	}
	list := r.resolve(arg.elems[1], depth)
	if list == nil || list.kind != arrayNode {
		return r.opaque(n, "Fn::Join", arg.elems[0], list)
	}
	var b stringBuilder
	for i, e := range list.elems {
		if i > 0 {
			b.appendNode(arg.elems[0])
		}
		b.appendNode(e)
	}
	return b.node(n.off)
}

// selectElem resolves Fn::Select [index, [values]] when the list is literal.
func (r *cfnResolver) selectElem(n, arg *node, depth int) *node {
	if arg.kind != arrayNode || len(arg.elems) != 2 {
		return r.opaque(n, "Fn::Select", r.resolve(arg, depth))
	}
	idx, list := r.resolve(arg.elems[0], depth), r.resolve(arg.elems[1], depth)
	if idx != nil && list != nil && list.kind == arrayNode {
		if i, err := strconv.Atoi(render(idx)); err == nil && i >= 0 && i < len(list.elems) {
			return list.elems[i]
		}
	}
	return r.opaque(n, "Fn::Select", idx, list)
}

// split resolves Fn::Split [delimiter, string] when the string is literal.
func (r *cfnResolver) split(n, arg *node, depth int) *node {
	if arg.kind != arrayNode || len(arg.elems) != 2 || arg.elems[0].kind != stringNode {
		return r.opaque(n, "Fn::Split", r.resolve(arg, depth))
	}
	delim, s := arg.elems[0], r.resolve(arg.elems[1], depth)
	if s != nil && s.kind == stringNode && s.expr == "" && !strings.Contains(s.text, "${") && delim.text != "" {
		out := &node{kind: arrayNode, off: n.off}
		for _, part := range strings.Split(s.text, delim.text) {
			out.elems = append(out.elems, newString(n.off, part, nil))
		}
		return out
	}
	return r.opaque(n, "Fn::Split", delim, s)
}

// stringBuilder concatenates strings while keeping the map from each byte of
// the result to the original file.
type stringBuilder struct {
	b strings.Builder
	m offsetMap
}

// appendNode appends a resolved value (strings with their maps; other values
// rendered, positioned at the value).
func (b *stringBuilder) appendNode(v *node) {
	if v.kind == stringNode {
		b.m.appendShifted(v.strMap(), b.b.Len(), v.off)
		b.b.WriteString(v.text)
		return
	}
	b.appendText(render(v), v.off)
}

// appendSlice appends s.text[from:to] with its map.
func (b *stringBuilder) appendSlice(s *node, from, to int) {
	if from >= to {
		return
	}
	segs := s.strMap().segs
	// The segment holding `from`, then each later one that starts before `to`.
	i := sort.Search(len(segs), func(i int) bool { return segs[i].from > from }) - 1
	at := b.b.Len()
	for k := max(i, 0); k < len(segs) && segs[k].from < to; k++ {
		seg := segs[k]
		start := max(seg.from, from)
		to := seg.to
		if seg.linear {
			to += start - seg.from
		}
		b.m.add(segment{at + start - from, to, seg.linear})
	}
	b.b.WriteString(s.text[from:to])
}

func (b *stringBuilder) appendText(s string, off int) {
	b.m.point(b.b.Len(), off)
	b.b.WriteString(s)
}

func (b *stringBuilder) node(off int) *node {
	m := b.m
	if len(m.segs) == 0 {
		m.point(0, off)
	}
	return newString(off, b.b.String(), &m)
}
