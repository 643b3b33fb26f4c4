package eval

import "strings"

// globSearch decides questions of the form "is there a string in these
// pattern sets and not in those?" exactly, for IAM wildcard patterns ('*'
// any run, '?' one character, everything else literal). Each pattern is an
// NFA whose states are its positions; a breadth-first search over subsets
// of all patterns' positions (the product of their determinizations) finds
// the shortest witness string or proves there is none.
//
// Characters are grouped: every byte that appears literally in some
// pattern is its own symbol, and all other characters behave alike (only
// wildcards match them), so one "other" symbol stands for them. '?' is
// treated as one byte; witnesses are ASCII.
type globSearch struct {
	pats   []string
	offs   []int // position of pattern k's first state
	n      int   // total states
	words  int
	groups []globGroup
}

// globGroup is a union of patterns, or its complement (NotResource).
type globGroup struct {
	pats       []int
	complement bool
}

// addGroup adds a group of patterns and returns its index.
func (g *globSearch) addGroup(patterns []string, complement bool) int {
	grp := globGroup{complement: complement}
	for _, p := range patterns {
		grp.pats = append(grp.pats, len(g.pats))
		g.pats = append(g.pats, p)
		g.offs = append(g.offs, g.n)
		g.n += len(p) + 1
	}
	g.groups = append(g.groups, grp)
	return len(g.groups) - 1
}

type bitset []uint64

func (b bitset) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (i & 63) }

// closure adds, for every state before a '*', the state after it.
func (g *globSearch) closure(s bitset) {
	for k, p := range g.pats {
		o := g.offs[k]
		for i := 0; i < len(p); i++ {
			if p[i] == '*' && s.has(o+i) {
				s.set(o + i + 1)
			}
		}
	}
}

// step moves every state over one symbol: byte c, or (other) a character
// no pattern names literally.
func (g *globSearch) step(s bitset, c byte, other bool) bitset {
	out := make(bitset, g.words)
	for k, p := range g.pats {
		o := g.offs[k]
		for i := 0; i < len(p); i++ {
			if !s.has(o + i) {
				continue
			}
			switch ch := p[i]; {
			case ch == '*':
				out.set(o + i)
			case ch == '?' || (!other && ch == c):
				out.set(o + i + 1)
			}
		}
	}
	g.closure(out)
	return out
}

// accepts reports whether the group accepts in state s.
func (g *globSearch) accepts(grp int, s bitset) bool {
	gr := g.groups[grp]
	any := false
	for _, k := range gr.pats {
		if s.has(g.offs[k] + len(g.pats[k])) {
			any = true
			break
		}
	}
	return any != gr.complement
}

// maxGlobStates bounds the search; beyond it the answer is "undecided".
const maxGlobStates = 5000

// find returns the shortest string w for which accept(w's state) holds.
// found is false when no string does; decided is false when the search hit
// its bound.
func (g *globSearch) find(accept func(bitset) bool) (w string, found, decided bool) {
	g.words = (g.n + 63) / 64
	if g.words == 0 {
		g.words = 1
	}
	var lits []byte
	seen := [256]bool{}
	for _, p := range g.pats {
		for i := 0; i < len(p); i++ {
			if c := p[i]; c != '*' && c != '?' && !seen[c] {
				seen[c] = true
				lits = append(lits, c)
			}
		}
	}
	filler, ok := fillerByte(&seen)
	start := make(bitset, g.words)
	for k := range g.pats {
		start.set(g.offs[k])
	}
	g.closure(start)
	type node struct {
		set    bitset
		parent int
		sym    byte
	}
	nodes := []node{{set: start, parent: -1}}
	visited := map[string]bool{setKey(start): true}
	for head := 0; head < len(nodes); head++ {
		cur := nodes[head]
		if accept(cur.set) {
			var b []byte
			for i := head; nodes[i].parent >= 0; i = nodes[i].parent {
				b = append(b, nodes[i].sym)
			}
			for l, r := 0, len(b)-1; l < r; l, r = l+1, r-1 {
				b[l], b[r] = b[r], b[l]
			}
			return string(b), true, true
		}
		for si := 0; si <= len(lits); si++ {
			var next bitset
			var sym byte
			if si < len(lits) {
				sym = lits[si]
				next = g.step(cur.set, sym, false)
			} else {
				if !ok {
					continue
				}
				sym = filler
				next = g.step(cur.set, 0, true)
			}
			k := setKey(next)
			if visited[k] {
				continue
			}
			if len(nodes) >= maxGlobStates {
				return "", false, false
			}
			visited[k] = true
			nodes = append(nodes, node{set: next, parent: head, sym: sym})
		}
	}
	return "", false, true
}

// fillerByte picks a character no pattern names, to stand for "other".
func fillerByte(seen *[256]bool) (byte, bool) {
	for _, c := range []byte("xyzqjkw0123456789abcdefghilmnoprstuv") {
		if !seen[c] {
			return c, true
		}
	}
	return 0, false
}

func setKey(s bitset) string {
	var b strings.Builder
	b.Grow(len(s) * 8)
	for _, w := range s {
		for i := 0; i < 8; i++ {
			b.WriteByte(byte(w >> (8 * i)))
		}
	}
	return b.String()
}

// formatGlob turns an ARN format ("arn:${Partition}:s3:::${BucketName}/${ObjectName}")
// into a pattern that covers it: each variable becomes "?*" (one or more
// characters). The pattern over-approximates the format; witnesses are
// checked against the exact format afterwards.
func formatGlob(f string) string {
	var b strings.Builder
	for {
		i := strings.Index(f, "${")
		if i < 0 {
			break
		}
		end := strings.IndexByte(f[i:], '}')
		if end < 0 {
			break
		}
		b.WriteString(f[:i])
		b.WriteString("?*")
		f = f[i+end+1:]
	}
	b.WriteString(f)
	return b.String()
}
