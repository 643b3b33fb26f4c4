package assist

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/llm"
	"github.com/aegis-iam/aegis/backend/report"
)

// principalSummary is a principal as the overview lists it.
type principalSummary struct {
	ARN       string `json:"arn"`
	Type      string `json:"type"`
	RiskScore int    `json:"riskScore"`
	Admin     bool   `json:"admin,omitempty"`
	Activity  string `json:"activity"`
	Findings  int    `json:"findings"`
	Used      int    `json:"used"`
	Unused    int    `json:"unused"`
	Unknown   int    `json:"unknown"`
}

type auditFinding struct {
	Principal string `json:"principal"`
	ID        string `json:"id"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
}

// NewAudit returns an audit as a subject: an overview of the account's
// score, coverage and riskiest principals, and tools that read principals,
// findings, permission usage, escalation paths and external access from
// the audit. focus, when it names a principal of the audit, is the one the
// person has open. run supplies the check catalogue for explain_check.
func NewAudit(run *report.Run, db *iamdb.DB, a *result.Audit, focus string) (*Subject, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("reading the audit: %w", err)
	}
	s := &Subject{Kind: "audit", db: db, digest: digestOf([]byte("audit"), data),
		findings: map[string]Citation{}, principals: map[string]Citation{}, arns: map[string]bool{}}
	collectARNs(s.arns, string(data))
	byARN := map[string]*result.Principal{}
	for i := range a.Principals {
		p := &a.Principals[i]
		byARN[p.ARN] = p
		s.principals[p.ARN] = Citation{Kind: "principal", ID: p.ARN, Title: p.Type + " " + p.Name, Severity: fmt.Sprintf("risk %d", p.RiskScore)}
		for _, f := range p.Findings {
			if _, dup := s.findings[f.ID]; !dup {
				s.findings[f.ID] = Citation{Kind: "finding", ID: f.ID, Title: f.Message, Severity: f.Severity.String()}
			}
		}
	}
	s.checks = func(id string) (Citation, bool) {
		r, ok := run.Registry.Rule(id)
		if !ok {
			return Citation{}, false
		}
		return Citation{Kind: "check", ID: r.ID, Title: r.Title, Severity: r.Severity.String()}, true
	}
	au := &auditView{a: a, byARN: byARN}
	s.overview = au.overview(focus)
	s.tools = append(au.tools(), explainCheck(run))
	return s, nil
}

type auditView struct {
	a     *result.Audit
	byARN map[string]*result.Principal
}

func summary(p *result.Principal) principalSummary {
	return principalSummary{ARN: p.ARN, Type: p.Type, RiskScore: p.RiskScore, Admin: p.Admin != "", Activity: string(p.Activity.State),
		Findings: len(p.Findings), Used: len(p.Permissions.Used), Unused: len(p.Permissions.Unused), Unknown: len(p.Permissions.Unknown)}
}

// byRisk returns the principals, riskiest first.
func (v *auditView) byRisk() []*result.Principal {
	ps := make([]*result.Principal, len(v.a.Principals))
	for i := range v.a.Principals {
		ps[i] = &v.a.Principals[i]
	}
	slices.SortStableFunc(ps, func(x, y *result.Principal) int {
		return cmp.Or(cmp.Compare(y.RiskScore, x.RiskScore), strings.Compare(x.ARN, y.ARN))
	})
	return ps
}

func (v *auditView) overview(focus string) any {
	a := v.a
	const top = 25
	var principals []principalSummary
	for _, p := range v.byRisk() {
		if len(principals) == top {
			break
		}
		principals = append(principals, summary(p))
	}
	o := map[string]any{
		"account": a.Account, "collectedAt": a.CollectedAt, "window": a.Window, "riskScore": a.RiskScore,
		"coverage": map[string]any{"sources": a.Coverage.Sources, "days": a.Coverage.Days, "completeDays": a.Coverage.CompleteDays,
			"gaps": len(a.Coverage.Gaps), "failures": a.Coverage.Failures, "dataEventTypes": a.Coverage.DataEventTypes},
		"problems": capped(a.Problems), "principalCount": len(a.Principals), "riskiestPrincipals": principals,
		"escalationPaths": len(a.EscalationPaths), "externalAccess": len(a.ExternalAccess),
	}
	if _, ok := v.byARN[focus]; ok {
		o["openPrincipal"] = focus
	}
	return o
}

func (v *auditView) principal(arn string) (*result.Principal, error) {
	p, ok := v.byARN[arn]
	if !ok {
		return nil, fmt.Errorf("there is no principal %q in this audit; list_principals names them", arn)
	}
	return p, nil
}

func (v *auditView) tools() []llm.Tool {
	arnOnly := `{"type":"object","additionalProperties":false,"required":["arn"],"properties":{"arn":{"type":"string","description":"the principal's ARN"}}}`
	return []llm.Tool{
		llm.NewTool("list_principals", "The audit's principals, riskiest first, with their risk score, activity and counts of findings and used, unused and unknown permissions; optionally only users or roles, from an offset.",
			`{"type":"object","additionalProperties":false,"properties":{"type":{"type":"string","enum":["user","role"]},"offset":{"type":"integer"}}}`,
			false, func(_ context.Context, q struct {
				Type   string `json:"type"`
				Offset int    `json:"offset"`
			}) (any, error) {
				var out []principalSummary
				for _, p := range v.byRisk() {
					if q.Type == "" || p.Type == q.Type {
						out = append(out, summary(p))
					}
				}
				total := len(out)
				out = out[min(max(q.Offset, 0), total):]
				return map[string]any{"principals": capped(out), "total": total}, nil
			}),
		llm.NewTool("get_principal", "One principal's audit: risk and its parts, why it is admin, activity, findings, permissions by usage state (used, unused, unknown and why, denied) and the right-sized recommendation with its proof.",
			arnOnly, false, func(_ context.Context, q struct {
				ARN string `json:"arn"`
			}) (any, error) {
				p, err := v.principal(q.ARN)
				if err != nil {
					return nil, err
				}
				perms := p.Permissions
				out := map[string]any{"arn": p.ARN, "type": p.Type, "name": p.Name, "riskScore": p.RiskScore, "risk": p.Risk,
					"admin": p.Admin, "activity": p.Activity, "editability": p.Editability, "findings": p.Findings,
					"permissions": map[string]any{
						"used": capped(perms.Used), "unused": capped(perms.Unused), "unknown": capped(perms.Unknown), "dead": capped(perms.Dead),
						"denied": capped(perms.Denied), "counts": map[string]int{"used": len(perms.Used), "unused": len(perms.Unused),
							"unknown": len(perms.Unknown), "tooNew": len(perms.TooNew), "dead": len(perms.Dead)},
						"unknownReasons": perms.UnknownReasons, "unusedByAccessLevel": perms.UnusedByAccessLevel, "unusedBySensitivity": perms.UnusedBySensitivity,
					}}
				if r := p.Recommendation; r != nil {
					out["recommendation"] = map[string]any{"kind": r.Kind, "detach": r.Detach, "replace": r.Replace, "delete": r.Delete,
						"proof": r.Proof, "notes": r.Notes, "policies": len(r.Policies)}
				}
				return out, nil
			}),
		llm.NewTool("get_findings", "The audit's findings about principals, optionally of one principal or one severity.",
			`{"type":"object","additionalProperties":false,"properties":{"arn":{"type":"string","description":"a principal's ARN; omit for all"},"severity":{"type":"string","enum":["critical","high","medium","low","info"]}}}`,
			false, func(_ context.Context, q struct {
				ARN      string `json:"arn"`
				Severity string `json:"severity"`
			}) (any, error) {
				if q.ARN != "" {
					if _, err := v.principal(q.ARN); err != nil {
						return nil, err
					}
				}
				var out []auditFinding
				for _, p := range v.byRisk() {
					if q.ARN != "" && p.ARN != q.ARN {
						continue
					}
					for _, f := range p.Findings {
						if q.Severity == "" || f.Severity.String() == q.Severity {
							out = append(out, auditFinding{Principal: p.ARN, ID: f.ID, Severity: f.Severity.String(), Message: f.Message})
						}
					}
				}
				return map[string]any{"findings": capped(out), "count": len(out)}, nil
			}),
		llm.NewTool("permission_usage", "Whether a principal used an action in the audit window: the usage state of every granted action the name or pattern (s3:Put*) matches — used, unused, unknown, too new to judge, dead (granted but never effective), denied — or that it is not granted.",
			`{"type":"object","additionalProperties":false,"required":["arn","action"],"properties":{"arn":{"type":"string"},"action":{"type":"string","description":"service:Action, wildcards allowed"}}}`,
			false, func(_ context.Context, q struct {
				ARN    string `json:"arn"`
				Action string `json:"action"`
			}) (any, error) {
				p, err := v.principal(q.ARN)
				if err != nil {
					return nil, err
				}
				return usage(p, q.Action), nil
			}),
		llm.NewTool("escalation_paths", "Privilege-escalation paths from non-admin principals to admins, hop by hop, optionally only those starting at one principal.",
			`{"type":"object","additionalProperties":false,"properties":{"arn":{"type":"string","description":"the starting principal's ARN; omit for all"}}}`,
			false, func(_ context.Context, q struct {
				ARN string `json:"arn"`
			}) (any, error) {
				var out []result.EscalationPath
				for _, e := range v.a.EscalationPaths {
					if q.ARN == "" || e.From == q.ARN {
						out = append(out, e)
					}
				}
				return map[string]any{"paths": capped(out), "count": len(out)}, nil
			}),
		llm.NewTool("external_access", "What principals outside the account and its organization (or anyone) may do to its resources or which roles they may assume.",
			`{"type":"object","additionalProperties":false,"properties":{}}`,
			false, func(context.Context, struct{}) (any, error) {
				return map[string]any{"externalAccess": capped(v.a.ExternalAccess), "count": len(v.a.ExternalAccess)}, nil
			}),
	}
}

// usage classifies the principal's granted actions that pattern matches
// by usage state. Action names compare without case, as IAM does.
func usage(p *result.Principal, pattern string) map[string]any {
	pat := strings.ToLower(strings.TrimSpace(pattern))
	match := func(list []string) []string {
		var out []string
		for _, a := range list {
			if ok, _ := path.Match(pat, strings.ToLower(a)); ok {
				out = append(out, a)
			}
		}
		return capped(out)
	}
	perms := p.Permissions
	out := map[string]any{}
	found := false
	for _, st := range []struct {
		name string
		list []string
	}{{"used", perms.Used}, {"unused", perms.Unused}, {"unknown", perms.Unknown}, {"tooNew", perms.TooNew}, {"dead", perms.Dead}, {"denied", perms.Denied}} {
		if m := match(st.list); len(m) > 0 {
			out[st.name] = m
			found = found || st.name != "denied"
		}
	}
	if !found {
		out["granted"] = false
		out["note"] = fmt.Sprintf("%s grants no action matching %s", p.ARN, pattern)
	}
	if _, ok := out["unknown"]; ok {
		out["unknownReasons"] = perms.UnknownReasons
	}
	return out
}
