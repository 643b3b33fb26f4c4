package generate

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aegis-iam/aegis/backend/check"
)

// Session is one generation conversation as plain data: the description
// (or an intent proposed by an Advisor or a template), the values given up
// front, and the answers so far. Running a session is deterministic, so a
// stored Session continues exactly where it stopped.
type Session struct {
	Description string `json:"description,omitempty"`
	// Intent, when set, is used instead of reading Description.
	Intent    *Intent  `json:"intent,omitempty"`
	Account   string   `json:"account,omitempty"`
	Region    string   `json:"region,omitempty"`
	Partition string   `json:"partition,omitempty"`
	Answers   []Answer `json:"answers,omitempty"`
}

// Answer records answers, replacing earlier answers to the same questions.
func (s *Session) Answer(as ...Answer) {
	for _, a := range as {
		replaced := false
		for i := range s.Answers {
			if s.Answers[i].ID == a.ID {
				s.Answers[i].Value, replaced = a.Value, true
			}
		}
		if !replaced {
			s.Answers = append(s.Answers, a)
		}
	}
}

// Apply folds an Advisor's proposal into the session: a new request or a
// refinement replaces the intent (and drops answers, which referred to the
// old one), answers are recorded, an explanation changes nothing. The
// engine validates the proposed intent when the session runs.
func (s *Session) Apply(p *Proposal) {
	switch p.Kind {
	case ProposalNew, ProposalRefine:
		if p.Intent != nil {
			in := cloneIntent(*p.Intent)
			s.Intent, s.Answers = &in, nil
		}
	case ProposalAnswer:
		s.Answer(p.Answers...)
	}
}

// Status values of a Result.
const (
	StatusComplete   = "complete"
	StatusNeedsInput = "needs-input"
)

// Result is what a session run produces: either questions (needs-input)
// or the policy pair with its explanations, validation findings and risk
// score (complete). Its JSON form is the contract of "aegis generate".
type Result struct {
	Status    string     `json:"status"`
	Questions []Question `json:"questions"`
	// PermissionsPolicy and TrustPolicy are canonical policy JSON; the
	// trust policy is null for humans (users and groups assume nothing).
	PermissionsPolicy json.RawMessage `json:"permissionsPolicy"`
	TrustPolicy       json.RawMessage `json:"trustPolicy"`
	Explanations      []Explanation   `json:"explanations"`
	Suggestions       []Suggestion    `json:"suggestions"`
	Findings          []check.Finding `json:"findings"`
	RiskScore         int             `json:"riskScore"`
	RiskBand          string          `json:"riskBand"`
	// Decisions are the security decisions taken; Defaults the values the
	// engine chose because the description did not say.
	Decisions []string `json:"decisions"`
	Defaults  []string `json:"defaults"`
	// Notes report words understood but not used.
	Notes []string `json:"notes,omitempty"`
	// Placeholders lists the placeholders left in the policies.
	Placeholders []string `json:"placeholders,omitempty"`
	Intent       Intent   `json:"intent"`
	// Granted lists every (action, resource) the permissions policy allows,
	// as proven by the evaluator.
	Granted []Grant `json:"granted"`
}

// Grant is one permission of the generated policy.
type Grant struct {
	Action   string `json:"action"`
	Resource string `json:"resource"`
	// Supporting marks permissions the engine added because the request
	// needs them (logs of a Lambda function, KMS for SSE-KMS data).
	Supporting bool `json:"supporting,omitempty"`
}

// Explanation explains one statement.
type Explanation struct {
	Sid     string              `json:"sid"`
	Summary string              `json:"summary"`
	Actions []ActionExplanation `json:"actions"`
}

// ActionExplanation explains one action of a statement.
type ActionExplanation struct {
	Action      string `json:"action"`
	AccessLevel string `json:"accessLevel"`
	Description string `json:"description"`
}

// Suggestion is an optional refinement the user may apply.
type Suggestion struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

// applyAnswers folds the session's values and answers into the intent.
// Answers to questions the intent no longer has are reported as notes.
func applyAnswers(in *Intent, s *Session) (map[string]string, []string) {
	if s.Account != "" {
		in.Account = s.Account
	}
	if s.Region != "" {
		in.Region = s.Region
	}
	if s.Partition != "" {
		in.Partition = s.Partition
	}
	answered := map[string]string{}
	var notes []string
	for _, a := range s.Answers {
		v := strings.TrimSpace(a.Value)
		answered[a.ID] = v
		if !applyAnswer(in, a.ID, v) {
			notes = append(notes, fmt.Sprintf("answer %q does not match a question of this request", a.ID))
		}
	}
	return answered, notes
}

func applyAnswer(in *Intent, id, v string) bool {
	p := &in.Principal
	switch id {
	case "account":
		in.Account = strings.ReplaceAll(v, "-", "")
	case "region":
		in.Region = strings.ToLower(v)
	case "partition":
		in.Partition = v
	case "principal":
		p.Kind = PrincipalKind(v)
	case "principal.name":
		p.Name = v
	case "principal.trustedAccount":
		p.TrustedAccount = strings.ReplaceAll(v, "-", "")
	case "principal.externalId":
		p.ExternalID = v
	case "github.repository":
		p.Repository = v
	case "github.ref":
		p.Ref = v
	case "eks.issuer":
		p.OIDCIssuer = strings.TrimPrefix(v, "https://")
	case "eks.namespace":
		p.Namespace = v
	case "eks.serviceAccount":
		p.ServiceAccount = v
	default:
		return applyResourceAnswer(in, id, v)
	}
	return true
}

// applyResourceAnswer handles "resources.N.FIELD".
func applyResourceAnswer(in *Intent, id, v string) bool {
	rest, ok := strings.CutPrefix(id, "resources.")
	if !ok {
		return false
	}
	idx, field, ok := strings.Cut(rest, ".")
	n, err := strconv.Atoi(idx)
	if !ok || err != nil || n < 0 || n >= len(in.Resources) {
		return false
	}
	r := &in.Resources[n]
	switch field {
	case "name":
		if strings.HasPrefix(strings.ToLower(v), "arn:") {
			r.ARN, r.Name = v, ""
		} else {
			r.Name, r.ARN = v, ""
		}
	case "verbs":
		r.Verbs = nil
		for _, w := range splitList(v) {
			r.Verbs = appendVerbs(r.Verbs, Verb(strings.ToLower(w)))
		}
	case "write":
		for _, w := range splitList(v) {
			switch strings.ToLower(w) {
			case "update":
				r.Verbs = appendVerbs(r.Verbs, VerbUpdate)
			case "delete":
				r.Verbs = appendVerbs(r.Verbs, VerbDelete)
			}
		}
	case "passTo":
		// Read by the builder from the answers map.
	default:
		return false
	}
	return true
}

func splitList(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '+' }) {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}
