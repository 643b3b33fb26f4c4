package generate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a description. Quoted text ('users', "uploads",
// `x`, “y”) is one token whatever it contains, and is never read as a
// keyword: it can only be a name.
type token struct {
	text   string // as written, without quotes or trailing punctuation
	lower  string
	quoted bool
	// stop marks a token followed by a clause break (, ; . : ! ?), so a
	// name is not looked for past it.
	stop bool
}

var quotePairs = map[rune]rune{'\'': '\'', '"': '"', '`': '`', '“': '”', '‘': '’'}

// tokenize splits a description into tokens. Word characters are letters,
// digits and -_./:*@+=#~$ {}; everything else separates words.
func tokenize(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if closeQ, ok := quotePairs[r]; ok && (i == 0 || !isWordRune(lastRune(s[:i]))) {
			if j := findClose(s, i+size, closeQ); j >= 0 {
				text := strings.TrimSpace(s[i+size : j])
				_, csize := utf8.DecodeRuneInString(s[j:])
				i = j + csize
				if text != "" {
					out = append(out, token{text: text, lower: strings.ToLower(text), quoted: true, stop: stopsAfter(s, i)})
				}
				continue
			}
		}
		if !isWordRune(r) {
			if isBreak(r) && len(out) > 0 {
				out[len(out)-1].stop = true
			}
			i += size
			continue
		}
		j := i
		for j < len(s) {
			r2, s2 := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r2) {
				break
			}
			j += s2
		}
		word := s[i:j]
		trimmed := strings.TrimRight(word, ".:")
		stop := len(trimmed) < len(word)
		if trimmed != "" {
			out = append(out, token{text: trimmed, lower: strings.ToLower(trimmed), stop: stop})
		}
		i = j
	}
	return out
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// findClose returns the index of the closing quote that ends a quoted
// token: one followed by a non-word character or the end.
func findClose(s string, from int, closeQ rune) int {
	for j := from; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == closeQ {
			if j+size == len(s) || !isWordRune(firstRune(s[j+size:])) {
				return j
			}
		}
		if r == '\n' {
			return -1
		}
		j += size
	}
	return -1
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func stopsAfter(s string, i int) bool {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == ' ' || r == '\t' {
			i += size
			continue
		}
		return isBreak(r)
	}
	return true
}

func isBreak(r rune) bool {
	switch r {
	case ',', ';', '.', '!', '?', ':', '\n', '(', ')':
		return true
	}
	return false
}

func isWordRune(r rune) bool {
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return true
	}
	switch r {
	case '-', '_', '.', '/', ':', '*', '@', '+', '=', '#', '~', '$', '{', '}':
		return true
	}
	return false
}
