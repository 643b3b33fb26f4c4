package source

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// yamlLineRE finds the line number go-yaml puts in its error messages.
var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// readYAML parses a YAML document into a node tree. CloudFormation's
// short-form intrinsics (!Sub, !Ref, !GetAtt...) become the long form
// ({"Fn::Sub": ...}, {"Ref": ...}) so one resolver handles both.
func readYAML(src []byte, ln *lines) (*node, *jsonError) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		off := 0
		msg := err.Error()
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			msg = m[2]
			if line, convErr := strconv.Atoi(m[1]); convErr == nil {
				off = ln.offset(line, 1)
			}
		}
		return nil, &jsonError{off: off, msg: msg}
	}
	if len(doc.Content) == 0 {
		return &node{kind: nullNode}, nil
	}
	// Without aliases a text has fewer values than bytes; the limit stops a
	// few lines of nested aliases expanding to millions ("billion laughs").
	c := yamlConverter{src: src, ln: ln, limit: 4*len(src) + 10000}
	n := c.convert(doc.Content[0], 0)
	if c.err != nil {
		return nil, c.err
	}
	return n, nil
}

type yamlConverter struct {
	src   []byte
	ln    *lines
	err   *jsonError
	nodes int // nodes made so far, aliases expanded
	limit int // most nodes allowed
}

func (c *yamlConverter) fail(off int, format string, args ...any) {
	if c.err == nil {
		c.err = &jsonError{off: off, msg: fmt.Sprintf(format, args...)}
	}
}

func (c *yamlConverter) convert(y *yaml.Node, depth int) *node {
	off := c.ln.offset(y.Line, y.Column)
	c.nodes++
	if c.err != nil {
		return &node{kind: nullNode, off: off}
	}
	if depth > maxDepth {
		c.fail(off, "nesting deeper than %d levels", maxDepth)
		return &node{kind: nullNode, off: off}
	}
	if c.nodes > c.limit {
		c.fail(off, "the document expands to more than %d values through aliases", c.limit)
		return &node{kind: nullNode, off: off}
	}
	if y.Kind == yaml.AliasNode {
		if y.Alias == nil {
			return &node{kind: nullNode, off: off}
		}
		return c.convert(y.Alias, depth+1)
	}
	if tag := y.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") {
		// A short-form intrinsic: !Sub x is {"Fn::Sub": x}, positioned at the tag.
		inner := *y
		inner.Tag = ""
		switch inner.Kind {
		case yaml.ScalarNode:
			inner.Tag = "!!str"
		case yaml.MappingNode:
			inner.Tag = "!!map"
		case yaml.SequenceNode:
			inner.Tag = "!!seq"
		}
		name := strings.TrimPrefix(tag, "!")
		if name != "Ref" {
			name = "Fn::" + name
		}
		v := c.convert(&inner, depth+1)
		return &node{kind: objectNode, off: off, keys: []*node{newString(off, name, nil)}, elems: []*node{v}}
	}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return &node{kind: nullNode, off: off}
		}
		return c.convert(y.Content[0], depth+1)
	case yaml.SequenceNode:
		n := &node{kind: arrayNode, off: off}
		for _, e := range y.Content {
			n.elems = append(n.elems, c.convert(e, depth+1))
		}
		return n
	case yaml.MappingNode:
		n := &node{kind: objectNode, off: off}
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Tag == "!!merge" {
				c.merge(n, v, depth)
				continue
			}
			key := c.convert(k, depth+1)
			if key.kind == objectNode || key.kind == arrayNode {
				c.fail(key.off, "a mapping key must be a scalar")
				continue
			}
			key.kind = stringNode
			n.keys = append(n.keys, key)
			n.elems = append(n.elems, c.convert(v, depth+1))
		}
		return n
	}
	return c.scalar(y, off)
}

// merge applies a YAML merge key (<<: *anchor) to n.
func (c *yamlConverter) merge(n *node, v *yaml.Node, depth int) {
	m := c.convert(v, depth+1)
	var maps []*node
	switch m.kind {
	case objectNode:
		maps = []*node{m}
	case arrayNode:
		maps = m.elems
	}
	for _, mm := range maps {
		if mm.kind != objectNode {
			c.fail(mm.off, "a merge key (<<) needs a mapping or a list of mappings")
			return
		}
		n.keys = append(n.keys, mm.keys...)
		n.elems = append(n.elems, mm.elems...)
	}
}

func (c *yamlConverter) scalar(y *yaml.Node, off int) *node {
	switch y.ShortTag() {
	case "!!null":
		return &node{kind: nullNode, off: off, text: y.Value}
	case "!!bool":
		v := "false"
		if b, err := strconv.ParseBool(strings.ToLower(y.Value)); err == nil && b {
			v = "true"
		}
		return &node{kind: boolNode, off: off, text: v}
	case "!!int", "!!float":
		// Numbers JSON cannot write as they are (012345678901, 0x1F, +1)
		// stay strings, as IAM compares condition values as strings anyway.
		if isJSONNumber(y.Value) {
			return &node{kind: numberNode, off: off, text: y.Value}
		}
	}
	n := newString(off, y.Value, nil)
	n.raw, n.escapes = c.src, y.Style&yaml.DoubleQuotedStyle != 0
	return n
}
