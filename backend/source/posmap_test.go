package source

import (
	"encoding/json"
	"testing"
)

func TestQuoteJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `q"b\s`, "tab\tnl\ncr\r", "\x00\x1f", "é😀", "<&>", "bad\xffutf8"} {
		q := quoteJSON(s)
		var back string
		if err := json.Unmarshal([]byte(q), &back); err != nil {
			t.Errorf("quoteJSON(%q) = %s: not JSON: %v", s, q, err)
			continue
		}
		want := s
		if s == "bad\xffutf8" {
			want = "bad\ufffdutf8"
		}
		if back != want {
			t.Errorf("quoteJSON(%q) = %s, decodes to %q", s, q, back)
		}
	}
}

// TestAlign checks that each decoded byte of a string maps to the source
// byte it came from, through quotes, escapes and indentation.
func TestAlign(t *testing.T) {
	tests := []struct {
		name    string
		orig    string
		decoded string
		escapes bool
		// probe decoded offsets and the original byte each must map to
		probes map[int]byte
	}{
		{"json escapes", `"a\"b\u00e9c"`, "a\"béc", true, map[int]byte{0: 'a', 1: '\\', 2: 'b', 3: '\\', 5: 'c'}},
		{"single-quoted yaml", `'it''s'`, "it's", false, map[int]byte{0: 'i', 2: '\'', 3: 's'}},
		{"folded plain yaml", "abc\n    def", "abc def", false, map[int]byte{2: 'c', 4: 'd', 6: 'f'}},
		{"literal block", "|\n  {\"a\":\n   1}\n", "{\"a\":\n 1}\n", false, map[int]byte{0: '{', 7: '1', 8: '}'}},
		{"hcl dollar escape", `"$${aws:username}"`, "${aws:username}", true, map[int]byte{0: '$', 2: 'a'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := align([]byte(tt.orig), 0, tt.decoded, tt.escapes)
			for d, want := range tt.probes {
				o, ok := m.lookup(d)
				if !ok || o >= len(tt.orig) || tt.orig[o] != want {
					t.Errorf("align(%q, %q): decoded offset %d maps to %d, want a %q", tt.orig, tt.decoded, d, o, want)
				}
			}
		})
	}
}

func TestLinesOffset(t *testing.T) {
	src := []byte("ab\né: x\n")
	ln := newLines(src)
	tests := []struct{ line, col, want int }{
		{1, 1, 0}, {1, 3, 2}, {2, 1, 3}, {2, 2, 5}, {2, 4, 7}, {3, 1, 9}, {9, 1, 9}, {0, 1, 0},
	}
	for _, tt := range tests {
		if got := ln.offset(tt.line, tt.col); got != tt.want {
			t.Errorf("offset(%d, %d) = %d, want %d", tt.line, tt.col, got, tt.want)
		}
	}
	if p := ln.pos(5); p.Line != 2 || p.Column != 3 {
		t.Errorf("pos(5) = %v, want 2:3 (columns count bytes)", p)
	}
}

func TestIsJSONNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "-1": true, "10.5": true, "1e9": true, "2E-3": true, "-0.0": true,
		"": false, "-": false, "012345678901": false, "+1": false, "0x1F": false, "1.": false, ".5": false, "1e": false, "1_000": false,
	} {
		if got := isJSONNumber(s); got != want {
			t.Errorf("isJSONNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
