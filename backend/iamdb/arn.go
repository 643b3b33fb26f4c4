package iamdb

import "strings"

// An arnMatcher is an ARN format compiled to a byte string in which each
// ${Variable} is replaced by a marker byte. ARN formats never contain
// control characters, so the markers cannot collide with literal text.
type arnMatcher string

const (
	// tokField matches one or more characters other than ':' — one ARN
	// field, or one ':'-separated segment of a resource part.
	tokField = 0x01
	// tokName matches one or more characters other than ':' and '/'. It is
	// used for path segments named "...Id" ("/restapis/${RestApiId}") and
	// for a variable that is the whole resource part (bucket, queue and
	// topic names), so "arn:aws:s3:::b/k" is an object, not a bucket, and
	// ".../restapis/a/stages/s" is a stage, not a REST API. After ':' an Id
	// may contain '/' (Secrets Manager "secret:${SecretId}" is a name).
	tokName = 0x02
	// tokTail matches one or more of any character, ':' included: the last
	// variable of a format, after a '/', named "...Name" or "...Path" (S3
	// object keys, IAM names with paths, API paths), which may contain ':'.
	tokTail = 0x03
	// tokAny is a literal '*' in a format ("cert:*"): any run, maybe empty.
	tokAny = 0x04
	// tokSegment matches one or more characters other than '/': the last
	// variable of a format, after a '/', named "...Id" — one path segment
	// that may contain ':' (Bedrock model IDs such as
	// "anthropic.claude-3-5-sonnet-20240620-v1:0").
	tokSegment = 0x05
)

// compileARNFormat compiles an ARN format such as
// "arn:${Partition}:s3:::${BucketName}/${ObjectName}".
func compileARNFormat(f string) arnMatcher {
	var b strings.Builder
	b.Grow(len(f))
	colons := 0
	for i := 0; i < len(f); {
		switch {
		case strings.HasPrefix(f[i:], "${"):
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				b.WriteString(f[i:]) // unterminated: treat as text
				i = len(f)
				continue
			}
			name := f[i+2 : i+end]
			last := i+end+1 == len(f)
			switch {
			case last && i > 0 && f[i-1] == '/' && (strings.HasSuffix(name, "Name") || strings.HasSuffix(name, "Path")):
				b.WriteByte(tokTail)
			case last && i > 0 && f[i-1] == '/' && (strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID")):
				b.WriteByte(tokSegment)
			case (strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID")) && i > 0 && f[i-1] == '/',
				last && colons == 5 && f[i-1] == ':':
				b.WriteByte(tokName)
			default:
				b.WriteByte(tokField)
			}
			i += end + 1
		case f[i] == '*':
			b.WriteByte(tokAny)
			i++
		default:
			if f[i] == ':' {
				colons++
			}
			b.WriteByte(f[i])
			i++
		}
	}
	return arnMatcher(b.String())
}

// MatchARN reports whether arn can name a resource of this type. arn may be
// a concrete ARN or a policy Resource pattern with '*' and '?' wildcards; a
// pattern matches when some ARN it covers has this type's format. A format
// variable such as ${LogGroupName} matches one or more characters of one
// ARN field (no ':'); path-segment identifiers ("/${RestApiId}") and
// whole-resource names (${BucketName}) exclude '/' too; a "...Name" or "...Path" variable ending
// the format after a '/' (an S3 object key) may contain ':', and so may an
// "...Id" ending it (one path segment: a Bedrock model ID has a ':'). Matching is
// case-sensitive, like IAM's resource matching.
func (rt *ResourceType) MatchARN(arn string) bool {
	for _, m := range rt.matchers {
		if m.match(arn) {
			return true
		}
	}
	return false
}

// ResourceTypesFor returns the resource types of a that arn can name (see
// ResourceType.MatchARN), in the order of a.Resources. An action without
// resource types gives nil.
func (db *DB) ResourceTypesFor(a *Action, arn string) []ActionResource {
	var out []ActionResource
	for _, r := range a.Resources {
		if r.Type.MatchARN(arn) {
			out = append(out, r)
		}
	}
	return out
}

// match runs the product of the pattern automaton (s, with '*' and '?') and
// the format automaton (m) and reports whether both can accept the same
// string. States are (i, j, inVar); the search is iterative and visits each
// state at most once, so time is O(len(s)·len(m)).
func (m arnMatcher) match(s string) bool {
	n, k := len(s), len(m)
	width := k + 1
	// The visited set is a bit set, on the stack for the usual sizes (an
	// ARN and a format of up to ~90 characters each): the rules match
	// hundreds of thousands of pairs per run, so allocating here dominated.
	// Zeroing is per call, so short pairs take a smaller buffer.
	var seen []uint64
	switch words := ((n+1)*width*2 + 63) / 64; {
	case words <= 64:
		var small [64]uint64
		seen = small[:]
	case words <= 256:
		var seenBuf [256]uint64
		seen = seenBuf[:]
	default:
		seen = make([]uint64, words)
	}
	type state struct {
		i, j int
		v    bool
	}
	var stackBuf [128]state // the search rarely holds more; zeroing is per call
	stack := append(stackBuf[:0], state{0, 0, false})
	push := func(i, j int, v bool) {
		idx := (i*width + j) * 2
		if v {
			idx++
		}
		if seen[idx/64]&(1<<(idx%64)) == 0 {
			seen[idx/64] |= 1 << (idx % 64)
			stack = append(stack, state{i, j, v})
		}
	}
	seen[0] = 1
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j, v := st.i, st.j, st.v
		if i == n && j == k && !v {
			return true
		}
		// ε-moves.
		if i < n && s[i] == '*' {
			push(i+1, j, v)
		}
		if v {
			push(i, j+1, false)
		}
		if !v && j < k && m[j] == tokAny {
			push(i, j+1, false)
		}
		if i == n {
			continue
		}
		// Consuming moves: the format side consumes one character of class
		// cls (a literal byte, or a token) and moves to (nj, nv).
		var nj int
		var nv bool
		var cls byte
		switch {
		case v:
			nj, nv, cls = j, true, m[j]
		case j == k:
			continue // format exhausted
		case m[j] == tokField || m[j] == tokName || m[j] == tokTail || m[j] == tokSegment:
			nj, nv, cls = j, true, m[j]
		case m[j] == tokAny:
			nj, nv, cls = j, false, tokAny
		default:
			nj, nv, cls = j+1, false, m[j]
		}
		switch c := s[i]; c {
		case '*':
			push(i, nj, nv) // the pattern's star consumes the character
		case '?':
			push(i+1, nj, nv)
		default:
			if classAccepts(cls, c) {
				push(i+1, nj, nv)
			}
		}
	}
	return false
}

// classAccepts reports whether the format character class cls (a token or
// a literal byte) accepts the concrete character c.
func classAccepts(cls, c byte) bool {
	switch cls {
	case tokField:
		return c != ':'
	case tokName:
		return c != ':' && c != '/'
	case tokSegment:
		return c != '/'
	case tokTail, tokAny:
		return true
	}
	return c == cls
}
