package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
)

// WriteMarkdown renders r for a pull-request comment: a summary table of
// every policy with its risk score and severity breakdown, then findings
// grouped by policy, each with its remediation and compliance controls in a
// collapsible block. Untrusted text is escaped so it cannot inject markup.
func WriteMarkdown(w io.Writer, r *Report) error {
	b := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	tot := r.Totals
	p("## %s validation: risk %d/100 (%s)\n\n", mdText(r.Tool.Name), tot.Score.Value, tot.Score.Band)
	p("%s in %s: **%s**", plural(tot.Policies, "policy", "policies"), plural(tot.Files, "file", "files"), plural(tot.Findings, "finding", "findings"))
	if tot.Suppressed > 0 {
		p(", %d suppressed", tot.Suppressed)
	}
	if tot.Errors > 0 {
		p(", %s", plural(tot.Errors, "input error", "input errors"))
	}
	p(".\n\n> %s\n\n", mdText(tot.Score.Summary()))
	if len(r.Inputs) > 0 {
		p("| Policy | Kind | Risk | Critical | High | Medium | Low | Info |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
		for _, in := range r.Inputs {
			c := in.Score.Counts
			p("| %s | %s | %d %s | %d | %d | %d | %d | %d |\n", mdText(policyTitle(in)), in.Kind, in.Score.Value, in.Score.Band,
				c["critical"], c["high"], c["medium"], c["low"], c["info"])
		}
		p("\n")
	}
	for _, in := range r.Inputs {
		if len(in.Findings) == 0 && len(in.Errors) == 0 && len(in.Suppressed) == 0 {
			continue
		}
		p("### %s\n\n", mdText(policyTitle(in)))
		for _, e := range in.Errors {
			msg := e.Msg
			if e.Path != "" {
				msg = e.Path + ": " + msg
			}
			p("- :x: **error** `%s` %s: %s\n", mdCode(e.Code), mdCode(position(in.File, e.Pos.Line, e.Pos.Column)), mdText(msg))
		}
		for _, f := range in.Findings {
			p("- **%s** `%s` %s: %s\n", f.Severity, f.RuleID, mdWhere(f.Location), mdText(f.Message))
			p("  <details><summary>%s</summary>\n\n", htmlText(f.Title))
			p("  %s\n\n", mdIndent(f.Remediation))
			if len(f.Compliance) > 0 {
				var ids []string
				for _, c := range f.Compliance {
					ids = append(ids, mdText(c.Framework+" "+c.ID))
				}
				p("  Compliance: %s\n\n", strings.Join(ids, ", "))
			}
			p("  </details>\n")
		}
		for _, s := range in.Suppressed {
			p("- ~~%s~~ `%s` %s: accepted by %s until %s: %s\n", s.Severity, s.RuleID, mdWhere(s.Location),
				mdText(s.Owner), s.Expires.UTC().Format(time.DateOnly), mdText(s.Reason))
		}
		p("\n")
	}
	if len(r.Compliance.Frameworks) > 0 {
		p("<details><summary>Compliance</summary>\n\n| Framework | Fail | Pass | Not applicable | Manual |\n|---|---:|---:|---:|---:|\n")
		for _, fw := range r.Compliance.Frameworks {
			c := fw.Counts
			p("| %s %s | %d | %d | %d | %d |\n", mdText(fw.Name), mdText(fw.Version), c.Fail, c.Pass, c.NotApplicable, c.Manual)
		}
		p("\n</details>\n\n")
	}
	if len(r.Notes) > 0 {
		p("<details><summary>Notes</summary>\n\n")
		for _, n := range r.Notes {
			if n.File != "" {
				p("- %s: %s\n", mdCode(n.File), mdText(n.Message))
			} else {
				p("- %s\n", mdText(n.Message))
			}
		}
		p("\n</details>\n\n")
	}
	p("<sub>%s %s · %s</sub>\n", mdText(r.Tool.Name), mdText(r.Tool.Version), r.GeneratedAt.UTC().Format(time.RFC3339))
	return b.Flush()
}

// mdEscaper escapes Markdown punctuation and HTML in untrusted text.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "#", `\#`, "|", `\|`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "~", `\~`, "!", `\!`,
	"\r", " ", "\n", " ",
)

// mdText escapes text for a Markdown paragraph or list item (one line).
func mdText(s string) string { return mdEscaper.Replace(safe(s)) }

// mdIndent escapes multi-line text and indents its continuation lines
// under a list item.
func mdIndent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = mdText(l)
	}
	return strings.Join(lines, "  \n  ")
}

// mdWhere renders a finding's position as code and its statement (whose
// Sid is untrusted) as escaped text.
func mdWhere(loc check.Location) string {
	s := mdCode(position(loc.File, loc.Line, loc.Column))
	if st := statementLabel(loc); st != "" {
		s += " " + mdText(st)
	}
	return s
}

// mdCode renders text as inline code, choosing a fence longer than any run
// of backticks inside it.
func mdCode(s string) string {
	s = strings.NewReplacer("\r", " ", "\n", " ").Replace(safe(s))
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}
