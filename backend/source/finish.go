package source

import (
	"errors"

	"github.com/aegis-iam/aegis/backend/policy"
)

// pending is a document found in an input, before parsing: the JSON to parse
// and how its offsets map to the original file.
type pending struct {
	file, name      string
	kind            policy.Kind
	owner, boundary string
	usedBy          []string
	src             []byte     // nil when the document could not be read (see errs)
	m               *offsetMap // src offset → original offset; nil when src is the original file
	ln              *lines     // the original file
	placeholders    []placeholderAt
	errs            []problemAt
}

type placeholderAt struct {
	off        int
	text, expr string
}

type problemAt struct {
	off       int
	code, msg string
}

// collector gathers the placeholders and problems met while turning an
// input's values into a document tree.
type collector struct {
	placeholders []placeholderAt
	errs         []problemAt
	steps        int // expressions evaluated, against maxSteps
}

// maxSteps bounds the expressions evaluated for one document, so locals that
// refer to each other many times over cannot expand exponentially.
const maxSteps = 1 << 14

func (c *collector) placeholder(off int, text, expr string) *node {
	c.placeholders = append(c.placeholders, placeholderAt{off, text, expr})
	n := newString(off, text, nil)
	n.expr = expr
	return n
}

func (c *collector) problem(off int, code, msg string) {
	c.errs = append(c.errs, problemAt{off, code, msg})
}

// fromTree makes a pending document by synthesising JSON from a tree.
func fromTree(file, name string, kind policy.Kind, ln *lines, n *node, c *collector) pending {
	src, m := synthesize(n)
	return pending{file: file, name: name, kind: kind, src: src, m: m, ln: ln, placeholders: c.placeholders, errs: c.errs}
}

// fromString makes a pending document from a policy written as a JSON string
// inside another format: the string's decoded text is parsed and mapped back
// through the string's own offset map.
func fromString(file, name string, kind policy.Kind, ln *lines, s *node, c *collector) pending {
	return pending{file: file, name: name, kind: kind, src: []byte(s.text), m: s.strMap(), ln: ln, placeholders: c.placeholders, errs: c.errs}
}

// document makes a pending document from a value that is either a policy
// object or a JSON string holding one.
func document(file, name string, kind policy.Kind, ln *lines, n *node, c *collector) pending {
	if n.kind == stringNode {
		return fromString(file, name, kind, ln, n, c)
	}
	return fromTree(file, name, kind, ln, n, c)
}

// finish parses every pending document and moves its positions to the
// original file.
func finish(ps []pending) []Extracted {
	out := make([]Extracted, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.finish())
	}
	return out
}

func (p *pending) pos(off int) policy.Pos {
	if p.m != nil {
		if o, ok := p.m.lookup(off); ok {
			off = o
		}
	}
	return p.ln.pos(off)
}

func (p *pending) finish() Extracted {
	e := Extracted{File: p.file, Name: p.name, Kind: p.kind, Owner: p.owner, Boundary: p.boundary, UsedBy: p.usedBy, Source: p.src}
	var doc *policy.Document
	var err error
	if p.src != nil {
		doc, err = policy.Parse(p.file, p.src, p.kind)
	}
	var list policy.ErrorList
	switch {
	case errors.As(err, &list):
		for _, pe := range list {
			c := *pe
			c.Filename = p.file
			c.Pos = p.rebase(pe.Pos)
			e.Errors = append(e.Errors, &c)
		}
	case err != nil:
		e.Errors = append(e.Errors, &policy.Error{Filename: p.file, Pos: p.pos(0), Code: "invalid-document", Msg: err.Error()})
	}
	if doc != nil {
		rebaseDocument(doc, p.rebase)
		e.Document = doc
	}
	for _, pr := range p.errs {
		e.Errors = append(e.Errors, &policy.Error{Filename: p.file, Pos: p.ln.pos(pr.off), Code: pr.code, Msg: pr.msg})
	}
	e.Errors.Sort()
	for _, ph := range p.placeholders {
		e.Placeholders = append(e.Placeholders, Placeholder{Pos: p.ln.pos(ph.off), Text: ph.text, Expr: ph.expr})
	}
	return e
}

// rebase maps a position in p.src to the original file.
func (p *pending) rebase(pos policy.Pos) policy.Pos {
	if !pos.IsValid() {
		return pos
	}
	if p.m == nil {
		return pos
	}
	return p.pos(pos.Offset)
}

// rebaseDocument rewrites every position in d with f.
func rebaseDocument(d *policy.Document, f func(policy.Pos) policy.Pos) {
	d.Pos = f(d.Pos)
	d.Version.Pos = f(d.Version.Pos)
	d.ID.Pos = f(d.ID.Pos)
	for _, s := range d.Statements {
		s.Pos = f(s.Pos)
		s.Sid.Pos = f(s.Sid.Pos)
		s.EffectPos = f(s.EffectPos)
		rebasePrincipal(s.Principal, f)
		rebasePrincipal(s.NotPrincipal, f)
		for _, l := range [...]*policy.List{s.Action, s.NotAction, s.Resource, s.NotResource} {
			rebaseList(l, f)
		}
		for _, b := range s.Condition {
			b.Operator.Pos = f(b.Operator.Pos)
			for _, en := range b.Entries {
				en.Key.Pos = f(en.Key.Pos)
				rebaseList(en.Values, f)
			}
		}
	}
}

func rebasePrincipal(p *policy.Principal, f func(policy.Pos) policy.Pos) {
	if p == nil {
		return
	}
	p.Pos = f(p.Pos)
	for _, l := range [...]*policy.List{p.AWS, p.CanonicalUser, p.Federated, p.Service} {
		rebaseList(l, f)
	}
}

func rebaseList(l *policy.List, f func(policy.Pos) policy.Pos) {
	if l == nil {
		return
	}
	l.Pos = f(l.Pos)
	for i := range l.Values {
		l.Values[i].Pos = f(l.Values[i].Pos)
	}
}
