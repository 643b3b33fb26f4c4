package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzIndenter checks that encodeIndented writes what an indenting Encoder
// writes, for any JSON value.
func FuzzIndenter(f *testing.F) {
	for _, s := range []string{
		`{}`, `[]`, `{"a":[],"b":{},"c":[{}],"d":""}`, `"x"`, `12`, `null`,
		`{"s":"a \"quoted\" {[,:]} \\ back\\slash <b>&amp;</b> \u2028","n":[1,-2.5e3,true,false,null]}`,
		`[[[[1]]],{"deep":{"er":{"est":[{"k":"v"}]}}}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		var v any
		if json.Unmarshal(src, &v) != nil {
			return
		}
		for _, html := range []bool{true, false} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(html)
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := encodeIndented(&got, v, html); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("escapeHTML %t:\ngot  %q\nwant %q", html, got.Bytes(), want.Bytes())
			}
		}
	})
}

// TestIndenterLarge indents output longer than one chunk, and reports the
// writer's error.
func TestIndenterLarge(t *testing.T) {
	v := make([]map[string]string, 5000)
	for i := range v {
		v[i] = map[string]string{"key": "value with \"quotes\" and , : [ ] { }"}
	}
	var want, got bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if err := encodeIndented(&got, v, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("%d bytes differ from the Encoder's %d", got.Len(), want.Len())
	}
	if err := encodeIndented(failWriter{}, v, true); err == nil {
		t.Error("encodeIndented to a failing writer: no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

var errFail = errors.New("write failed")
