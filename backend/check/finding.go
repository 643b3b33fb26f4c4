package check

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/aegis-iam/aegis/backend/policy"
)

// Location is where a finding points: a file position plus the statement and
// element it concerns.
type Location struct {
	File      string `json:"file,omitempty"`
	Policy    string `json:"policy,omitempty"` // logical name inside the file (CloudFormation logical ID, Terraform address)
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
	Offset    int    `json:"offset,omitempty"`
	Statement int    `json:"statement"` // 0-based index; -1 for the whole document
	Sid       string `json:"sid,omitempty"`
	Element   string `json:"element,omitempty"` // e.g. "Action", "Condition.StringEquals.aws:SourceIp"
}

// Exposure qualifies how reachable a finding's permission is; the risk score
// weighs it (see Score).
type Exposure struct {
	AllResources bool `json:"allResources,omitempty"` // Resource "*" or NotResource
	Conditioned  bool `json:"conditioned,omitempty"`  // the statement has a Condition that narrows it
}

// Finding is one problem a rule found in one policy.
type Finding struct {
	RuleID      string   `json:"id"`
	Category    Category `json:"category"`
	Severity    Severity `json:"severity"`
	Title       string   `json:"title"`
	Message     string   `json:"message"`
	Remediation string   `json:"remediation"`
	Location    Location `json:"location"`
	Exposure    Exposure `json:"exposure"`
	// Fingerprint identifies the finding independently of line numbers: the
	// rule ID and the canonical text of the statement. Accepted risks are keyed
	// by it.
	Fingerprint string `json:"fingerprint"`
}

// fingerprint hashes the rule ID with the canonical form of the statement
// (or of the whole document for document-level findings), so reformatting or
// moving a statement keeps its fingerprint. The canonical form's digest is
// computed once per statement and shared by every finding on it.
//
// Account facts have no statements: their findings are identified by the
// rule and the element, which names the finding's subject (a user's key, a
// role), so each user's finding can be accepted on its own.
func fingerprint(in *Input, ruleID string, stmt *policy.Statement, element string) string {
	if in.Kind == policy.KindAccount {
		sum := sha256.Sum256([]byte(ruleID + "\x00" + element))
		return hex.EncodeToString(sum[:12])
	}
	digest := in.Memo(canonicalKey{stmt}, func() any {
		var text []byte
		if stmt != nil {
			text = policy.Format(&policy.Document{Version: in.Doc.Version, Statements: []*policy.Statement{stmt}})
		} else {
			text = policy.Format(in.Doc)
		}
		return sha256.Sum256(text)
	}).([sha256.Size]byte)
	// The same bytes as writing them to a hash one after another, without
	// the hash's allocations: runs report tens of thousands of findings.
	var buf [64 + sha256.Size]byte
	sum := sha256.Sum256(append(append(append(buf[:0], ruleID...), 0), digest[:]...))
	return hex.EncodeToString(sum[:12])
}

// canonicalKey memoizes a statement's canonical digest (nil: the document).
type canonicalKey struct{ stmt *policy.Statement }
