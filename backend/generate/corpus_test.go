package generate

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/policy"
)

// corpusCase is one description of testdata/descriptions.json with what
// the generated policy must and must not allow. Requests are written
// "ACTION RESOURCE [KEY=VALUE...]"; without an account or Region the
// placeholders are evaluated as 111122223333 and us-east-1.
type corpusCase struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Account     string            `json:"account"`
	Region      string            `json:"region"`
	Answers     map[string]string `json:"answers"`
	Questions   []string          `json:"questions"` // expected needs-input question IDs
	Allow       []string          `json:"allow"`
	Deny        []string          `json:"deny"`
	Trust       []string          `json:"trust"`    // substrings of the trust policy
	NoTrust     bool              `json:"noTrust"`  // humans: no trust policy
	Findings    []string          `json:"findings"` // findings above low that the request asks for
}

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	data, err := os.ReadFile("testdata/descriptions.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []corpusCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

func (c corpusCase) session() *Session {
	s := &Session{Description: c.Description, Account: c.Account, Region: c.Region}
	ids := make([]string, 0, len(c.Answers))
	for id := range c.Answers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		s.Answer(Answer{ID: id, Value: c.Answers[id]})
	}
	return s
}

// TestCorpus runs every description and requires at least 90% to pass;
// each failure is reported.
func TestCorpus(t *testing.T) {
	e := newTestEngine(t)
	cases := loadCorpus(t)
	if len(cases) < 60 {
		t.Errorf("corpus has %d descriptions, want at least 60", len(cases))
	}
	failed := 0
	for _, c := range cases {
		problems := runCase(e, c)
		if len(problems) > 0 {
			failed++
			t.Logf("FAIL %s: %q\n  %s", c.Name, c.Description, strings.Join(problems, "\n  "))
		}
	}
	passed := len(cases) - failed
	t.Logf("corpus: %d passed, %d failed", passed, failed)
	if passed*100 < len(cases)*90 {
		t.Errorf("corpus pass rate %d/%d is below 90%%", passed, len(cases))
	}
}

func runCase(e *Engine, c corpusCase) []string {
	res, err := e.Run(c.session())
	if err != nil {
		return []string{"run: " + err.Error()}
	}
	var problems []string
	if len(c.Questions) > 0 {
		if res.Status != StatusNeedsInput {
			return []string{"status " + res.Status + ", want needs-input"}
		}
		var got []string
		for _, q := range res.Questions {
			got = append(got, q.ID)
		}
		for _, want := range c.Questions {
			if !containsString(got, want) {
				problems = append(problems, "missing question "+want+"; got "+strings.Join(got, ", "))
			}
		}
		return problems
	}
	if res.Status != StatusComplete {
		var qs []string
		for _, q := range res.Questions {
			qs = append(qs, q.ID+": "+q.Text)
		}
		return []string{"status " + res.Status + ": " + strings.Join(qs, "; ") + " notes: " + strings.Join(res.Notes, "; ")}
	}
	doc, err := policy.Parse("p.json", []byte(concretize(string(res.PermissionsPolicy))), policy.KindIdentity)
	if err != nil {
		return []string{"parse: " + err.Error()}
	}
	compiled, err := eval.Compile("p", doc)
	if err != nil {
		return []string{"compile: " + err.Error()}
	}
	decide := func(spec string) (eval.Decision, error) {
		f := strings.Fields(spec)
		acct, part := exampleAccount, "aws"
		if arn, err := policy.ParseARN(f[1]); err == nil {
			part = arn.Partition
			if arn.Account != "" {
				acct = arn.Account
			}
		}
		caller := "arn:" + part + ":iam::" + acct + ":role/generated"
		in := &eval.Input{Identity: []*eval.Policy{compiled}}
		var err error
		if in.Resource, err = DelegatingPolicy(f[0], caller); err != nil {
			return 0, err
		}
		req := &eval.Request{Principal: caller, Action: f[0], Resource: f[1]}
		for _, kv := range f[2:] {
			k, v, _ := strings.Cut(kv, "=")
			req.Context.Set(k, v)
		}
		r, err := eval.Evaluate(in, req, eval.ModeAWS)
		if err != nil {
			return 0, err
		}
		return r.Decision, nil
	}
	for _, spec := range c.Allow {
		if d, err := decide(spec); err != nil || d != eval.Allowed {
			problems = append(problems, "not allowed: "+spec)
		}
	}
	for _, spec := range c.Deny {
		if d, err := decide(spec); err != nil || d == eval.Allowed {
			problems = append(problems, "allowed: "+spec)
		}
	}
	trust := string(res.TrustPolicy)
	if c.NoTrust && res.TrustPolicy != nil {
		problems = append(problems, "unexpected trust policy")
	}
	for _, want := range c.Trust {
		if !strings.Contains(trust, want) {
			problems = append(problems, "trust policy lacks "+want)
		}
	}
	for _, f := range res.Findings {
		if f.Severity > check.SeverityLow && !containsString(c.Findings, f.RuleID) && !knownCheckDefect(f) {
			problems = append(problems, "finding "+f.RuleID+" ("+f.Severity.String()+"): "+f.Message)
		}
	}
	if len(problems) > 0 {
		problems = append(problems, "policy: "+string(res.PermissionsPolicy))
	}
	return problems
}

// knownCheckDefect recognises a finding the validator reports wrongly on a
// correct policy: AEG-SYN-009 does not know the claim keys of an EKS
// cluster's OIDC provider (ISSUER:aud, ISSUER:sub), which IAM documents for
// IRSA trust policies; the rule set's own good example for AEG-TRUST-008
// triggers it. The engine reports the finding as it is; the corpus and the
// template test do not count it against the engine.
func knownCheckDefect(f check.Finding) bool {
	return f.RuleID == "AEG-SYN-009" && strings.Contains(f.Message, "oidc.eks.")
}

// TestConcurrentRuns checks the engine is safe for concurrent use (run it
// with -race) and deterministic: every goroutine gets the same policies.
func TestConcurrentRuns(t *testing.T) {
	e := newTestEngine(t)
	cases := loadCorpus(t)[:12]
	want := make([]string, len(cases))
	for i, c := range cases {
		res, err := e.Run(c.session())
		if err != nil {
			t.Fatal(err)
		}
		want[i] = string(res.PermissionsPolicy) + string(res.TrustPolicy)
	}
	errs := make(chan string, 4*len(cases))
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i, c := range cases {
				res, err := e.Run(c.session())
				if err != nil {
					errs <- err.Error()
					continue
				}
				if got := string(res.PermissionsPolicy) + string(res.TrustPolicy); got != want[i] {
					errs <- c.Name + ": output differs between runs"
				}
			}
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
