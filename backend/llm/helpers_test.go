package llm_test

import (
	"encoding/json"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonEqual compares strings and raw JSON semantically when both sides
// are JSON.
var jsonEqual = cmp.FilterValues(func(a, b any) bool {
	return isJSON(a) && isJSON(b)
}, cmp.Comparer(func(a, b any) bool {
	var x, y any
	_ = json.Unmarshal(asBytes(a), &x)
	_ = json.Unmarshal(asBytes(b), &y)
	return cmp.Equal(x, y)
}))

func asBytes(v any) []byte {
	switch v := v.(type) {
	case json.RawMessage:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

func isJSON(v any) bool {
	b := asBytes(v)
	return b != nil && json.Valid(b)
}

func listen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
