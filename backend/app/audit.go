package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/bundle"
	"github.com/aegis-iam/aegis/backend/audit/importer"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/cloudtrail/sample"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/aegis-iam/aegis/backend/remediate"
	"github.com/aegis-iam/aegis/backend/store"
)

// EventAuditProgress carries AuditProgress while an audit runs.
const EventAuditProgress = "audit:progress"

// Audit phases, in order. Discover reads the account's configuration (the
// exports, the live collection or the generated sample), usage its
// CloudTrail logs, analyse judges and saves.
const (
	PhaseDiscover = "discover"
	PhaseUsage    = "usage"
	PhaseAnalyse  = "analyse"
	PhaseDone     = "done"
)

// The data sources of an audit.
const (
	// SourceFiles: exports the user picked (or a snapshot bundle).
	SourceFiles = "files"
	// SourceSample: the built-in sample account (backend/cloudtrail/sample).
	SourceSample = "sample"
	// SourceAWS: the built-in read-only AWS MCP server, in process, with a
	// local profile's credentials.
	SourceAWS = "aws"
	// SourceMCP: an external MCP server from Settings.
	SourceMCP = "mcp"
)

// ErrAuditCancelled is Run's error after Cancel: nothing was saved.
var ErrAuditCancelled = errors.New("audit cancelled")

// AuditProgress is the payload of EventAuditProgress: Done of Total units
// of the phase's current Step (CloudTrail log files, Access Advisor jobs;
// 0/1 for single steps). A phase with nothing to do reports Total 0.
type AuditProgress struct {
	Phase string `json:"phase"`
	Step  string `json:"step"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	// ETASeconds is the step's remaining time at its pace so far; -1 while
	// unknown.
	ETASeconds int `json:"etaSeconds"`
}

// AuditRequest is one audit: its data source and window. Files: either
// Authz (with the optional exports) or Bundle. AWS: Profile, the regions
// to read and where usage comes from (audit_live.go). MCP: the name of an
// enabled server in Settings. Any source but the sample may add a
// CloudTrail directory. The sample has its own window.
type AuditRequest struct {
	Source  string `json:"source"`
	Profile string `json:"profile"`
	// Regions are the regions whose usage and resource policies a live
	// AWS audit reads; none means the profile's region, unless
	// AllRegions asks for every region enabled for the account.
	Regions    []string `json:"regions"`
	AllRegions bool     `json:"allRegions"`
	// Region is the one region of requests made before Regions: read as
	// Regions when Regions is empty.
	Region string `json:"region,omitempty"`
	// Usage is where a live AWS audit's usage comes from: UsageLookup
	// (the default), UsageAthena or UsageLake.
	Usage  string       `json:"usage"`
	Athena AthenaSource `json:"athena"`
	// LakeEventDataStore is the CloudTrail Lake event data store's ID or
	// ARN, with Usage UsageLake.
	LakeEventDataStore string `json:"lakeEventDataStore"`
	MCPServer          string `json:"mcpServer"`
	Authz              string `json:"authz"`
	CredentialReport   string `json:"credentialReport"`
	Organization       string `json:"organization"`
	PasswordPolicy     string `json:"passwordPolicy"`
	ResourcePolicies   string `json:"resourcePolicies"`
	AccessAdvisor      string `json:"accessAdvisor"`
	EventSelectors     string `json:"eventSelectors"`
	CloudTrailDir      string `json:"cloudTrailDir"`
	Bundle             string `json:"bundle"`
	// WindowDays is the length of the window, which ends at End (or now).
	WindowDays int `json:"windowDays"`
	// End is the end of the window, YYYY-MM-DD; empty means now.
	End string `json:"end"`
}

// AuditRun is one audit, saved: the audit JSON contract (docs/audit.md)
// with its History ID and the audit it was compared with.
type AuditRun struct {
	ID string `json:"id"`
	// PreviousID is the earlier audit of the account the drift is
	// measured from; empty when there is none.
	PreviousID string        `json:"previousId"`
	Audit      *result.Audit `json:"audit"`
	// Source is the data source and what it was (a profile, a server).
	Source string `json:"source"`
	// Gaps are the live collection's failed calls: what they would have
	// returned is unknown.
	Gaps []collect.Gap `json:"gaps"`
	// Denials are the calls the audit's CloudTrail usage saw denied, each
	// with when it was last seen: RemediationService.Suggestions turns
	// those after a remediation's apply into rollback suggestions. Absent
	// when the audit had no usage (audits saved before this field too).
	Denials []remediate.Denial `json:"denials,omitempty"`
}

// AuditSummary is one saved audit in a list.
type AuditSummary struct {
	ID        string    `json:"id"`
	Account   string    `json:"account"`
	CreatedAt time.Time `json:"createdAt"`
	Summary   string    `json:"summary"`
}

// SourceError says a data source could not be reached. Its text is JSON
// the page reads to name the source and offer the sample account or files
// instead: {"message": ..., "unreachable": {"source": "aws", "name":
// "profile prod"}}.
type SourceError struct {
	Source string
	Name   string
	Err    error
}

func (e *SourceError) Error() string {
	data, err := json.Marshal(map[string]any{
		"message":     fmt.Sprintf("%s is unreachable: %v", e.Name, e.Err),
		"unreachable": map[string]string{"source": e.Source, "name": e.Name},
	})
	if err != nil {
		return e.Name + " is unreachable"
	}
	return string(data)
}

func (e *SourceError) Unwrap() error { return e.Err }

// AuditService runs audits from exports, the sample account or live
// sources, saves them in History and compares each with the account's
// previous audit. One audit runs at a time; Cancel stops it.
type AuditService struct {
	ctx      context.Context
	iam      func() (*iamdb.DB, error)
	history  store.History
	settings store.Settings[Settings]
	emit     Emitter
	now      func() time.Time

	// profiles and version serve live audits (WithLiveSources).
	profiles *awsapi.Profiles
	version  string

	mu     sync.Mutex
	cancel context.CancelFunc // the running audit's, nil when none runs

	queries auditQueries
}

// NewAuditService returns an AuditService with the IAM database iam loads,
// History in st and progress events sent to emit; ending ctx stops any
// audit.
func NewAuditService(ctx context.Context, st *store.Store, iam func() (*iamdb.DB, error), emit Emitter) *AuditService {
	return &AuditService{ctx: ctx, iam: iam, history: store.NewHistory(st), settings: store.NewSettings[Settings](st), emit: emit, now: time.Now}
}

// WithLiveSources lets s audit live accounts: through the built-in AWS MCP
// server with profiles' credentials (the ones Settings unlocked, MFA and
// SSO sessions included), and through the external MCP servers of
// Settings. version names the built-in server.
func WithLiveSources(s *AuditService, profiles *awsapi.Profiles, version string) *AuditService {
	s.profiles, s.version = profiles, version
	return s
}

// check validates req and returns the window.
func (s *AuditService) check(req AuditRequest) (unused.Window, error) {
	v := &ValidationError{Message: "invalid audit request"}
	files := req.Authz != "" || req.Bundle != "" || req.CredentialReport+req.Organization+req.PasswordPolicy+req.ResourcePolicies+req.AccessAdvisor+req.EventSelectors != ""
	switch req.Source {
	case SourceFiles, "":
		if (req.Authz == "") == (req.Bundle == "") {
			v.add("authz", "pick an authorization details export (GAAD) or a snapshot bundle")
		}
		if req.Bundle != "" && req.CredentialReport+req.Organization+req.PasswordPolicy+req.ResourcePolicies+req.AccessAdvisor+req.EventSelectors != "" {
			v.add("bundle", "a snapshot bundle already holds the exports")
		}
	case SourceSample:
		if files || req.CloudTrailDir != "" {
			v.add("source", "the sample account brings its own exports and logs")
		}
	case SourceAWS:
		if req.Profile == "" {
			v.add("profile", "pick an AWS profile")
		}
		checkLive(req, v)
	case SourceMCP:
		if req.MCPServer == "" {
			v.add("mcpServer", "pick an MCP server from Settings")
		}
	default:
		v.add("source", "%q is not a data source (files, sample, aws or mcp)", req.Source)
	}
	if req.Source != SourceAWS && (len(req.Regions) > 0 || req.AllRegions || (req.Usage != "" && req.Usage != UsageLookup)) {
		v.add("source", "regions and a usage source are for a live audit with an AWS profile")
	}
	if (req.Source == SourceAWS || req.Source == SourceMCP) && files {
		v.add("source", "a live audit reads the account itself: drop the exports")
	}
	if req.WindowDays <= 0 || req.WindowDays > 3650 {
		v.add("windowDays", "the window must be 1 to 3650 days")
	}
	end := s.now().UTC()
	if req.End != "" {
		t, err := time.Parse(time.DateOnly, req.End)
		if err != nil {
			v.add("end", "want YYYY-MM-DD")
		}
		end = t
	}
	return unused.Window{Start: end.AddDate(0, 0, -req.WindowDays), End: end}, v.err()
}

// begin starts the one audit that may run, with a context Cancel ends.
func (s *AuditService) begin() (context.Context, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return nil, nil, errors.New("an audit is already running: wait for it or cancel it")
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.cancel = cancel
	return ctx, func() {
		s.mu.Lock()
		s.cancel = nil
		s.mu.Unlock()
		cancel()
	}, nil
}

// Cancel stops the running audit, which then returns ErrAuditCancelled
// and saves nothing. It reports whether an audit was running.
func (s *AuditService) Cancel() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel == nil {
		return false
	}
	s.cancel()
	return true
}

// Run audits the account req names, saves the audit and compares it with
// the previous saved audit of the same account. Progress goes to the
// emitter as EventAuditProgress.
func (s *AuditService) Run(req AuditRequest) (AuditRun, error) {
	if req.Source == "" {
		req.Source = SourceFiles
	}
	if req.Source == SourceAWS && len(req.Regions) == 0 && req.Region != "" {
		req.Regions = []string{req.Region}
	}
	if req.Usage == "" {
		req.Usage = UsageLookup
	}
	w, err := s.check(req)
	if err != nil {
		return AuditRun{}, err
	}
	ctx, end, err := s.begin()
	if err != nil {
		return AuditRun{}, err
	}
	defer end()
	run, err := s.run(ctx, req, w, newProgress(s.emit, s.now))
	if err != nil && ctx.Err() != nil && s.ctx.Err() == nil {
		return AuditRun{}, ErrAuditCancelled
	}
	return run, err
}

// account is what a data source read.
type account struct {
	snapshot *audit.Snapshot
	usage    *audit.Usage
	window   unused.Window
	sample   bool
	source   string
	gaps     []collect.Gap
	// notes are the live usage's remarks, for the audit's problems.
	notes []string
}

func (s *AuditService) run(ctx context.Context, req AuditRequest, w unused.Window, p *progress) (AuditRun, error) {
	db, err := s.iam()
	if err != nil {
		return AuditRun{}, err
	}
	acct := &account{window: w}
	switch req.Source {
	case SourceSample:
		err = s.readSample(ctx, db, acct, p)
	case SourceFiles:
		p.report(PhaseDiscover, "exports", 0, 1)
		var b *bundle.Bundle
		if b, err = readInputs(req, w.End); err == nil {
			acct.snapshot, acct.usage, acct.source = &b.Snapshot, b.Usage, "files"
			p.report(PhaseDiscover, "exports", 1, 1)
		}
	default:
		err = s.collect(ctx, req, acct, p)
	}
	if err != nil {
		return AuditRun{}, err
	}
	if req.CloudTrailDir != "" {
		u, err := cloudtrail.ReadDir(ctx, req.CloudTrailDir, cloudtrail.Options{
			DB: db, Start: w.Start, End: w.End,
			Progress: func(done, total int) { p.report(PhaseUsage, "CloudTrail log files", done, total) },
		})
		if err != nil {
			return AuditRun{}, fmt.Errorf("CloudTrail logs: %w", err)
		}
		acct.usage = u
	} else if acct.usage != nil && req.Source == SourceFiles {
		p.report(PhaseUsage, "the bundle's usage", 1, 1)
	} else if acct.usage == nil && !acct.sample {
		p.report(PhaseUsage, "no CloudTrail logs given", 0, 0)
	}
	if err := bundle.Check(bundle.New(*acct.snapshot, acct.usage)); err != nil {
		return AuditRun{}, err
	}
	p.report(PhaseAnalyse, "principals", 0, 1)
	a, err := result.Run(db, acct.snapshot, acct.usage, acct.window)
	if err != nil {
		return AuditRun{}, err
	}
	a.Sample = acct.sample
	for _, n := range acct.notes {
		a.Problems = append(a.Problems, "live collection: "+n)
	}
	if err := ctx.Err(); err != nil {
		return AuditRun{}, err
	}
	run := AuditRun{Audit: a, Source: acct.source, Gaps: acct.gaps}
	if acct.usage != nil {
		run.Denials = remediate.DeniedInUsage(acct.usage)
	}
	if run.Gaps == nil {
		run.Gaps = []collect.Gap{}
	}
	if err := s.save(&run, acct.snapshot); err != nil {
		return AuditRun{}, err
	}
	p.report(PhaseAnalyse, "principals", 1, 1)
	p.report(PhaseDone, "", 1, 1)
	return run, nil
}

// readSample generates the sample account.
func (s *AuditService) readSample(ctx context.Context, db *iamdb.DB, acct *account, p *progress) error {
	d, err := sample.Generate(ctx, db, func(step string, done, total int) {
		switch step {
		case sample.StepLogs:
			p.report(PhaseUsage, "CloudTrail log files", done, total)
		default:
			p.report(PhaseDiscover, "sample "+step, done, total)
		}
	})
	if err != nil {
		return err
	}
	acct.snapshot, acct.usage, acct.window, acct.sample, acct.source = d.Snapshot, d.Usage, d.Window, true, "sample account"
	return nil
}

// auditTitle is a saved audit's History title: the account, marked when it is
// the sample. Drift compares audits with the same title.
func auditTitle(a *result.Audit) string {
	if a.Sample {
		return "Sample account " + a.Account
	}
	return a.Account
}

// save compares run with the previous audit of its account and saves it
// with the snapshot it was computed from, which queries need. The store
// keeps the snapshot apart: Open, drift and the history read the run
// without it.
func (s *AuditService) save(run *AuditRun, snap *audit.Snapshot) error {
	a := run.Audit
	prev, err := s.previous(auditTitle(a))
	if err != nil {
		return err
	}
	if prev != nil {
		run.PreviousID = prev.ID
		a.Drift = result.Compare(prev.Audit, a)
	}
	data, err := json.Marshal(run)
	if err != nil {
		return err
	}
	snapData, err := json.Marshal(snap)
	if err != nil {
		return err
	}
	rec, err := s.history.AppendAudit(store.Record{Kind: store.KindAudit, Title: auditTitle(a), Summary: summarize(a), Payload: data}, snapData)
	if err != nil {
		return fmt.Errorf("saving the audit: %w", err)
	}
	run.ID = rec.ID
	return nil
}

// readInputs reads a bundle or imports the exports req names.
func readInputs(req AuditRequest, collectedAt time.Time) (*bundle.Bundle, error) {
	if req.Bundle != "" {
		f, err := os.Open(req.Bundle)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return bundle.Read(req.Bundle, f)
	}
	snap, err := importer.ReadFiles(importer.Paths{Authz: req.Authz, CredentialReport: req.CredentialReport, PasswordPolicy: req.PasswordPolicy,
		Organization: req.Organization, ResourcePolicies: req.ResourcePolicies, AccessAdvisor: req.AccessAdvisor, EventSelectors: req.EventSelectors}, collectedAt)
	if err != nil {
		return nil, err
	}
	return bundle.New(*snap, nil), nil
}

func summarize(a *result.Audit) string {
	sampleNote := ""
	if a.Sample {
		sampleNote = "sample data, "
	}
	return fmt.Sprintf("%srisk %d, %d %s, %d %s", sampleNote, a.RiskScore, len(a.Principals), plural(len(a.Principals), "principal", "principals"),
		len(a.EscalationPaths), plural(len(a.EscalationPaths), "escalation path", "escalation paths"))
}

// previous returns the newest saved audit titled title, or nil.
func (s *AuditService) previous(title string) (*AuditRun, error) {
	recs, err := s.history.List(store.KindAudit, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.Title != title {
			continue
		}
		run, err := decodeRun(r)
		if err != nil {
			return nil, err
		}
		return &run, nil
	}
	return nil, nil
}

// List returns the saved audits, newest first.
func (s *AuditService) List() ([]AuditSummary, error) {
	recs, err := s.history.List(store.KindAudit, 0)
	if err != nil {
		return nil, err
	}
	out := make([]AuditSummary, 0, len(recs))
	for _, r := range recs {
		out = append(out, summaryOf(r))
	}
	return out, nil
}

// Open reopens a saved audit.
func (s *AuditService) Open(id string) (AuditRun, error) {
	r, err := s.history.Get(id)
	if err != nil {
		return AuditRun{}, err
	}
	return decodeRun(r)
}

// decodeRun reads a saved audit's record.
func decodeRun(r store.Record) (AuditRun, error) {
	if r.Kind != store.KindAudit {
		return AuditRun{}, fmt.Errorf("history record %s is a %s, not an audit", r.ID, r.Kind)
	}
	var run AuditRun
	if err := json.Unmarshal(r.Payload, &run); err != nil || run.Audit == nil {
		return AuditRun{}, errors.Join(fmt.Errorf("history record %s: not a saved audit", r.ID), err)
	}
	run.ID = r.ID
	return run, nil
}
