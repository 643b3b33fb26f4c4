// Package render writes an audit (result.Audit) as JSON (the documented
// contract, docs/audit.md), a terminal table, Markdown, a self-contained
// HTML page or SARIF 2.1.0. Writers render, never compute.
package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/result"
)

// Formats names the output formats Writer knows, in the order help lists
// them.
var Formats = []string{"table", "json", "markdown", "html", "sarif"}

// Writer returns the writer of a format named in Formats.
func Writer(format string) (func(io.Writer, *result.Audit) error, bool) {
	w, ok := map[string]func(io.Writer, *result.Audit) error{
		"table": Table, "json": JSON, "markdown": Markdown, "html": HTML, "sarif": SARIF,
	}[format]
	return w, ok
}

// JSON writes the audit as indented JSON.
func JSON(w io.Writer, a *result.Audit) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(a)
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

func coverageLine(a *result.Audit) string {
	c := a.Coverage
	sources := "none"
	if len(c.Sources) > 0 {
		sources = strings.Join(c.Sources, ", ")
	}
	data := "none"
	if len(c.DataEventTypes) > 0 {
		data = strings.Join(c.DataEventTypes, ", ")
	}
	return fmt.Sprintf("sources %s; %d/%d days with complete logs; %d gaps; %d unreadable sources; data events logged: %s",
		sources, c.CompleteDays, c.Days, len(c.Gaps), c.Failures, data)
}

func proof(r *result.Recommendation) string {
	if r == nil {
		return "-"
	}
	covers := "covers usage"
	if !r.Proof.CoversUsage {
		covers = fmt.Sprintf("loses %d", len(r.Proof.Lost))
	}
	return r.Proof.NoNewAccess + ", " + covers
}

func kind(r *result.Recommendation) string {
	if r == nil {
		return "- (policies not all known)"
	}
	if r.AddressTo != "" {
		return string(r.Kind) + " (permission set " + r.AddressTo + ")"
	}
	return string(r.Kind)
}

// columns head the principals table; row fills one line of it after the
// principal's name.
var columns = []string{"principal", "type", "risk", "activity", "used", "unused", "unknown", "too new", "dead", "recommendation", "proof"}

func row(p *result.Principal) []string {
	return []string{p.Type, fmt.Sprint(p.RiskScore), string(p.Activity.State),
		fmt.Sprint(len(p.Permissions.Used)), fmt.Sprint(len(p.Permissions.Unused)), fmt.Sprint(len(p.Permissions.Unknown)),
		fmt.Sprint(len(p.Permissions.TooNew)), fmt.Sprint(len(p.Permissions.Dead)), kind(p.Recommendation), proof(p.Recommendation)}
}

// section is a titled list of the account-wide results: escalation paths,
// external access, drift.
type section struct {
	Title string
	Items []string
	// Code: the items are ARN chains, shown as code where the format can.
	Code bool
}

func sections(a *result.Audit) []section {
	var out []section
	if len(a.EscalationPaths) > 0 {
		s := section{Title: "Escalation paths", Code: true}
		for _, p := range a.EscalationPaths {
			s.Items = append(s.Items, hops(p))
		}
		out = append(out, s)
	}
	if len(a.ExternalAccess) > 0 {
		s := section{Title: "External access"}
		for _, e := range a.ExternalAccess {
			s.Items = append(s.Items, external(e))
		}
		out = append(out, s)
	}
	if d := a.Drift; d != nil {
		out = append(out, section{Title: fmt.Sprintf("Since the audit of %s to %s", day(d.Previous.Start), day(d.Previous.End)), Items: driftLines(d)})
	}
	return out
}

// driftLines describes a drift, one change a line.
func driftLines(d *result.Drift) []string {
	out := []string{fmt.Sprintf("risk score %+d", d.RiskScore)}
	for _, p := range d.NewPrincipals {
		out = append(out, "new principal "+p)
	}
	for _, p := range d.RemovedPrincipals {
		out = append(out, "removed principal "+p)
	}
	for _, p := range d.Principals {
		out = append(out, fmt.Sprintf("%s: %d new permissions, %d removed, risk %+d", p.ARN, len(p.NewPermissions), len(p.Removed), p.RiskScore))
	}
	for _, e := range d.NewEscalationPaths {
		out = append(out, "new escalation path "+hops(e))
	}
	for _, e := range d.NewExternalAccess {
		out = append(out, "new external access: "+external(e))
	}
	return out
}

// external writes "who may ACTIONS on resource".
func external(e result.ExternalAccess) string {
	cond := ""
	if e.Conditional {
		cond = " (if conditions hold)"
	}
	return fmt.Sprintf("%s may %s on %s%s", e.Principal, strings.Join(e.Actions, ", "), e.Resource, cond)
}

// hops writes a path as "a -[via]-> b -[via]-> c".
func hops(p result.EscalationPath) string {
	var b strings.Builder
	b.WriteString(p.From)
	for _, h := range p.Hops {
		cond := ""
		if h.Conditional {
			cond = " if conditions hold"
		}
		fmt.Fprintf(&b, " -[%s%s]-> %s", h.Via, cond, h.To)
	}
	return b.String()
}

// detailed reports whether a principal gets a section of its own: it has
// findings or a change to recommend.
func detailed(p *result.Principal) bool {
	return len(p.Findings) > 0 || p.Recommendation != nil && p.Recommendation.Kind != "keep"
}

// changes summarises what a recommendation detaches, rewrites and deletes.
func changes(r *result.Recommendation, code func(string) string) string {
	var b strings.Builder
	for _, c := range []struct {
		verb  string
		names []string
	}{{"detach", r.Detach}, {"rewrite", r.Replace}, {"delete", r.Delete}} {
		if len(c.names) > 0 {
			fmt.Fprintf(&b, "; %s %s", c.verb, list(c.names, 0, code))
		}
	}
	return b.String()
}

// list formats up to limit items (0: all) with code, "and N more" after.
func list(items []string, limit int, code func(string) string) string {
	shown := items
	if limit > 0 && len(items) > limit {
		shown = items[:limit]
	}
	parts := make([]string, len(shown))
	for i, s := range shown {
		parts[i] = code(s)
	}
	out := strings.Join(parts, ", ")
	if len(shown) < len(items) {
		out += fmt.Sprintf(" and %d more", len(items)-len(shown))
	}
	return out
}
