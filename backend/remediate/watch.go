package remediate

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/result"
)

// Denial is what a principal was refused: an IAM action, or for an event
// the IAM database cannot map, eventSource:eventName.
type Denial struct {
	Principal string    `json:"principal"`
	Action    string    `json:"action"`
	Count     int64     `json:"count"`
	Last      time.Time `json:"last"`
	// Approximate says Last is only an upper bound (the end of an audit's
	// window): the denial may predate a remediation.
	Approximate bool `json:"approximate,omitempty"`
}

// DeniedInUsage returns the denied calls in usage (CloudTrail errorCode
// AccessDenied, Client.UnauthorizedOperation and the like, which the
// reader counts as OutcomeDenied), with when each was last seen.
func DeniedInUsage(u *audit.Usage) []Denial {
	var out []Denial
	for _, r := range u.Rows {
		if r.Outcome == audit.OutcomeDenied {
			out = append(out, Denial{Principal: r.Principal, Action: r.Action, Count: r.Count, Last: r.Last})
		}
	}
	for _, e := range u.Unmapped {
		if e.Outcome == audit.OutcomeDenied {
			out = append(out, Denial{Principal: e.Principal, Action: e.Source + ":" + e.Name, Count: e.Count, Last: e.Last})
		}
	}
	return out
}

// DeniedInAudit returns the denied actions of a saved audit's principals.
// The audit keeps no times, so each is dated at the end of its window and
// marked Approximate.
func DeniedInAudit(a *result.Audit) []Denial {
	var out []Denial
	for _, p := range a.Principals {
		for _, action := range p.Permissions.Denied {
			out = append(out, Denial{Principal: p.ARN, Action: action, Last: a.Window.End, Approximate: true})
		}
	}
	return out
}

// Suggestion offers the rollback of a remediation after which its
// principal was denied actions.
type Suggestion struct {
	RecordID  string    `json:"recordId"`
	Principal string    `json:"principal"`
	AppliedAt time.Time `json:"appliedAt"`
	Denied    []Denial  `json:"denied"`
	// Removed are the denied actions the remediation removed: the likely
	// cause.
	Removed []string `json:"removed"`
	Message string   `json:"message"`
}

// Watch returns a rollback suggestion for every remediation in force
// (applied, or stopped part-way after some calls) whose principal was
// denied something after the apply began. Approximate denials count only
// when the audit the remediation came from did not already see them.
func Watch(records []Record, denied []Denial) []Suggestion {
	var out []Suggestion
	for _, rec := range records {
		if !inForce(rec) {
			continue
		}
		s := Suggestion{RecordID: rec.ID, Principal: rec.Principal.ARN, AppliedAt: rec.Apply.Started, Removed: []string{}}
		for _, d := range denied {
			if d.Principal != rec.Principal.ARN || !d.Last.After(rec.Apply.Started) {
				continue
			}
			if d.Approximate && containsFold(rec.BaselineDenied, d.Action) {
				continue
			}
			s.Denied = append(s.Denied, d)
			if containsFold(rec.Removed, d.Action) && !slices.Contains(s.Removed, d.Action) {
				s.Removed = append(s.Removed, d.Action)
			}
		}
		if len(s.Denied) == 0 {
			continue
		}
		sort.Slice(s.Denied, func(i, j int) bool { return s.Denied[i].Action < s.Denied[j].Action })
		sort.Strings(s.Removed)
		s.Message = fmt.Sprintf("%s was denied %d actions since the remediation of %s", rec.Principal.Name, len(s.Denied), rec.Apply.Started.Format(time.RFC3339))
		if len(s.Removed) > 0 {
			s.Message += fmt.Sprintf(", %d of which it removed (%s)", len(s.Removed), strings.Join(s.Removed, ", "))
		}
		s.Message += ": roll it back if the principal needs them."
		out = append(out, s)
	}
	return out
}

// inForce reports whether some of a remediation's calls were made and not
// rolled back.
func inForce(rec Record) bool {
	switch rec.Status {
	case Applied, RollbackFailed:
		return true
	case ApplyFailed:
		return slices.ContainsFunc(rec.Apply.Done, func(s StepResult) bool { return s.OK })
	}
	return false
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(e string) bool { return strings.EqualFold(e, s) })
}
