package policy

import "strings"

// Pattern is an IAM wildcard pattern as used in Action, NotAction, Resource
// and NotResource: '*' matches any run of characters (including none and
// including ':' and '/'), '?' matches exactly one character. There is no
// escape. Action patterns match case-insensitively; resource patterns are
// case-sensitive.
//
// Case folding is ASCII-only, as IAM's action names are: a folding pattern
// is lowered once, and the string matched is compared byte by byte with
// its ASCII letters lowered, without being copied.
//
// A Pattern is compiled once and is safe for concurrent use.
type Pattern struct {
	raw      string
	text     string // ASCII-lowered when fold
	fold     bool
	literal  bool // no wildcards
	anyMatch bool // "*"
}

// CompilePattern compiles p. fold selects case-insensitive matching.
func CompilePattern(p string, fold bool) Pattern {
	t := p
	if fold {
		t = lowerASCII(p)
	}
	return Pattern{
		raw:      p,
		text:     t,
		fold:     fold,
		literal:  !strings.ContainsAny(p, "*?"),
		anyMatch: p == "*",
	}
}

// String returns the pattern as written.
func (p Pattern) String() string { return p.raw }

// IsLiteral reports whether the pattern has no wildcard.
func (p Pattern) IsLiteral() bool { return p.literal }

// MatchesAll reports whether the pattern is exactly "*".
func (p Pattern) MatchesAll() bool { return p.anyMatch }

// LiteralPrefix returns the part of the pattern before its first wildcard.
func (p Pattern) LiteralPrefix() string {
	if i := strings.IndexAny(p.text, "*?"); i >= 0 {
		return p.text[:i]
	}
	return p.text
}

// Match reports whether s matches the pattern.
func (p Pattern) Match(s string) bool {
	switch {
	case p.anyMatch:
		return true
	case p.literal && p.fold:
		return equalFoldASCII(p.text, s)
	case p.literal:
		return p.text == s
	}
	return glob(p.text, s, p.fold)
}

// Glob reports whether s matches pattern, where '*' matches any run of bytes
// and '?' exactly one character. It runs in O(len(pattern)*len(s)) worst case
// and without recursion, so hostile input cannot blow up.
func Glob(pattern, s string) bool { return glob(pattern, s, false) }

// glob is Glob, comparing s's ASCII letters lowered against a lower-case
// pattern when fold is set.
func glob(pattern, s string, fold bool) bool {
	px, sx := 0, 0
	starPx, starSx := -1, -1
	for sx < len(s) {
		if px < len(pattern) {
			switch c := pattern[px]; c {
			case '*':
				starPx, starSx = px, sx
				px++
				continue
			case '?':
				_, size := decodeRune(s[sx:])
				px++
				sx += size
				continue
			default:
				if b := s[sx]; b == c || fold && lowerByte(b) == c {
					px++
					sx++
					continue
				}
			}
		}
		if starPx < 0 {
			return false
		}
		starSx++
		px, sx = starPx+1, starSx
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}

// decodeRune returns the size of the first UTF-8 sequence of s (1 for
// invalid bytes), so '?' matches one character, not one byte.
func decodeRune(s string) (rune, int) {
	c := s[0]
	switch {
	case c < 0x80:
		return rune(c), 1
	case c&0xE0 == 0xC0 && len(s) >= 2:
		return 0, 2
	case c&0xF0 == 0xE0 && len(s) >= 3:
		return 0, 3
	case c&0xF8 == 0xF0 && len(s) >= 4:
		return 0, 4
	}
	return rune(c), 1
}

// lowerASCII lowers the ASCII letters of s, without allocating when it has
// no upper-case one.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerByte(b[j])
			}
			return string(b)
		}
	}
	return s
}

// equalFoldASCII reports whether s equals the lower-case lower with its
// ASCII letters lowered.
func equalFoldASCII(lower, s string) bool {
	if len(lower) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerByte(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
