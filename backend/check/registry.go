package check

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// Input is one policy to validate.
type Input struct {
	File string // as the user named it; used in locations
	Name string // logical name inside the file, if any
	Kind policy.Kind
	Doc  *policy.Document
	DB   *iamdb.DB
	// Errors are the parser's problems with Doc, which may then be partial;
	// the syntax rules (AEG-SYN) report them as findings.
	Errors policy.ErrorList
	// Placeholders are the texts that stand for values unknown until deploy
	// time in infrastructure code ("${Bucket.Arn}", "${AWS::Partition}",
	// "${var.account_id}"). Rules must not judge a value that holds one as if
	// it were literal (see HasPlaceholder).
	Placeholders []string
	// Account holds the account facts of a policy.KindAccount input (nil
	// otherwise); see Account.
	Account *Account
	// Sensitive are the organisation's sensitive resources the run
	// watches (AEG-EXP-007); none unless the configuration declares some.
	Sensitive []*SensitiveResource

	compileOnce sync.Once
	compiled    *eval.Policy
	compileErr  error

	memoMu sync.Mutex
	memo   map[any]any
}

// Memo returns the value stored under key for this input, calling build to
// create it on first use, so the rules of one run share per-input analyses
// (an evaluation engine, expanded statements) instead of redoing them.
// Keys should be values of an unexported type of the calling package. build
// runs without the lock held, so it may itself call Memo for other keys; if
// two goroutines race on one key, the first stored value wins.
func (in *Input) Memo(key any, build func() any) any {
	in.memoMu.Lock()
	v, ok := in.memo[key]
	in.memoMu.Unlock()
	if ok {
		return v
	}
	v = build()
	in.memoMu.Lock()
	defer in.memoMu.Unlock()
	if prev, ok := in.memo[key]; ok {
		return prev
	}
	if in.memo == nil {
		in.memo = map[any]any{}
	}
	in.memo[key] = v
	return v
}

// Release drops what the rules memoized and compiled for the input, so a
// run over many inputs does not keep every input's analyses (evaluation
// engines, expansions, the compiled policy) alive until it ends. A later
// Run builds them again. It must not be called while a Run uses the input.
func (in *Input) Release() {
	in.memoMu.Lock()
	in.memo = nil
	in.memoMu.Unlock()
	in.compileOnce = sync.Once{}
	in.compiled, in.compileErr = nil, nil
}

// HasPlaceholder reports whether s contains one of the input's
// deploy-time placeholders, so its real value is unknown.
func (in *Input) HasPlaceholder(s string) bool {
	for _, p := range in.Placeholders {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// WithoutPlaceholders returns s with each placeholder replaced by "*", the
// pattern for "any value", so a rule can judge the literal rest of it.
func (in *Input) WithoutPlaceholders(s string) string {
	for _, p := range in.Placeholders {
		s = strings.ReplaceAll(s, p, "*")
	}
	return s
}

// Compiled returns the document compiled for the evaluator, compiling it on
// first use so rules that reason with the engine share one compilation.
func (in *Input) Compiled() (*eval.Policy, error) {
	in.compileOnce.Do(func() {
		name := in.Name
		if name == "" {
			name = in.File
		}
		in.compiled, in.compileErr = eval.Compile(name, in.Doc)
	})
	return in.compiled, in.compileErr
}

// Pass is what a rule sees while it runs over one Input.
type Pass struct {
	*Input
	rule     *Rule
	findings []Finding
}

// Rule returns the rule being run.
func (p *Pass) Rule() *Rule { return p.rule }

// Report records a finding of the running rule at pos in statement stmt (nil
// for a document-level finding). Severity zero-value handling: the rule's
// default severity is used unless sev is given through ReportSeverity.
func (p *Pass) Report(stmt *policy.Statement, pos policy.Pos, element, message, remediation string, exp Exposure) {
	p.ReportSeverity(p.rule.Severity, stmt, pos, element, message, remediation, exp)
}

// ReportSeverity is Report with an explicit severity, for rules whose
// severity depends on what they found (a misspelt action in a Deny is worse
// than in an Allow).
func (p *Pass) ReportSeverity(sev Severity, stmt *policy.Statement, pos policy.Pos, element, message, remediation string, exp Exposure) {
	if remediation == "" {
		remediation = p.rule.Remediation
	}
	loc := Location{File: p.File, Policy: p.Name, Line: pos.Line, Column: pos.Column, Offset: pos.Offset, Statement: -1, Element: element}
	if stmt != nil {
		loc.Statement = stmt.Index
		loc.Sid = stmt.Sid.Text
		if !pos.IsValid() {
			loc.Line, loc.Column, loc.Offset = stmt.Pos.Line, stmt.Pos.Column, stmt.Pos.Offset
		}
	}
	p.findings = append(p.findings, Finding{
		RuleID:      p.rule.ID,
		Category:    p.rule.Category,
		Severity:    sev,
		Title:       p.rule.Title,
		Message:     message,
		Remediation: remediation,
		Location:    loc,
		Exposure:    exp,
		Fingerprint: fingerprint(p.Input, p.rule.ID, stmt, element),
	})
}

// Registry is an explicit, immutable set of rules. There is no global
// registry: callers build one (rules.All() gives the built-in set) and pass it
// where it is needed.
type Registry struct {
	rules []*Rule
	byID  map[string]*Rule
}

// NewRegistry validates every rule's metadata and returns the registry, or
// an error naming every invalid or duplicate rule.
func NewRegistry(rules ...*Rule) (*Registry, error) {
	r := &Registry{byID: make(map[string]*Rule, len(rules))}
	var errs []error
	for _, rule := range rules {
		if err := rule.validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		if _, dup := r.byID[rule.ID]; dup {
			errs = append(errs, fmt.Errorf("rule %s registered twice", rule.ID))
			continue
		}
		r.byID[rule.ID] = rule
		r.rules = append(r.rules, rule)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("invalid rule set: %w", errors.Join(errs...))
	}
	sort.Slice(r.rules, func(i, j int) bool { return r.rules[i].ID < r.rules[j].ID })
	return r, nil
}

// Rules returns the rules sorted by ID.
func (r *Registry) Rules() []*Rule { return r.rules }

// Rule looks a rule up by ID.
func (r *Registry) Rule(id string) (*Rule, bool) {
	rule, ok := r.byID[id]
	return rule, ok
}

// Options tune a run: disabled rules and severity overrides by rule ID.
type Options struct {
	Disabled  map[string]bool
	Overrides map[string]Severity
}

// Run applies every enabled rule that fits the input's kind and returns the
// findings sorted by position, then severity (worst first), then rule ID.
func (r *Registry) Run(in *Input, opts Options) []Finding {
	var out []Finding
	// One Pass serves every rule in turn (its findings are copied out
	// after each), rather than one allocation per rule and input.
	p := &Pass{Input: in}
	for _, rule := range r.rules {
		if opts.Disabled[rule.ID] || !rule.Evaluates(in) {
			continue
		}
		p.rule, p.findings = rule, p.findings[:0]
		rule.Run(p)
		if sev, ok := opts.Overrides[rule.ID]; ok {
			for i := range p.findings {
				p.findings[i].Severity = sev
			}
		}
		out = append(out, p.findings...)
	}
	SortFindings(out)
	return out
}

// SortFindings orders findings by file, position, severity (worst first),
// rule ID and message, so output is deterministic.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j] // a Finding is too large to copy per comparison
		if a.Location.File != b.Location.File {
			return a.Location.File < b.Location.File
		}
		if a.Location.Policy != b.Location.Policy {
			return a.Location.Policy < b.Location.Policy
		}
		if a.Location.Offset != b.Location.Offset {
			return a.Location.Offset < b.Location.Offset
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Message < b.Message
	})
}
