package compliance

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// decoder walks a yaml.Node tree strictly: unknown and duplicate keys, wrong
// node types, aliases and empty required values are all reported with the
// position and field path of the offending node. Reading stops at nothing:
// every problem in the file is collected.
type decoder struct {
	file  string
	lines []string // the source, for positions inside multi-line scalars
	errs  ErrorList
	refs  []ref // check and framework names met, for Config.Check
}

// yamlErrorRE splits the line number out of go-yaml's syntax errors.
var yamlErrorRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parse reads src as a single YAML document and returns its root node, or
// nil when the document is empty or unreadable (with the error recorded).
func (d *decoder) parse(src []byte) *yaml.Node {
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil
		}
		d.syntaxError(err)
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		d.errs.add(d.file, posOf(&extra), "", "the file holds more than one YAML document")
		return nil
	case !errors.Is(err, io.EOF):
		d.syntaxError(err)
		return nil
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil
	}
	return root
}

func (d *decoder) syntaxError(err error) {
	msg := err.Error()
	var pos Pos
	if m := yamlErrorRE.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	d.errs.add(d.file, pos, "", "invalid YAML: %s", msg)
}

func posOf(n *yaml.Node) Pos { return Pos{Line: n.Line, Column: n.Column} }

// describe names a node's type for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("the scalar %q", n.Value)
	}
	return "an unexpected node"
}

func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	d.errs.add(d.file, posOf(n), field, format, args...)
}

// usable reports an alias (unsupported: configs stay readable top to
// bottom, and alias expansion is a denial-of-service vector) and returns
// whether n may be read.
func (d *decoder) usable(n *yaml.Node, field string) bool {
	if n.Kind == yaml.AliasNode {
		d.errorf(n, field, "YAML aliases are not supported; write the value out")
		return false
	}
	return true
}

// entry is one key of a mapping with its value.
type entry struct {
	key   *yaml.Node
	value *yaml.Node
}

// mapping checks that n is a mapping whose keys are all in allowed and
// unique, and returns its values by key. It returns nil, with the problem
// recorded, when n is not a mapping.
func (d *decoder) mapping(n *yaml.Node, field string, allowed ...string) map[string]entry {
	if !d.usable(n, field) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, field, "want a mapping, got %s", describe(n))
		return nil
	}
	known := make(map[string]bool, len(allowed))
	for _, a := range allowed {
		known[a] = true
	}
	out := make(map[string]entry, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, field, "want a field name, got %s", describe(k))
			continue
		}
		name := k.Value
		switch {
		case !known[name]:
			d.errorf(k, join(field, name), "unknown field (want one of %s)", strings.Join(sorted(allowed), ", "))
		case out[name].key != nil:
			d.errorf(k, join(field, name), "duplicate field (first set at line %d)", out[name].key.Line)
		default:
			out[name] = entry{key: k, value: v}
		}
	}
	return out
}

// pairs checks that n is a mapping with unique scalar keys and returns its
// entries in file order, for mappings keyed by data (severityOverrides).
func (d *decoder) pairs(n *yaml.Node, field string) []entry {
	if !d.usable(n, field) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, field, "want a mapping, got %s", describe(n))
		return nil
	}
	var out []entry
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
			d.errorf(k, field, "want a key, got %s", describe(k))
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.errorf(k, join(field, k.Value), "duplicate key (first set at line %d)", line)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, entry{key: k, value: v})
	}
	return out
}

// scalar returns a scalar's text as written (so `2.10` stays "2.10"). An
// empty or null value is reported as missing.
func (d *decoder) scalar(n *yaml.Node, field string) (string, bool) {
	if !d.usable(n, field) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, field, "want a single value, got %s", describe(n))
		return "", false
	}
	if n.ShortTag() == "!!null" || strings.TrimSpace(n.Value) == "" {
		d.errorf(n, field, "must not be empty")
		return "", false
	}
	return n.Value, true
}

// field reads the optional scalar m[name]; a present but empty value is an
// error.
func (d *decoder) field(m map[string]entry, parent, name string) (string, Pos) {
	e, ok := m[name]
	if !ok {
		return "", Pos{}
	}
	s, _ := d.scalar(e.value, join(parent, name))
	return s, posOf(e.value)
}

// required reads the scalar m[name] and reports it when it is absent; n is
// the mapping, for the position of a missing field.
func (d *decoder) required(n *yaml.Node, m map[string]entry, parent, name string) (string, Pos) {
	if _, ok := m[name]; !ok {
		d.errorf(n, join(parent, name), "required field is missing")
		return "", posOf(n)
	}
	return d.field(m, parent, name)
}

// list checks that n is a sequence and returns its items.
func (d *decoder) list(n *yaml.Node, field string) []*yaml.Node {
	if !d.usable(n, field) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, field, "want a list, got %s", describe(n))
		return nil
	}
	return n.Content
}

// item is one string of a list with its position.
type item struct {
	Value string
	Pos   Pos
	Field string
}

// stringList reads a list of scalars, reporting duplicates.
func (d *decoder) stringList(n *yaml.Node, field string) []item {
	var out []item
	seen := map[string]int{}
	for i, c := range d.list(n, field) {
		f := fmt.Sprintf("%s[%d]", field, i)
		s, ok := d.scalar(c, f)
		if !ok {
			continue
		}
		if line, dup := seen[s]; dup {
			d.errorf(c, f, "%q is listed twice (first at line %d)", s, line)
			continue
		}
		seen[s] = c.Line
		out = append(out, item{Value: s, Pos: posOf(c), Field: f})
	}
	return out
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
