package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/aegis-iam/aegis/backend/check"
)

// codeQualityIssue is one entry of GitLab's Code Quality report
// (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format):
// description, check_name, fingerprint, severity and location.path with
// location.lines.begin are the fields GitLab reads.
type codeQualityIssue struct {
	Description string              `json:"description"`
	CheckName   string              `json:"check_name"`
	Fingerprint string              `json:"fingerprint"`
	Severity    string              `json:"severity"`
	Location    codeQualityLocation `json:"location"`
}

type codeQualityLocation struct {
	Path  string `json:"path"`
	Lines struct {
		Begin int `json:"begin"`
	} `json:"lines"`
}

// codeQualitySeverity maps Aegis severities onto GitLab's five levels
// (info, minor, major, critical, blocker): a critical finding blocks.
var codeQualitySeverity = map[check.Severity]string{
	check.SeverityCritical: "blocker",
	check.SeverityHigh:     "critical",
	check.SeverityMedium:   "major",
	check.SeverityLow:      "minor",
	check.SeverityInfo:     "info",
}

// WriteCodeQuality renders r as a GitLab Code Quality report: one issue per
// counted finding and per input error (suppressed findings are left out).
// GitLab tracks issues across merge requests by fingerprint, so each is
// derived from the finding's line-independent fingerprint, its file and
// policy, and its rank among identical ones: moving a statement keeps it,
// and no two issues of one report share it.
func WriteCodeQuality(w io.Writer, r *Report) error {
	issues := []codeQualityIssue{}
	seen := map[string]int{}
	add := func(checkName, severity, description, path string, line int, identity ...string) {
		h := sha256.New()
		for _, s := range identity {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		key := hex.EncodeToString(h.Sum(nil))
		seen[key]++
		h.Write([]byte(strconv.Itoa(seen[key])))
		is := codeQualityIssue{Description: description, CheckName: checkName,
			Fingerprint: hex.EncodeToString(h.Sum(nil))[:32], Severity: severity}
		is.Location.Path = path
		is.Location.Lines.Begin = max(line, 1)
		issues = append(issues, is)
	}
	for _, in := range r.Inputs {
		for _, f := range in.Findings {
			desc := fmt.Sprintf("%s: %s", f.Title, f.Message)
			if st := statementLabel(f.Location); st != "" {
				desc = st + ": " + desc
			}
			if in.Name != "" {
				desc = in.Name + " " + desc
			}
			add(f.RuleID, codeQualitySeverity[f.Severity], oneLine(desc), in.File, f.Location.Line,
				"finding", in.File, in.Name, f.RuleID, f.Fingerprint)
		}
		for _, e := range in.Errors {
			add("aegis/input-error", "major", oneLine(e.Msg), in.File, e.Pos.Line,
				"error", in.File, in.Name, e.Code, e.Path, e.Msg)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}
