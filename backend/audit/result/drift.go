package result

import (
	"slices"
	"sort"
)

// Drift is what changed since a previous audit of the same account.
type Drift struct {
	// Previous is the end of the previous audit's window.
	Previous Window `json:"previous"`
	// NewPrincipals and RemovedPrincipals are ARNs, sorted.
	NewPrincipals     []string `json:"newPrincipals"`
	RemovedPrincipals []string `json:"removedPrincipals"`
	// Principals lists, for principals in both audits, the permissions
	// granted since and the risk score change, when either changed.
	Principals []PrincipalDrift `json:"principals"`
	// RiskScore is the account score's change.
	RiskScore int `json:"riskScoreChange"`
	// NewEscalationPaths and NewExternalAccess are the paths and external
	// grants the previous audit did not have.
	NewEscalationPaths []EscalationPath `json:"newEscalationPaths"`
	NewExternalAccess  []ExternalAccess `json:"newExternalAccess"`
}

// PrincipalDrift is one principal's change.
type PrincipalDrift struct {
	ARN            string   `json:"arn"`
	NewPermissions []string `json:"newPermissions"`
	Removed        []string `json:"removedPermissions"`
	RiskScore      int      `json:"riskScoreChange"`
}

// granted returns a principal's live grants, whatever their use.
func (p *Principal) granted() []string {
	var out []string
	for _, l := range [][]string{p.Permissions.Used, p.Permissions.Unused, p.Permissions.Unknown, p.Permissions.TooNew} {
		out = append(out, l...)
	}
	sort.Strings(out)
	return out
}

// minus returns the sorted elements of a not in b.
func minus(a, b []string) []string {
	out := []string{}
	for _, s := range a {
		if _, found := slices.BinarySearch(b, s); !found {
			out = append(out, s)
		}
	}
	return out
}

// Compare returns the drift from prev to cur (audits of one account).
func Compare(prev, cur *Audit) *Drift {
	d := &Drift{Previous: prev.Window, NewPrincipals: []string{}, RemovedPrincipals: []string{}, Principals: []PrincipalDrift{},
		RiskScore: cur.RiskScore - prev.RiskScore, NewEscalationPaths: []EscalationPath{}, NewExternalAccess: []ExternalAccess{}}
	before := map[string]*Principal{}
	for i := range prev.Principals {
		before[prev.Principals[i].ARN] = &prev.Principals[i]
	}
	seen := map[string]bool{}
	for i := range cur.Principals {
		p := &cur.Principals[i]
		seen[p.ARN] = true
		old := before[p.ARN]
		if old == nil {
			d.NewPrincipals = append(d.NewPrincipals, p.ARN)
			continue
		}
		now, then := p.granted(), old.granted()
		pd := PrincipalDrift{ARN: p.ARN, NewPermissions: minus(now, then), Removed: minus(then, now), RiskScore: p.RiskScore - old.RiskScore}
		if len(pd.NewPermissions) > 0 || len(pd.Removed) > 0 || pd.RiskScore != 0 {
			d.Principals = append(d.Principals, pd)
		}
	}
	for arn := range before {
		if !seen[arn] {
			d.RemovedPrincipals = append(d.RemovedPrincipals, arn)
		}
	}
	sort.Strings(d.NewPrincipals)
	sort.Strings(d.RemovedPrincipals)
	for _, e := range cur.EscalationPaths {
		if !slices.ContainsFunc(prev.EscalationPaths, func(o EscalationPath) bool { return o.From == e.From && o.To == e.To }) {
			d.NewEscalationPaths = append(d.NewEscalationPaths, e)
		}
	}
	for _, e := range cur.ExternalAccess {
		if !slices.ContainsFunc(prev.ExternalAccess, func(o ExternalAccess) bool {
			return o.Resource == e.Resource && o.Principal == e.Principal && len(minus(e.Actions, o.Actions)) == 0
		}) {
			d.NewExternalAccess = append(d.NewExternalAccess, e)
		}
	}
	return d
}
