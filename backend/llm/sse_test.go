package llm

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readAllEvents(t testing.TB, s string) ([]string, error) {
	r := newSSEReader(strings.NewReader(s))
	var out []string
	for {
		d, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
}

func TestSSEReader(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"lf", "data: {\"a\":1}\n\ndata: [DONE]\n\n", []string{`{"a":1}`, "[DONE]"}},
		{"crlf", "data: one\r\n\r\ndata: two\r\n\r\n", []string{"one", "two"}},
		{"cr", "data: one\r\rdata: two\r\r", []string{"one", "two"}},
		{"multi-line data", "data: a\ndata: b\n\n", []string{"a\nb"}},
		{"no space", "data:x\n\n", []string{"x"}},
		{"comments and other fields", ": ping\n\nevent: message\nid: 3\nretry: 10\ndata: x\n\n", []string{"x"}},
		{"empty events skipped", "\n\n\nevent: x\n\ndata: y\n\n", []string{"y"}},
		{"unterminated last event", "data: a\n\ndata: b", []string{"a", "b"}},
		{"empty data", "data:\n\n", []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAllEvents(t, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%q (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestSSELineTooLong(t *testing.T) {
	_, err := readAllEvents(t, "data: "+strings.Repeat("x", maxSSELine+1)+"\n\n")
	if err == nil {
		t.Fatal("a line over the limit was accepted")
	}
}

// FuzzSSE checks that any byte stream decodes without panicking, that the
// result does not depend on how the stream is split into reads, and that
// the chunk decoder behind it never panics either.
func FuzzSSE(f *testing.F) {
	for _, s := range []string{
		"data: {\"a\":1}\n\ndata: [DONE]\n\n", "data: a\r\ndata: b\r\n\r\n", ": c\n\ndata:x\r\r", "data",
		`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"t","arguments":"{\"a\""}}]}}]}` + "\n\n" +
			`data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}` + "\n\ndata: [DONE]\n\n",
		`data: {"error":{"message":"x"}}` + "\n\n", `data: {"choices":[{"delta":{"tool_calls":[{"index":-5}]}}]}` + "\n\n",
	} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, in string, split uint8) {
		whole, err1 := readAllEvents(t, in)
		pieces, err2 := readAllEvents(t, "")
		r := newSSEReader(&chunkReader{s: in, n: int(split%16) + 1})
		for {
			d, err := r.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					err2 = err
				}
				break
			}
			pieces = append(pieces, d)
		}
		if (err1 == nil) != (err2 == nil) || !cmp.Equal(whole, pieces) {
			t.Fatalf("%q: whole %q (%v), in pieces %q (%v)", in, whole, err1, pieces, err2)
		}
		o := NewOpenAI(OpenAIOptions{Model: "m"})
		_, _ = o.decodeStream(strings.NewReader(in), func(string) {})
	})
}

// chunkReader returns s n bytes at a time.
type chunkReader struct {
	s string
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := min(c.n, len(p), len(c.s))
	copy(p, c.s[:n])
	c.s = c.s[n:]
	return n, nil
}
