package source

import "github.com/hashicorp/hcl/v2/hclsyntax"

// tfStatementAttrs maps aws_iam_policy_document statement arguments to
// policy elements, in the order the document lists them; principals come
// after the first two.
var tfStatementAttrs = [...]struct{ attr, element string }{
	{"sid", "Sid"},
	{"effect", "Effect"},
	{"actions", "Action"},
	{"not_actions", "NotAction"},
	{"resources", "Resource"},
	{"not_resources", "NotResource"},
}

// policyDocument synthesises the JSON an aws_iam_policy_document data source
// renders, every element positioned at the HCL argument it comes from.
// Dynamic statement, principals and condition blocks contribute their
// content block once, with the iterator's references as placeholders.
func (mod *tfModule) policyDocument(f *tfParsed, b *hclsyntax.Block) pending {
	name := "data.aws_iam_policy_document." + b.Labels[1]
	var c collector
	body := b.Body
	blockOff := b.TypeRange.Start.Byte
	doc := &node{kind: objectNode, off: blockOff}
	add := func(obj *node, key string, keyOff int, v *node) {
		obj.keys = append(obj.keys, newString(keyOff, key, nil))
		obj.elems = append(obj.elems, v)
	}
	if a := body.Attributes["version"]; a != nil {
		add(doc, "Version", a.SrcRange.Start.Byte, mod.value(f, a.Expr, &c, false, 0))
	} else {
		add(doc, "Version", blockOff, newString(blockOff, "2012-10-17", nil))
	}
	if a := body.Attributes["policy_id"]; a != nil {
		add(doc, "Id", a.SrcRange.Start.Byte, mod.value(f, a.Expr, &c, false, 0))
	}
	for _, merge := range [...]string{"source_policy_documents", "override_policy_documents"} {
		if a := body.Attributes[merge]; a != nil {
			c.placeholders = append(c.placeholders, placeholderAt{a.SrcRange.Start.Byte, "", merge + " (not merged)"})
		}
	}
	stmts := &node{kind: arrayNode, off: blockOff}
	for _, sb := range blocks(body, "statement") {
		stmts.elems = append(stmts.elems, mod.statement(f, sb, &c, add))
	}
	add(doc, "Statement", blockOff, stmts)
	// An unused document's kind is guessed from its content.
	p := fromTree(f.name, name, detectKind(doc), f.ln, doc, &c)
	if use := mod.docs[b.Labels[1]]; use != nil && len(use.usedBy) > 0 {
		p.kind, p.usedBy = use.kind, use.usedBy
	}
	return p
}

// blocks returns the nested blocks of a type, with the content of dynamic
// blocks of that type.
func blocks(body *hclsyntax.Body, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, b := range body.Blocks {
		switch {
		case b.Type == typ:
			out = append(out, b)
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == typ:
			for _, cb := range b.Body.Blocks {
				if cb.Type == "content" {
					out = append(out, cb)
				}
			}
		}
	}
	return out
}

func (mod *tfModule) statement(f *tfParsed, sb *hclsyntax.Block, c *collector, add func(*node, string, int, *node)) *node {
	off := sb.TypeRange.Start.Byte
	st := &node{kind: objectNode, off: off}
	for i, m := range tfStatementAttrs {
		if i == 2 {
			// Principal and NotPrincipal follow Sid and Effect, as in AWS's examples.
			mod.principals(f, sb.Body, c, st, add)
		}
		if a := sb.Body.Attributes[m.attr]; a != nil {
			add(st, m.element, a.SrcRange.Start.Byte, mod.value(f, a.Expr, c, true, 0))
		} else if m.element == "Effect" {
			add(st, "Effect", off, newString(off, "Allow", nil)) // the provider's default
		}
	}
	if conds := blocks(sb.Body, "condition"); len(conds) > 0 {
		cond := &node{kind: objectNode, off: conds[0].TypeRange.Start.Byte}
		for _, cb := range conds {
			test, variable, values := cb.Body.Attributes["test"], cb.Body.Attributes["variable"], cb.Body.Attributes["values"]
			if test == nil || variable == nil || values == nil {
				c.problem(cb.TypeRange.Start.Byte, "incomplete-condition", "a condition block needs test, variable and values")
				continue
			}
			op := render(mod.value(f, test.Expr, c, false, 0))
			block := cond.get(op)
			if block == nil {
				block = &node{kind: objectNode, off: test.Expr.Range().Start.Byte}
				add(cond, op, test.Expr.Range().Start.Byte, block)
			}
			key := mod.value(f, variable.Expr, c, true, 0)
			add(block, render(key), variable.Expr.Range().Start.Byte, mod.value(f, values.Expr, c, true, 0))
		}
		add(st, "Condition", cond.off, cond)
	}
	return st
}

// principals adds the Principal and NotPrincipal elements of a statement's
// principals and not_principals blocks; type "*" with identifiers ["*"] is
// "Principal": "*", as the provider renders it.
func (mod *tfModule) principals(f *tfParsed, body *hclsyntax.Body, c *collector, st *node, add func(*node, string, int, *node)) {
	for _, pk := range [...]struct{ block, element string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		pbs := blocks(body, pk.block)
		if len(pbs) == 0 {
			continue
		}
		off := pbs[0].TypeRange.Start.Byte
		pr := &node{kind: objectNode, off: off}
		for _, pb := range pbs {
			typ, ids := pb.Body.Attributes["type"], pb.Body.Attributes["identifiers"]
			if typ == nil || ids == nil {
				c.problem(pb.TypeRange.Start.Byte, "incomplete-principals", "a "+pk.block+" block needs type and identifiers")
				continue
			}
			t := render(mod.value(f, typ.Expr, c, false, 0))
			v := mod.value(f, ids.Expr, c, true, 0)
			if t == "*" {
				pr = v
				if v.kind == arrayNode && len(v.elems) == 1 {
					pr = v.elems[0]
				}
				break
			}
			if prev := pr.get(t); prev != nil && prev.kind == arrayNode && v.kind == arrayNode {
				prev.elems = append(prev.elems, v.elems...)
				continue
			}
			add(pr, t, typ.Expr.Range().Start.Byte, v)
		}
		add(st, pk.element, off, pr)
	}
}
