package render

import (
	_ "embed"
	"html/template"
	"io"
	"sync"

	"github.com/aegis-iam/aegis/backend/audit/result"
)

//go:embed audit.html.tmpl
var htmlSource string

// page is one self-contained HTML document: styles inline, no scripts,
// and a Content-Security-Policy that forbids loading anything, so that a
// report opened from disk makes no network request. html/template escapes
// every value (principal names, policy documents and messages come from
// the audited account, which is untrusted input). It is parsed on first use.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("audit").Funcs(template.FuncMap{
		"day": day, "coverage": coverageLine, "kind": kind, "proof": proof, "row": row, "detailed": detailed,
		"text": func(s []byte) string { return string(s) },
	}).Parse(htmlSource))
})

// HTML writes the audit as a self-contained HTML page.
func HTML(w io.Writer, a *result.Audit) error {
	return page().Execute(w, struct {
		*result.Audit
		Columns  []string
		Sections []section
	}{a, columns, sections(a)})
}
