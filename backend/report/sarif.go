package report

import (
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
)

// SARIF 2.1.0, the subset GitHub code scanning reads. Field names follow
// the OASIS schema.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// sarifBase is the uriBaseId of relative artifact locations; GitHub
	// resolves it to the repository checkout.
	sarifBase = "%SRCROOT%"
	// fingerprintKey names the finding fingerprint in partialFingerprints.
	fingerprintKey = "aegisFingerprint/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	// Columns are policy.Pos byte columns. SARIF has no byte kind; code
	// points match bytes on the ASCII lines policies are written in, where
	// UTF-16 units (the default) would too, but say what we mean.
	ColumnKind string `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifMessage    `json:"shortDescription"`
	FullDescription      sarifMessage    `json:"fullDescription"`
	Help                 sarifHelp       `json:"help"`
	HelpURI              string          `json:"helpUri,omitempty"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	Precision        string   `json:"precision"`
	SecuritySeverity string   `json:"security-severity"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	EndTimeUTC                 string              `json:"endTimeUtc"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          *sarifResultProps  `json:"properties,omitempty"`
}

type sarifResultProps struct {
	Severity   check.Severity `json:"severity"`
	Compliance []string       `json:"compliance,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical          `json:"physicalLocation"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifLogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// securitySeverity is GitHub's numeric severity for each level: GitHub maps
// over 9.0 to critical, 7.0–8.9 to high, 4.0–6.9 to medium, 0.1–3.9 to low.
var securitySeverity = [...]string{
	check.SeverityInfo:     "0.0",
	check.SeverityLow:      "3.0",
	check.SeverityMedium:   "5.5",
	check.SeverityHigh:     "8.0",
	check.SeverityCritical: "9.5",
}

// sarifLevel maps a severity to a SARIF result level.
func sarifLevel(s check.Severity) string {
	switch {
	case s >= check.SeverityHigh:
		return "error"
	case s == check.SeverityMedium:
		return "warning"
	}
	return "note"
}

// WriteSARIF renders r as a SARIF 2.1.0 log with one run: every rule behind
// a finding in tool.driver.rules (with GitHub's security-severity), one
// result per finding located by a relative URI under %SRCROOT% with the
// finding's fingerprint as a partial fingerprint, accepted risks as results
// with an external, accepted suppression, and input errors and notes as
// tool execution notifications.
func WriteSARIF(w io.Writer, r *Report) error {
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: r.Tool.Name, Version: r.Tool.Version, InformationURI: r.Tool.URI, Rules: []sarifRule{}}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
	}
	index := map[string]int{}
	for i, rule := range r.Rules {
		index[rule.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, newSARIFRule(r, rule))
	}
	inv := sarifInvocation{ExecutionSuccessful: true, EndTimeUTC: r.GeneratedAt.UTC().Format(time.RFC3339)}
	for _, in := range r.Inputs {
		for _, f := range in.Findings {
			run.Results = append(run.Results, newSARIFResult(f, index[f.RuleID]))
		}
		for _, s := range in.Suppressed {
			res := newSARIFResult(s.Finding, index[s.RuleID])
			res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted",
				Justification: s.justification()}}
			run.Results = append(run.Results, res)
		}
		for _, e := range in.Errors {
			msg := e.Msg
			if e.Path != "" {
				msg = e.Path + ": " + msg
			}
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level: "error", Message: sarifMessage{Text: "[" + e.Code + "] " + msg},
				Locations: []sarifLocation{newSARIFLocation(in.File, in.Name, e.Pos.Line, e.Pos.Column)},
			})
		}
	}
	for _, n := range r.Notes {
		note := sarifNotification{Level: "note", Message: sarifMessage{Text: n.Message}}
		if n.File != "" {
			note.Locations = []sarifLocation{newSARIFLocation(n.File, "", 0, 0)}
		}
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, note)
	}
	run.Invocations = []sarifInvocation{inv}
	return encodeIndented(w, sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}, false)
}

func newSARIFRule(r *Report, rule Rule) sarifRule {
	help := rule.Description + "\n\nRemediation: " + rule.Remediation
	md := rule.Description + "\n\n**Remediation:** " + rule.Remediation
	if len(rule.References) > 0 {
		help += "\n\nReferences:\n" + strings.Join(rule.References, "\n")
		md += "\n\n**References:**\n"
		for _, ref := range rule.References {
			md += "\n- " + ref
		}
	}
	return sarifRule{
		ID:                   rule.ID,
		Name:                 ruleName(rule.Title),
		ShortDescription:     sarifMessage{Text: rule.Title},
		FullDescription:      sarifMessage{Text: rule.Description},
		Help:                 sarifHelp{Text: help, Markdown: md},
		HelpURI:              r.helpURI(rule),
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(rule.Severity)},
		Properties: sarifRuleProps{
			Tags:             []string{"security", "iam", string(rule.Category)},
			Precision:        "high",
			SecuritySeverity: securitySeverity[rule.Severity],
		},
	}
}

// ruleName turns a title into the PascalCase identifier SARIF's
// reportingDescriptor.name expects.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func newSARIFResult(f Finding, ruleIndex int) sarifResult {
	msg := f.Message
	if f.Remediation != "" {
		msg += "\nRemediation: " + f.Remediation
	}
	res := sarifResult{
		RuleID:              f.RuleID,
		RuleIndex:           ruleIndex,
		Level:               sarifLevel(f.Severity),
		Message:             sarifMessage{Text: msg},
		Locations:           []sarifLocation{newSARIFLocation(f.Location.File, f.Location.Policy, f.Location.Line, f.Location.Column)},
		PartialFingerprints: map[string]string{fingerprintKey: f.Fingerprint},
		Properties:          &sarifResultProps{Severity: f.Severity},
	}
	for _, c := range f.Compliance {
		res.Properties.Compliance = append(res.Properties.Compliance, c.Framework+":"+c.ID)
	}
	return res
}

// newSARIFLocation locates a file position. Relative paths become URIs
// under %SRCROOT%; absolute ones become file: URIs.
func newSARIFLocation(file, name string, line, col int) sarifLocation {
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: artifactURI(file)}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: max(col, 0)}
	}
	if name != "" {
		loc.LogicalLocations = []sarifLogicalLocation{{FullyQualifiedName: name, Kind: "object"}}
	}
	return loc
}

func artifactURI(file string) sarifArtifact {
	slash := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		u := url.URL{Scheme: "file", Path: slash}
		return sarifArtifact{URI: u.String()}
	}
	slash = strings.TrimPrefix(slash, "./")
	u := url.URL{Path: slash}
	return sarifArtifact{URI: u.EscapedPath(), URIBaseID: sarifBase}
}
