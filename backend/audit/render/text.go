package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

	"github.com/aegis-iam/aegis/backend/audit/result"
)

// Table writes a summary table for a terminal.
func Table(w io.Writer, a *result.Audit) error { return text(w, a, false) }

// Markdown writes the audit as a Markdown report.
func Markdown(w io.Writer, a *result.Audit) error { return text(w, a, true) }

// text writes the terminal table (md false) or the Markdown report: the
// same parts, Markdown adding a section per principal with findings or a
// change to recommend.
func text(w io.Writer, a *result.Audit, md bool) error {
	heading := func(title string) string { return "\n" + lowerFirst(title) + ":\n" }
	item := func(s string) string { return "  " + s + "\n" }
	code := func(s string) string { return s }
	if md {
		heading = func(title string) string { return "\n## " + title + "\n\n" }
		item = func(s string) string { return "- " + s + "\n" }
		code = func(s string) string { return "`" + s + "`" }
		fmt.Fprintf(w, "# IAM audit of account %s\n\n", a.Account)
		fmt.Fprintf(w, "- Window: %s to %s\n- Risk score: %d\n- Coverage: %s\n", day(a.Window.Start), day(a.Window.End), a.RiskScore, coverageLine(a))
		for _, p := range a.Problems {
			fmt.Fprintf(w, "- Problem: %s\n", p)
		}
		fmt.Fprint(w, heading("Principals"))
		fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(columns, " | "), strings.Repeat("---|", len(columns)))
		for i := range a.Principals {
			p := &a.Principals[i]
			fmt.Fprintf(w, "| %s | %s |\n", code(p.ARN), strings.Join(row(p), " | "))
		}
	} else {
		fmt.Fprintf(w, "account %s  window %s..%s  risk %d\n", a.Account, day(a.Window.Start), day(a.Window.End), a.RiskScore)
		fmt.Fprintf(w, "coverage: %s\n", coverageLine(a))
		for _, p := range a.Problems {
			fmt.Fprintf(w, "problem: %s\n", p)
		}
		fmt.Fprintln(w)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.ReplaceAll(strings.Join(columns, "\t"), " ", "-")))
		for i := range a.Principals {
			p := &a.Principals[i]
			fmt.Fprintln(tw, p.Name+"\t"+strings.Join(row(p), "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		first := true
		for _, p := range a.Principals {
			for _, f := range p.Findings {
				if first {
					fmt.Fprint(w, heading("Findings"))
					first = false
				}
				fmt.Fprint(w, item(fmt.Sprintf("%s  %s  %s  %s", p.Name, f.ID, f.Severity, f.Message)))
			}
		}
	}
	for _, s := range sections(a) {
		fmt.Fprint(w, heading(s.Title))
		for _, it := range s.Items {
			if s.Code {
				it = code(it)
			}
			fmt.Fprint(w, item(it))
		}
	}
	if md {
		for i := range a.Principals {
			markdownPrincipal(w, &a.Principals[i], code)
		}
	}
	return nil
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// markdownPrincipal writes a principal's findings, unused permissions and
// recommended policies.
func markdownPrincipal(w io.Writer, p *result.Principal, code func(string) string) {
	if !detailed(p) {
		return
	}
	fmt.Fprintf(w, "\n## %s\n\n", p.Name)
	for _, f := range p.Findings {
		fmt.Fprintf(w, "- **%s** (%s): %s\n", f.ID, f.Severity, f.Message)
	}
	if len(p.Permissions.Unused) > 0 {
		fmt.Fprintf(w, "\nUnused: %s\n", list(p.Permissions.Unused, 20, code))
	}
	r := p.Recommendation
	if r == nil || r.Kind == "keep" {
		return
	}
	fmt.Fprintf(w, "\nRecommendation: **%s**%s (proof: %s)\n", kind(r), changes(r, code), proof(r))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "\n> %s\n", n)
	}
	for _, pol := range r.Policies {
		if pol.Status != "unchanged" {
			fmt.Fprintf(w, "\n%s policy `%s`:\n\n```json\n%s```\n", pol.Status, pol.Name, pol.Document)
		}
	}
}
