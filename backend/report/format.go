package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
)

// Format is an output format.
type Format string

// The formats Write renders.
const (
	FormatTable    Format = "table"
	FormatJSON     Format = "json"
	FormatSARIF    Format = "sarif"
	FormatMarkdown Format = "markdown"
	FormatHTML     Format = "html"
	// FormatCodeQuality is GitLab's Code Quality report (a JSON array).
	FormatCodeQuality Format = "codequality"
)

// Formats lists every format, in help-text order.
func Formats() []Format {
	return []Format{FormatTable, FormatJSON, FormatSARIF, FormatMarkdown, FormatHTML, FormatCodeQuality}
}

// ParseFormat maps a format name to its Format.
func ParseFormat(s string) (Format, error) {
	all := Formats()
	for _, f := range all {
		if strings.EqualFold(string(f), s) {
			return f, nil
		}
	}
	names := make([]string, len(all))
	for i, f := range all {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown report format %q (want one of %s)", s, strings.Join(names, ", "))
}

// Options tune rendering.
type Options struct {
	// Color turns on ANSI colours in the table format (for terminals).
	Color bool
}

// Write renders r in format f.
func Write(w io.Writer, r *Report, f Format, opts Options) error {
	switch f {
	case FormatTable:
		return WriteTable(w, r, opts.Color)
	case FormatJSON:
		return WriteJSON(w, r)
	case FormatSARIF:
		return WriteSARIF(w, r)
	case FormatMarkdown:
		return WriteMarkdown(w, r)
	case FormatHTML:
		return WriteHTML(w, r)
	case FormatCodeQuality:
		return WriteCodeQuality(w, r)
	}
	return fmt.Errorf("unknown report format %q", f)
}

// helpURI is the documentation link of a rule: the tool's rule page
// anchored at the rule, else the rule's first reference.
func (r *Report) helpURI(rule Rule) string {
	if r.Tool.RulesURI != "" {
		return r.Tool.RulesURI + "#" + strings.ToLower(rule.ID)
	}
	if len(rule.References) > 0 {
		return rule.References[0]
	}
	return ""
}

// position renders file:line:col, dropping what is unknown.
func position(file string, line, col int) string {
	switch {
	case line <= 0:
		return file
	case col <= 0:
		return fmt.Sprintf("%s:%d", file, line)
	}
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

// findingWhere renders a finding's position with its statement.
func findingWhere(loc check.Location) string {
	s := position(loc.File, loc.Line, loc.Column)
	if st := statementLabel(loc); st != "" {
		s += " " + st
	}
	return s
}

// statementLabel names a finding's statement, "Statement[0] (Sid)", or
// is empty for a document-level finding.
func statementLabel(loc check.Location) string {
	if loc.Statement < 0 {
		return ""
	}
	if loc.Sid == "" {
		return fmt.Sprintf("Statement[%d]", loc.Statement)
	}
	return fmt.Sprintf("Statement[%d] (%s)", loc.Statement, loc.Sid)
}

// policyTitle names a policy for headings: "file" or "file › name".
func policyTitle(in PolicyResult) string {
	if in.Name == "" {
		return in.File
	}
	return in.File + " › " + in.Name
}

// severityOrder lists severities worst first, for breakdowns.
var severityOrder = []check.Severity{check.SeverityCritical, check.SeverityHigh, check.SeverityMedium, check.SeverityLow, check.SeverityInfo}
