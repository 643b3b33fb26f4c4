// Package jsonpos turns encoding/json's errors into messages that name the
// file, line and column, for the audit packages that decode AWS exports and
// bundles with encoding/json.
package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// Error returns err, from decoding src, as "name:line:col: message" when
// encoding/json says where it happened, and "name: message" otherwise.
func Error(name string, src []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the offending byte.
		return fmt.Errorf("%s:%s: %w", name, LineCol(src, se.Offset-1), err)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = "value"
		}
		return fmt.Errorf("%s:%s: %s: want %s, not %s", name, LineCol(src, te.Offset), field, jsonKind(te.Type), te.Value)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// jsonKind names the JSON value a Go type is decoded from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return "a number"
}

// LineCol returns the 1-based "line:col" of byte offset off in src (col
// counts bytes).
func LineCol(src []byte, off int64) string {
	off = min(max(off, 0), int64(len(src)))
	before := src[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return fmt.Sprintf("%d:%d", line, col)
}
