package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
)

// MarkdownLimit is the size WriteMarkdown keeps its output under: GitHub
// refuses pull-request comments over 65,536 characters, so long reports
// drop their last policy sections (saying how many) rather than fail to
// post.
const MarkdownLimit = 60000

// WriteMarkdown renders r for a pull-request comment: the risk score and
// its explanation, a summary table of the policies with findings (risk and
// severity breakdown), then the findings grouped by policy, each with its
// remediation and compliance controls in a collapsible block, the
// compliance summary and the notes. Output stays under MarkdownLimit.
// Untrusted text is escaped so it cannot inject markup.
func WriteMarkdown(w io.Writer, r *Report) error {
	var head, tail bytes.Buffer
	p := func(b *bytes.Buffer, format string, args ...any) { fmt.Fprintf(b, format, args...) }
	tot := r.Totals
	p(&head, "## %s validation: risk %d/100 (%s)\n\n", mdText(r.Tool.Name), tot.Score.Value, tot.Score.Band)
	p(&head, "%s in %s: **%s**", plural(tot.Policies, "policy", "policies"), plural(tot.Files, "file", "files"), plural(tot.Findings, "finding", "findings"))
	if tot.Suppressed > 0 {
		p(&head, ", %d suppressed", tot.Suppressed)
	}
	if tot.Errors > 0 {
		p(&head, ", %s", plural(tot.Errors, "input error", "input errors"))
	}
	p(&head, ".\n\n> %s\n\n", mdText(tot.Score.Summary()))

	// The tail (compliance, notes, footer) is rendered first so the body
	// knows how much room is left.
	if len(r.Compliance.Frameworks) > 0 {
		p(&tail, "<details><summary>Compliance</summary>\n\n| Framework | Fail | Pass | Not applicable | Manual |\n|---|---:|---:|---:|---:|\n")
		for _, fw := range r.Compliance.Frameworks {
			c := fw.Counts
			p(&tail, "| %s %s | %d | %d | %d | %d |\n", mdText(fw.Name), mdText(fw.Version), c.Fail, c.Pass, c.NotApplicable, c.Manual)
		}
		p(&tail, "\n</details>\n\n")
	}
	if len(r.Notes) > 0 {
		p(&tail, "<details><summary>Notes</summary>\n\n")
		for i, n := range r.Notes {
			if i == 20 {
				p(&tail, "- and %d more notes\n", len(r.Notes)-i)
				break
			}
			if n.File != "" {
				p(&tail, "- %s: %s\n", mdCode(n.File), mdText(n.Message))
			} else {
				p(&tail, "- %s\n", mdText(n.Message))
			}
		}
		p(&tail, "\n</details>\n\n")
	}
	p(&tail, "<sub>%s %s · %s</sub>\n", mdText(r.Tool.Name), mdText(r.Tool.Version), r.GeneratedAt.UTC().Format(time.RFC3339))

	var listed []PolicyResult
	for _, in := range r.Inputs {
		if len(in.Findings) > 0 || len(in.Errors) > 0 || len(in.Suppressed) > 0 {
			listed = append(listed, in)
		}
	}
	room := MarkdownLimit - head.Len() - tail.Len() - 200 // 200: the omission lines
	var table, body bytes.Buffer
	if len(listed) > 0 {
		p(&table, "| Policy | Kind | Risk | Critical | High | Medium | Low | Info |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	}
	rows := 0
	for _, in := range listed {
		var row bytes.Buffer
		c := in.Score.Counts
		p(&row, "| %s | %s | %d %s | %d | %d | %d | %d | %d |\n", mdText(policyTitle(in)), in.Kind, in.Score.Value, in.Score.Band,
			c["critical"], c["high"], c["medium"], c["low"], c["info"])
		if table.Len()+row.Len() > room/3 {
			break
		}
		table.Write(row.Bytes())
		rows++
	}
	if rows < len(listed) {
		p(&table, "\n%s not shown.\n", plural(len(listed)-rows, "more policy with findings", "more policies with findings"))
	}
	if clean := len(r.Inputs) - len(listed); clean > 0 {
		p(&table, "\n%s without findings.\n", plural(clean, "policy", "policies"))
	}
	if table.Len() > 0 {
		table.WriteString("\n")
	}
	sections := 0
	for _, in := range listed {
		var sec bytes.Buffer
		writeMarkdownPolicy(&sec, in)
		if table.Len()+body.Len()+sec.Len() > room {
			break
		}
		body.Write(sec.Bytes())
		sections++
	}
	if sections < len(listed) {
		p(&body, "_The findings of %s are not shown: a comment holds %d characters. See the full report (`--format html` or `json`)._\n\n",
			plural(len(listed)-sections, "more policy", "more policies"), MarkdownLimit)
	}
	for _, b := range []*bytes.Buffer{&head, &table, &body, &tail} {
		if _, err := w.Write(b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// writeMarkdownPolicy renders one policy's errors, findings and suppressed
// findings.
func writeMarkdownPolicy(b *bytes.Buffer, in PolicyResult) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("### %s\n\n", mdText(policyTitle(in)))
	if len(in.Score.Reasons) > 1 {
		p("%s\n\n", mdText(in.Score.Summary()))
	}
	for _, e := range in.Errors {
		msg := e.Msg
		if e.Path != "" {
			msg = e.Path + ": " + msg
		}
		p("- :x: **error** %s %s: %s\n", mdCode(e.Code), mdCode(position(in.File, e.Pos.Line, e.Pos.Column)), mdText(msg))
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
		p("- ~~%s~~ `%s` %s: %s\n", s.Severity, s.RuleID, mdWhere(s.Location), mdText(s.acceptance()))
	}
	p("\n")
}

// mdEscaper escapes Markdown punctuation and HTML in untrusted text.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "#", `\#`, "|", `\|`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "~", `\~`, "!", `\!`,
	"\r", " ", "\n", " ",
)

// mdText escapes text for a Markdown paragraph, list item or table cell
// (one line).
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
