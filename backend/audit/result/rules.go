package result

import "github.com/aegis-iam/aegis/backend/check"

// Rule describes one kind of audit finding: its stable ID, a title and
// what to do about it. Findings carry the ID; reports (SARIF) list the
// rules.
type Rule struct {
	ID       string
	Title    string
	Help     string
	Severity check.Severity // the highest severity its findings take
}

// Rules are the audit's finding kinds, by ID.
var Rules = []Rule{
	{"AEG-AUDIT-001", "Service-linked role", "Its policies belong to the AWS service: reported, never rewritten.", check.SeverityInfo},
	{"AEG-AUDIT-002", "Policies not all known", "A managed policy is missing from the snapshot or a document does not parse: re-export the account; no recommendation is made until then.", check.SeverityMedium},
	{"AEG-AUDIT-003", "Principal unused", "The principal made no authorized call in the window: delete it, or its credentials.", check.SeverityMedium},
	{"AEG-AUDIT-004", "Unused permissions", "Apply the right-sized policy set of the recommendation; its proofs show it grants nothing new and keeps what was used.", check.SeverityHigh},
	{"AEG-AUDIT-005", "Dead grants", "An SCP, RCP or the permissions boundary blocks these grants everywhere: remove them to make the policy say what is allowed.", check.SeverityInfo},
	{"AEG-AUDIT-006", "Denied calls", "Calls were denied in the window: a missing permission or an attempt; look at the CloudTrail events.", check.SeverityLow},
	{"AEG-AUDIT-007", "Unused access key", "Deactivate, then delete the access key.", check.SeverityMedium},
	{"AEG-AUDIT-008", "Unused console password", "Remove the login profile.", check.SeverityMedium},
	{"AEG-AUDIT-009", "Escalation path to an admin", "Remove one permission of the path (its hops are listed under escalationPaths).", check.SeverityHigh},
}
