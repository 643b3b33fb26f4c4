package render

import (
	"encoding/json"
	"io"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/check"
)

// The SARIF 2.1.0 subset an audit needs
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html): one
// run, the audit's finding kinds as rules, one result per finding. An
// audit has no source files, so every result is located by logical
// locations: the principal's ARN and, for unused permissions and dead
// grants, the ARNs of the managed policies the recommendation changes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool             sarifTool         `json:"tool"`
		Invocations      []sarifInvocation `json:"invocations"`
		LogicalLocations []sarifLogical    `json:"logicalLocations,omitempty"`
		Results          []sarifResult     `json:"results"`
		Properties       map[string]any    `json:"properties"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		Help                 sarifText      `json:"help"`
		DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool                `json:"executionSuccessful"`
		Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string    `json:"level"`
		Message sarifText `json:"message"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		LogicalLocations []sarifLogicalRef `json:"logicalLocations"`
	}
	// sarifLogical is an entry of run.logicalLocations; results refer to
	// it by index and repeat its name (§3.33.3).
	sarifLogical struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifLogicalRef struct {
		Index              int    `json:"index"`
		FullyQualifiedName string `json:"fullyQualifiedName"`
	}
)

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s check.Severity) string {
	switch s {
	case check.SeverityCritical, check.SeverityHigh:
		return "error"
	case check.SeverityMedium:
		return "warning"
	}
	return "note"
}

// SARIF writes the audit's findings as a SARIF 2.1.0 log.
func SARIF(w io.Writer, a *result.Audit) error {
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "aegis", InformationURI: "https://github.com/aegis-iam/aegis/blob/main/docs/audit.md"}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results:     []sarifResult{},
		Properties:  map[string]any{"account": a.Account, "riskScore": a.RiskScore, "windowStart": a.Window.Start, "windowEnd": a.Window.End},
	}
	if a.Sample {
		run.Properties["sample"] = true
	}
	ruleIndex := map[string]int{}
	for i, r := range result.Rules {
		ruleIndex[r.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: r.ID, Name: ruleName(r.Title), ShortDescription: sarifText{r.Title}, Help: sarifText{r.Help},
			DefaultConfiguration: map[string]any{"level": sarifLevel(r.Severity)},
		})
	}
	for _, p := range a.Problems {
		run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, sarifNotification{Level: "warning", Message: sarifText{p}})
	}
	locIndex := map[string]int{}
	locate := func(arn, kind string) sarifLogicalRef {
		i, ok := locIndex[arn]
		if !ok {
			i = len(run.LogicalLocations)
			locIndex[arn] = i
			run.LogicalLocations = append(run.LogicalLocations, sarifLogical{Name: arn[strings.LastIndexAny(arn, "/:")+1:], FullyQualifiedName: arn, Kind: kind})
		}
		return sarifLogicalRef{Index: i, FullyQualifiedName: arn}
	}
	for _, p := range a.Principals {
		for _, f := range p.Findings {
			res := sarifResult{RuleID: f.ID, RuleIndex: ruleIndex[f.ID], Level: sarifLevel(f.Severity),
				Message:   sarifText{p.Name + ": " + f.Message},
				Locations: []sarifLocation{{LogicalLocations: []sarifLogicalRef{locate(p.ARN, "resource")}}}}
			if r := p.Recommendation; r != nil && (f.ID == "AEG-AUDIT-004" || f.ID == "AEG-AUDIT-005") {
				for _, names := range [][]string{r.Detach, r.Replace, r.Delete} {
					for _, n := range names {
						if strings.HasPrefix(n, "arn:") {
							res.Locations = append(res.Locations, sarifLocation{LogicalLocations: []sarifLogicalRef{locate(n, "resource")}})
						}
					}
				}
			}
			run.Results = append(run.Results, res)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}})
}

// ruleName turns a title into the PascalCase name SARIF viewers show.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool { return r == ' ' || r == '-' }) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}
