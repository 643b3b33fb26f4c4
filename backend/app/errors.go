package app

import (
	"encoding/json"
	"fmt"
)

// FieldError is one invalid field. Field is the DTO's JSON name, with an
// index for list elements ("defaultRegion", "mcpServers[1].url").
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError rejects a DTO with the fields at fault. Wails hands the
// frontend only an error's text, so the text is JSON the UI parses to put
// each message next to its field:
// {"message": "invalid settings", "fields": [{"field": ..., "message": ...}]}.
type ValidationError struct {
	Message string       `json:"message"`
	Fields  []FieldError `json:"fields"`
}

func (e *ValidationError) Error() string {
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Sprintf("%s (%d invalid fields)", e.Message, len(e.Fields))
	}
	return string(data)
}

func (e *ValidationError) add(field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns e when a field failed and nil otherwise.
func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}
