package report

import (
	_ "embed"
	"html"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is parsed once, on first use (most runs write another
// format); html/template escapes every value for its context, so policy
// text (untrusted) cannot inject markup or script.
var htmlTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"date":       func(t time.Time) string { return t.UTC().Format(time.DateOnly) },
		"datetime":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"where":      findingWhere,
		"pos":        position,
		"title":      policyTitle,
		"safe":       safe,
		"upper":      strings.ToUpper,
		"severities": func() []check.Severity { return severityOrder },
		"count":      func(s check.Score, sev check.Severity) int { return s.Counts[sev.String()] },
	}).Parse(htmlSource))
})

// WriteHTML renders r as one self-contained HTML page: inline CSS, no
// script, no remote assets (a Content-Security-Policy forbids them), every
// value escaped.
func WriteHTML(w io.Writer, r *Report) error {
	return htmlTemplate().Execute(w, r)
}

// htmlText escapes untrusted text for raw HTML (Markdown's <summary>).
func htmlText(s string) string { return html.EscapeString(safe(s)) }
