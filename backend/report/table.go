package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// ANSI styles of the table format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

var severityStyle = [...]string{
	check.SeverityInfo:     ansiDim,
	check.SeverityLow:      ansiCyan,
	check.SeverityMedium:   ansiYellow,
	check.SeverityHigh:     ansiRed,
	check.SeverityCritical: ansiBold + ansiRed,
}

// tableWriter renders the table format with optional colour.
type tableWriter struct {
	w     *bufio.Writer
	color bool
}

func (t *tableWriter) style(style, s string) string {
	if !t.color || style == "" {
		return s
	}
	return style + s + ansiReset
}

func (t *tableWriter) sev(s check.Severity) string {
	name := fmt.Sprintf("%-8s", strings.ToUpper(s.String()))
	if int(s) < len(severityStyle) {
		return t.style(severityStyle[s], name)
	}
	return name
}

// line writes one indented line; callers pass untrusted text through safe.
func (t *tableWriter) line(indent int, s string) {
	t.w.WriteString(strings.Repeat(" ", indent))
	t.w.WriteString(s)
	t.w.WriteByte('\n')
}

// WriteTable renders r for a terminal: findings grouped by file, each with
// its file:line:col, severity, rule ID, message and remediation, then the
// notes and a summary with the risk score explained. color adds ANSI
// colours; callers turn it on only for terminals.
func WriteTable(w io.Writer, r *Report, color bool) error {
	t := &tableWriter{w: bufio.NewWriter(w), color: color}
	file := ""
	for i, in := range r.Inputs {
		if i == 0 || in.File != file {
			if i > 0 {
				t.line(0, "")
			}
			file = in.File
			t.line(0, t.style(ansiBold, oneLine(in.File)))
		}
		t.policy(in)
	}
	if len(r.Notes) > 0 {
		if len(r.Inputs) > 0 {
			t.line(0, "")
		}
		t.line(0, t.style(ansiBold, "Notes"))
		for _, n := range r.Notes {
			if n.File != "" {
				t.line(2, oneLine(n.File)+": "+oneLine(n.Message))
			} else {
				t.line(2, oneLine(n.Message))
			}
		}
	}
	if len(r.Inputs) > 0 || len(r.Notes) > 0 {
		t.line(0, "")
	}
	t.summary(r)
	return t.w.Flush()
}

func (t *tableWriter) policy(in PolicyResult) {
	head := "policy"
	if in.Kind != policy.KindAny {
		head = in.Kind.String() + " policy"
	}
	if in.Name != "" {
		head = oneLine(in.Name) + " (" + in.Kind.String() + ")"
	}
	if in.Owner != "" {
		head += " of " + oneLine(in.Owner)
	}
	score := fmt.Sprintf("risk %d/100 %s", in.Score.Value, in.Score.Band)
	if in.Score.Value > 0 {
		score = t.style(severityStyleForBand(in.Score.Band), score)
	}
	t.line(2, head+" — "+score)
	if len(in.Score.Reasons) > 1 {
		t.line(4, t.style(ansiDim, oneLine(in.Score.Summary())))
	}
	if len(in.Findings) == 0 && len(in.Errors) == 0 && len(in.Suppressed) == 0 {
		t.line(4, t.style(ansiDim, "no findings"))
	}
	for _, e := range in.Errors {
		msg := e.Msg
		if e.Path != "" {
			msg = e.Path + ": " + msg
		}
		t.line(4, fmt.Sprintf("%s  %s  %s  %s", safe(position(in.File, e.Pos.Line, e.Pos.Column)), t.style(ansiRed, "ERROR   "), safe(e.Code), oneLine(msg)))
	}
	for _, f := range in.Findings {
		t.line(4, fmt.Sprintf("%s  %s  %s  %s", oneLine(findingWhere(f.Location)), t.sev(f.Severity), f.RuleID, oneLine(f.Message)))
		for _, l := range strings.Split(safe(f.Remediation), "\n") {
			t.line(8, t.style(ansiDim, "fix: ")+l)
		}
	}
	for _, s := range in.Suppressed {
		t.line(4, t.style(ansiDim, fmt.Sprintf("%s  %s  %s  suppressed: %s",
			oneLine(findingWhere(s.Location)), fmt.Sprintf("%-8s", "ACCEPTED"), s.RuleID, oneLine(s.acceptance()))))
	}
}

func (t *tableWriter) summary(r *Report) {
	tot := r.Totals
	var counts []string
	for _, sev := range severityOrder {
		if n := tot.Score.Counts[sev.String()]; n > 0 {
			counts = append(counts, t.style(severityStyle[sev], fmt.Sprintf("%d %s", n, sev)))
		}
	}
	s := fmt.Sprintf("%s in %s: %s", plural(tot.Policies, "policy", "policies"), plural(tot.Files, "file", "files"), plural(tot.Findings, "finding", "findings"))
	if len(counts) > 0 {
		s += " (" + strings.Join(counts, ", ") + ")"
	}
	if tot.Suppressed > 0 {
		s += fmt.Sprintf(", %d suppressed", tot.Suppressed)
	}
	if tot.Errors > 0 {
		s += ", " + plural(tot.Errors, "input error", "input errors")
	}
	t.line(0, t.style(ansiBold, "Summary: ")+s)
	t.line(0, "Risk "+safe(tot.Score.Summary()))
	for _, fw := range r.Compliance.Frameworks {
		c := fw.Counts
		t.line(0, fmt.Sprintf("Compliance %s %s: %d fail, %d pass, %d not applicable, %d manual", fw.ID, fw.Version, c.Fail, c.Pass, c.NotApplicable, c.Manual))
	}
}

func severityStyleForBand(band string) string {
	sev, err := check.ParseSeverity(band)
	if err != nil {
		return ""
	}
	return severityStyle[sev]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// safe makes control characters in untrusted text visible (\x1b, \r, …)
// so a policy cannot move the cursor or recolour the terminal. Newlines are
// kept.
func safe(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// oneLine is safe with line breaks turned into spaces, for text that
// must stay on its line.
func oneLine(s string) string { return strings.ReplaceAll(safe(s), "\n", " ") }

func isControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r < 0xa0)
}
