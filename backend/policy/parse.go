package policy

import (
	"fmt"
	"net/url"
	"strings"
)

// Parse parses a policy document of the given kind. filename is used only in
// error messages and may be empty.
//
// It reports every problem it finds, not just the first: the error, when
// not nil, is an ErrorList sorted by position, each entry with Filename set,
// a stable Code and a Path naming the element. The Document is returned
// alongside the errors whenever the source was a JSON object, holding every
// element that could be read, so callers can still point at places in it.
//
// A document URL-encoded the way the IAM API returns it (the text starts
// with '%', as in "%7B%22Version%22...") is decoded first, with
// url.PathUnescape semantics ('+' stays '+'). Positions then refer to the
// decoded text.
func Parse(filename string, src []byte, kind Kind) (*Document, error) {
	p := &parser{kind: kind}
	p.keys = make([]Value, 0, 8)
	p.vals = make([]Value, 0, 8)
	doc := p.parse(src)
	for _, e := range p.errs {
		e.Filename = filename
	}
	p.errs.Sort()
	return doc, p.errs.Err()
}

// parser builds a Document from the JSON scanner's output and checks the
// policy grammar for its kind.
type parser struct {
	scanner
	kind      Kind
	stmtIndex []int   // the source array index of each of Document.Statements, -1 for a lone statement object
	vals      []Value // scratch for list values, so each list is allocated once at its final size

	values slab[Value]
	lists  slab[List]
	stmts  slab[Statement]
}

func (p *parser) parse(src []byte) *Document {
	if len(src) > MaxSize {
		p.errs.Add(Pos{}, "", CodeTooLarge, "policy is %d bytes; the limit is %d bytes (AWS's own limits are far lower)", len(src), MaxSize)
		return nil
	}
	text := string(src)
	if strings.HasPrefix(strings.TrimLeft(text, " \t\r\n"), "%") {
		decoded, err := url.PathUnescape(text)
		if err != nil {
			p.errs.Add(Pos{}, "", CodeURLEncoding, "policy starts with '%%' as a URL-encoded document does, but does not decode: %v", err)
			return nil
		}
		text = decoded
	}
	p.src, p.line = text, 1
	if strings.HasPrefix(text, "\uFEFF") {
		p.errorf(p.pos(), rootPath, CodeSyntax, "invalid JSON: byte order mark (U+FEFF) before the document")
		p.off = len("\uFEFF")
		p.lineStart = p.off
	}
	switch c := p.peek(); c {
	case '{':
	case 0:
		p.errorf(p.pos(), rootPath, CodeSyntax, "empty input: want a JSON policy document")
		return nil
	default:
		if isValueStart(c) {
			p.errorf(p.pos(), rootPath, CodeWrongType, "want a policy document (a JSON object), got %s", p.describe())
		} else {
			p.errorf(p.pos(), rootPath, CodeSyntax, "invalid JSON: want a policy document (a JSON object), got %s", p.describeChar())
		}
		return nil
	}
	doc := p.document()
	if !p.stopped && p.peek() != 0 {
		p.errorf(p.pos(), rootPath, CodeSyntax, "invalid JSON: unexpected %s after the policy document", p.describe())
	}
	return doc
}

var (
	documentElements  = []string{"Version", "Id", "Statement"}
	statementElements = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
	principalTypes    = []string{"AWS", "CanonicalUser", "Federated", "Service"}
)

func (p *parser) document() *Document {
	doc := &Document{Pos: p.pos()}
	var statementSeen bool
	p.object(rootPath, func(key Value, _ bool) {
		switch key.Text {
		case "Version":
			p.version(doc)
		case "Id":
			doc.ID, _ = p.stringValue(rootPath.key("Id"))
		case "Statement":
			statementSeen = true
			p.statements(doc)
		default:
			p.unknown(rootPath, key, "a policy document", documentElements)
		}
	})
	if !statementSeen && !p.stopped {
		p.errorf(doc.Pos, rootPath, CodeMissing, "missing Statement element (want a statement object or an array of statements)")
	}
	p.checkSids(doc)
	return doc
}

func (p *parser) version(doc *Document) {
	v, ok := p.stringValue(rootPath.key("Version"))
	if !ok {
		return
	}
	doc.Version = v
	if v.Text != "2012-10-17" && v.Text != "2008-10-17" {
		p.errorf(v.Pos, rootPath.key("Version"), CodeInvalidVersion, "want \"2012-10-17\" or \"2008-10-17\", got %q", clip(v.Text))
	}
}

func (p *parser) statements(doc *Document) {
	switch p.peek() {
	case '{':
		at := rootPath.key("Statement")
		doc.Statements = append(doc.Statements, p.statement(at, 0))
		p.stmtIndex = append(p.stmtIndex, -1)
	case '[':
		doc.StatementList = true
		pos, n := p.pos(), 0
		p.array(func(i int) {
			n++
			at := rootPath.key("Statement").index(i)
			if p.peek() != '{' {
				p.errorf(p.pos(), at, CodeWrongType, "want a statement object, got %s", p.describe())
				p.skipValue(at)
				return
			}
			doc.Statements = append(doc.Statements, p.statement(at, len(doc.Statements)))
			p.stmtIndex = append(p.stmtIndex, i)
		})
		if n == 0 && !p.stopped {
			p.errorf(pos, rootPath.key("Statement"), CodeEmpty, "empty array: want at least one statement")
		}
	default:
		p.errorf(p.pos(), rootPath.key("Statement"), CodeWrongType, "want a statement object or an array of statements, got %s", p.describe())
		p.skipValue(rootPath.key("Statement"))
	}
}

// Indexes into statementElements, to record which elements a statement
// wrote (even with a value of the wrong type) and where.
const (
	elemSid = iota
	elemEffect
	elemPrincipal
	elemNotPrincipal
	elemAction
	elemNotAction
	elemResource
	elemNotResource
	elemCondition
	numElems
)

func (p *parser) statement(at path, index int) *Statement {
	st := p.stmts.alloc()
	st.Pos, st.Index = p.pos(), index
	var seen [numElems]Pos // key positions; zero when absent
	p.object(at, func(key Value, _ bool) {
		elem := -1
		for i, name := range statementElements {
			if key.Text == name {
				elem = i
				break
			}
		}
		if elem < 0 {
			p.unknown(at, key, "a statement", statementElements)
			return
		}
		seen[elem] = key.Pos
		switch elem {
		case elemSid:
			st.Sid, _ = p.stringValue(at.key("Sid"))
		case elemEffect:
			p.effect(st, at.key("Effect"))
		case elemPrincipal:
			st.Principal = p.principal(at.key("Principal"))
		case elemNotPrincipal:
			st.NotPrincipal = p.principal(at.key("NotPrincipal"))
		case elemAction:
			st.Action = p.list(at.key("Action"), false)
		case elemNotAction:
			st.NotAction = p.list(at.key("NotAction"), false)
		case elemResource:
			st.Resource = p.list(at.key("Resource"), false)
		case elemNotResource:
			st.NotResource = p.list(at.key("NotResource"), false)
		case elemCondition:
			st.Condition = p.condition(at.key("Condition"))
		}
	})
	if p.stopped {
		return st
	}
	if !seen[elemEffect].IsValid() {
		p.errorf(st.Pos, at, CodeMissing, "missing Effect element (want \"Allow\" or \"Deny\")")
	}
	if !seen[elemAction].IsValid() && !seen[elemNotAction].IsValid() {
		p.errorf(st.Pos, at, CodeMissing, "missing Action or NotAction element")
	}
	for _, pair := range [...][2]int{{elemPrincipal, elemNotPrincipal}, {elemAction, elemNotAction}, {elemResource, elemNotResource}} {
		first, second := statementElements[pair[0]], statementElements[pair[1]]
		if a, b := seen[pair[0]], seen[pair[1]]; a.IsValid() && b.IsValid() {
			// Reported at whichever of the two was written last.
			pos, name := b, second
			if a.Offset > b.Offset {
				pos, name = a, first
			}
			p.errorf(pos, at.key(name), CodeConflict, "a statement has either %s or %s, not both", first, second)
		}
	}
	p.checkKind(at, st, seen)
	return st
}

// checkKind applies the rules that depend on the policy kind: which kinds
// name a principal, and which name resources.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
func (p *parser) checkKind(at path, st *Statement, seen [numElems]Pos) {
	forbid := func(e int) {
		if pos := seen[e]; pos.IsValid() {
			name := statementElements[e]
			p.errorf(pos, at.key(name), CodeForbidden, "%s is not allowed in %s", name, kindNoun(p.kind))
		}
	}
	hasPrincipal := seen[elemPrincipal].IsValid() || seen[elemNotPrincipal].IsValid()
	hasResource := seen[elemResource].IsValid() || seen[elemNotResource].IsValid()
	switch p.kind {
	case KindIdentity, KindSCP, KindBoundary, KindSession:
		// Policies attached to (or passed for) the principal itself, and
		// SCPs, do not name a principal.
		forbid(elemPrincipal)
		forbid(elemNotPrincipal)
	case KindTrust, KindRCP:
		forbid(elemNotPrincipal)
		if !seen[elemPrincipal].IsValid() {
			p.errorf(st.Pos, at, CodeMissing, "missing Principal element (%s must name who it applies to)", kindNoun(p.kind))
		}
	case KindResource, KindVPCEndpoint:
		if !hasPrincipal {
			p.errorf(st.Pos, at, CodeMissing, "missing Principal or NotPrincipal element (%s must name who it applies to)", kindNoun(p.kind))
		}
	}
	switch p.kind {
	case KindTrust:
		// The resource of a trust policy is the role itself; IAM rejects
		// the element ("Has prohibited field Resource").
		forbid(elemResource)
		forbid(elemNotResource)
	case KindIdentity, KindSCP, KindRCP, KindBoundary, KindSession:
		if !hasResource {
			p.errorf(st.Pos, at, CodeMissing, "missing Resource or NotResource element")
		}
	}
}

// kindNoun names a kind in a sentence: "an identity policy".
func kindNoun(k Kind) string {
	switch k {
	case KindIdentity:
		return "an identity policy"
	case KindResource:
		return "a resource-based policy"
	case KindTrust:
		return "a role trust policy"
	case KindSCP:
		return "a service control policy"
	case KindRCP:
		return "a resource control policy"
	case KindBoundary:
		return "a permissions boundary"
	case KindSession:
		return "a session policy"
	case KindVPCEndpoint:
		return "a VPC endpoint policy"
	}
	return "a policy"
}

// unknown reports a key the grammar does not have at this place, suggesting
// the element it differs from only in case.
func (p *parser) unknown(parent path, key Value, where string, known []string) {
	at := parent.key(key.Text)
	hint := "want one of " + strings.Join(known, ", ")
	for _, k := range known {
		if strings.EqualFold(k, key.Text) {
			hint = fmt.Sprintf("element names are case-sensitive: did you mean %q?", k)
		}
	}
	p.errorf(key.Pos, at, CodeUnknownElement, "unknown element %q in %s (%s)", clip(key.Text), where, hint)
	p.skipValue(at)
}

// stringValue reads a string element.
func (p *parser) stringValue(at path) (Value, bool) {
	if p.peek() == '"' {
		return p.readString(at), true
	}
	p.errorf(p.pos(), at, CodeWrongType, "want a string, got %s", p.describe())
	p.skipValue(at)
	return Value{}, false
}

func (p *parser) effect(st *Statement, elemPath path) {
	st.EffectPos = p.pos()
	if p.peek() != '"' {
		p.errorf(p.pos(), elemPath, CodeWrongType, "want \"Allow\" or \"Deny\", got %s", p.describe())
		p.skipValue(elemPath)
		return
	}
	v := p.readString(elemPath)
	switch v.Text {
	case "Allow":
		st.Effect = EffectAllow
	case "Deny":
		st.Effect = EffectDeny
	default:
		p.errorf(v.Pos, elemPath, CodeInvalidEffect, "want \"Allow\" or \"Deny\", got %q", clip(v.Text))
	}
}

// list reads an element written as one value or an array of values. Action,
// Resource and principal lists hold strings; condition values (scalars set)
// may also be numbers or booleans. An absent or unreadable element gives
// nil; an empty array gives an empty, non-nil List (and an error).
func (p *parser) list(elemPath path, scalars bool) *List {
	wantItem, wantList := "a string", "a string or an array of strings"
	if scalars {
		wantItem, wantList = "a string, number or boolean", "a string, number or boolean, or an array of them"
	}
	item := func(itemPath path) (Value, bool) {
		c := p.peek()
		if c != '"' && (!scalars || c == '{' || c == '[') {
			p.errorf(p.pos(), itemPath, CodeWrongType, "want %s, got %s", wantItem, p.describe())
			p.skipValue(itemPath)
			return Value{}, false
		}
		v, isNull, ok := p.scalar(itemPath)
		if isNull {
			p.errorf(v.Pos, itemPath, CodeWrongType, "want %s, got null", wantItem)
			return Value{}, false
		}
		return v, ok
	}
	if c := p.peek(); c != '[' {
		if c == '{' || (!scalars && c != '"') {
			p.errorf(p.pos(), elemPath, CodeWrongType, "want %s, got %s", wantList, p.describe())
			p.skipValue(elemPath)
			return nil
		}
		v, ok := item(elemPath)
		if !ok {
			return nil
		}
		l := p.lists.alloc()
		l.Pos, l.Values = v.Pos, p.values.take(1)
		l.Values[0] = v
		return l
	}
	l := p.lists.alloc()
	l.Pos = p.pos()
	n, start := 0, len(p.vals)
	p.array(func(i int) {
		n++
		if v, ok := item(elemPath.index(i)); ok {
			p.vals = append(p.vals, v)
		}
	})
	if len(p.vals) > start {
		l.Values = p.values.take(len(p.vals) - start)
		copy(l.Values, p.vals[start:])
	}
	p.vals = p.vals[:start]
	if n == 0 && !p.stopped {
		p.errorf(l.Pos, elemPath, CodeEmpty, "empty array: want at least one value")
	}
	return l
}

func (p *parser) principal(elemPath path) *Principal {
	pos := p.pos()
	switch p.peek() {
	case '"':
		v := p.readString(elemPath)
		if v.Text == "*" {
			return &Principal{Pos: pos, Wildcard: true}
		}
		p.errorf(v.Pos, elemPath, CodeInvalidPrinc, "want \"*\" or an object such as {\"AWS\": ...}, got the string %q", clip(v.Text))
		return nil
	case '{':
	default:
		p.errorf(pos, elemPath, CodeWrongType, "want \"*\" or an object of principal types, got %s", p.describe())
		p.skipValue(elemPath)
		return nil
	}
	pr := &Principal{Pos: pos}
	n := 0
	p.object(elemPath, func(key Value, _ bool) {
		n++
		switch key.Text {
		case "AWS":
			pr.AWS = p.list(elemPath.key("AWS"), false)
		case "CanonicalUser":
			pr.CanonicalUser = p.list(elemPath.key("CanonicalUser"), false)
		case "Federated":
			pr.Federated = p.list(elemPath.key("Federated"), false)
		case "Service":
			pr.Service = p.list(elemPath.key("Service"), false)
		default:
			hint := ""
			for _, t := range principalTypes {
				if strings.EqualFold(t, key.Text) {
					hint = fmt.Sprintf("; principal types are case-sensitive: did you mean %q?", t)
				}
			}
			p.errorf(key.Pos, elemPath.key(key.Text), CodeUnknownPrinc, "unknown principal type %q (want AWS, CanonicalUser, Federated or Service%s)", clip(key.Text), hint)
			p.skipValue(elemPath.key(key.Text))
		}
	})
	if n == 0 && !p.stopped {
		p.errorf(pos, elemPath, CodeEmpty, "empty object: want at least one principal type (AWS, CanonicalUser, Federated or Service)")
	}
	return pr
}

// condition reads a Condition element: operator → key → values. Operator
// names are checked with ParseOperator; condition keys are case-insensitive
// in AWS, so keys differing only in case are duplicates (reported by the
// scanner) and only the first is kept.
func (p *parser) condition(elemPath path) Condition {
	if p.peek() != '{' {
		p.errorf(p.pos(), elemPath, CodeWrongType, "want an object of condition operators, got %s", p.describe())
		p.skipValue(elemPath)
		return nil
	}
	cond := Condition{}
	p.object(elemPath, func(op Value, _ bool) {
		opPath := elemPath.key(op.Text)
		if _, err := ParseOperator(op.Text); err != nil {
			p.errorf(op.Pos, opPath, CodeUnknownOp, "unknown condition operator %q%s", clip(op.Text), operatorHint(op.Text))
			p.skipValue(opPath)
			return
		}
		if p.peek() != '{' {
			p.errorf(p.pos(), opPath, CodeWrongType, "want an object of condition keys and values, got %s", p.describe())
			p.skipValue(opPath)
			return
		}
		block := &ConditionBlock{Operator: op}
		p.object(opPath, func(key Value, caseDup bool) {
			if caseDup {
				p.skipValue(opPath.key(key.Text))
				return
			}
			if values := p.list(opPath.key(key.Text), true); values != nil {
				block.Entries = append(block.Entries, &ConditionEntry{Key: key, Values: values})
			}
		})
		cond = append(cond, block)
	})
	return cond
}

// operatorHint suggests the operator a misspelt one differs from only in
// case.
func operatorHint(s string) string {
	for _, q := range [...]string{"", "ForAllValues:", "ForAnyValue:"} {
		for _, n := range baseOperatorNames[1:] {
			for _, suffix := range [...]string{"", "IfExists"} {
				if n == OpNull.String() && suffix != "" {
					continue // Null takes no IfExists
				}
				if cand := q + n + suffix; strings.EqualFold(cand, s) {
					return fmt.Sprintf(" (operators are case-sensitive: did you mean %q?)", cand)
				}
			}
		}
	}
	return ""
}

// checkSids reports statement IDs used twice: IAM requires them to be unique
// within a policy.
func (p *parser) checkSids(doc *Document) {
	var first map[string]Pos
	for i, st := range doc.Statements {
		if st.Sid.Text == "" {
			continue
		}
		if first == nil {
			first = make(map[string]Pos, len(doc.Statements)-i)
		}
		if pos, ok := first[st.Sid.Text]; ok {
			p.errorf(st.Sid.Pos, p.statementPath(i).key("Sid"), CodeDuplicateSid,
				"duplicate Sid %q (first at %s); statement IDs must be unique within a policy", clip(st.Sid.Text), pos)
			continue
		}
		first[st.Sid.Text] = st.Sid.Pos
	}
}

// statementPath names Document.Statements[i] as it was written.
func (p *parser) statementPath(i int) path {
	if p.stmtIndex[i] < 0 {
		return rootPath.key("Statement")
	}
	return rootPath.key("Statement").index(p.stmtIndex[i])
}
