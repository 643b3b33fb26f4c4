// Package collect is the live audit's collector: an MCP client that calls
// the read-only AWS tools of Aegis's built-in server (backend/mcp/awsserver)
// — in process by default, or any server with the same tools over stdio or
// HTTP — and feeds their answers through the offline importer's functions
// into an audit snapshot, so a live audit produces the bundle the offline
// import of the same exports produces.
//
// Every call that fails (AccessDenied on one API, throttling beyond the
// SDK's retries, a tool the server lacks) is a Gap in the result: what it
// would have returned stays unknown, never "none" or "unused".
package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/importer"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// The phases of a collection, in order.
const (
	PhaseDiscover      = "discover"       // initialize, tools/list, caller identity, regions
	PhaseAuthorization = "authorization"  // GAAD
	PhaseAccount       = "account"        // credential report, password policy, organization
	PhaseAccessAdvisor = "access-advisor" // one job per user, group and role
	PhaseTrails        = "trails"         // trails and their event selectors
	PhaseResources     = "resources"      // resource-based policies, per service and region
	PhaseEvents        = "events"         // LookupEvents, when asked
)

// The stages of a live audit a person follows, each made of phases:
// discover (the account's configuration), usage (what its principals did)
// and analyse (the audit itself, after the collection).
const (
	StageDiscover = "discover"
	StageUsage    = "usage"
	StageAnalyse  = "analyse"
)

// Progress is one step of a phase: Done of Total calls made, how long the
// phase has run and how long it should still take at that pace. The CLI
// prints it on stderr; the desktop shows it.
type Progress struct {
	Phase   string        `json:"phase"`
	Stage   string        `json:"stage"` // StageDiscover or StageUsage
	Done    int           `json:"done"`
	Total   int           `json:"total"`
	Elapsed time.Duration `json:"elapsed"`
	// ETA is the time the phase's remaining calls should take at the pace
	// of those done; zero when done or not yet known.
	ETA time.Duration `json:"eta"`
}

// StageOf is the stage a phase belongs to.
func StageOf(phase string) string {
	if phase == PhaseEvents || phase == PhaseAthena || phase == PhaseLake {
		return StageUsage
	}
	return StageDiscover
}

// estimate fills p's Elapsed and ETA from when its phase started.
func estimate(p Progress, started, now time.Time) Progress {
	p.Stage = StageOf(p.Phase)
	p.Elapsed = now.Sub(started)
	if p.Done > 0 && p.Done < p.Total {
		p.ETA = time.Duration(float64(p.Elapsed) / float64(p.Done) * float64(p.Total-p.Done))
	}
	return p
}

// Options tune a collection. The zero value collects everything but
// events, stamped with the current time.
type Options struct {
	// CollectedAt stamps the snapshot; zero means now.
	CollectedAt time.Time
	// EventsStart and EventsEnd, when set, ask lookup_events for the
	// management events of [EventsStart, EventsEnd) — the fallback when no
	// trail logs can be read.
	EventsStart, EventsEnd time.Time
	// Regions are the regions whose events and resource policies are
	// read, in parallel; none means the account's enabled regions when
	// AllRegions is set (list_regions; the server's region when that
	// fails, a gap), else the server's region only.
	Regions    []string
	AllRegions bool
	// Athena, when set, asks athena_usage for the events window instead
	// of lookup_events; its Start and End are the window's, and its
	// accounts and regions, when empty, the audited account and Regions.
	Athena *awsserver.AthenaArgs
	// Lake, when set (and Athena not), asks lake_usage for the events
	// window instead of lookup_events, the same way.
	Lake *awsserver.LakeArgs
	// Concurrency bounds the Access Advisor jobs, and the regions, read at
	// once; 0 means 4.
	Concurrency int
	// Progress, when set, is called after each call (from one goroutine at
	// a time).
	Progress func(Progress)
}

// Gap is a call that failed: what it would have returned is unknown.
type Gap struct {
	Tool    string `json:"tool"`
	Target  string `json:"target,omitempty"` // the ARN, account or trail asked about
	API     string `json:"api,omitempty"`    // the AWS API that failed, when the server says
	Reason  string `json:"reason"`           // awsserver's reasons, or ReasonUnsupported / ReasonInvalid
	Message string `json:"message"`
}

// String renders the gap for a person: tool, target, API, reason and
// AWS's message.
func (g Gap) String() string {
	s := g.Tool
	if g.Target != "" {
		s += " " + g.Target
	}
	if g.API != "" {
		s += " (" + g.API + ")"
	}
	return fmt.Sprintf("%s: %s: %s", s, g.Reason, g.Message)
}

// Reasons of a Gap besides awsserver's.
const (
	// ReasonUnsupported: the server has no such tool.
	ReasonUnsupported = "unsupported"
	// ReasonInvalid: the answer is not what the tool promises.
	ReasonInvalid = "invalid-answer"
)

// Events is what lookup_events returned for one region.
type Events struct {
	// Region is the region read; empty for the server's own.
	Region     string
	Start, End time.Time
	// Log is a CloudTrail log file ({"Records": [...]}) for
	// backend/cloudtrail; events in [Start, Until) are missing (Until is
	// End when the window is complete).
	Log    json.RawMessage
	Count  int
	Until  time.Time
	Server string // the server's name, for the coverage record
	// Failed says [Start, Until) is missing: the call was refused or
	// stopped part-way (the gap says why).
	Failed bool
}

// Result is a collection's outcome.
type Result struct {
	// Snapshot is what could be read; nil only when the authorization
	// details could not.
	Snapshot *audit.Snapshot
	// Gaps are the failed calls, in the order made.
	Gaps []Gap
	// Events are lookup_events' answers, one per region in the order of
	// Options.Regions; a region whose call failed outright has Count 0 and
	// Until at the window's end (all of it missing), and a gap.
	Events []*Events
	// Athena is athena_usage's answer, when Options.Athena asked for it.
	Athena *Athena
	// Lake is lake_usage's answer, when Options.Lake asked for it.
	Lake *Lake
	// Server is what the server offers the auditor (Inspect's report):
	// the needs its tools meet and why it cannot meet the others.
	Server *ServerReport
}

// ErrNoAuthorizationDetails says the required GAAD could not be read: the
// gaps say why.
var ErrNoAuthorizationDetails = errors.New("collect: the account's authorization details could not be read")

type collector struct {
	c     *client.Client
	opts  Options
	tools map[string]bool
	lacks map[string]string // a need's tool the server lacks (or has with other inputs) → why
	res   *Result
	mu    sync.Mutex

	pmu     sync.Mutex
	started map[string]time.Time // phase → its first step
}

// Collect runs a collection over c, a started client not yet initialized.
// It returns an error when the session fails or the context ends; failed
// tool calls are gaps in the result.
func Collect(ctx context.Context, c *client.Client, opts Options) (*Result, error) {
	if opts.CollectedAt.IsZero() {
		opts.CollectedAt = time.Now()
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	k := &collector{c: c, opts: opts, tools: map[string]bool{}, lacks: map[string]string{}, res: &Result{}, started: map[string]time.Time{}}
	k.phase(PhaseDiscover)
	server, err := k.connect(ctx)
	if err != nil {
		return nil, err
	}
	k.progress(PhaseDiscover, 1, 2)

	account := ""
	var id struct{ Account string }
	if k.call(ctx, awsserver.ToolCallerIdentity, "", nil, &id) {
		account = id.Account
	}
	if len(k.opts.Regions) == 0 && k.opts.AllRegions {
		var list struct{ Regions []struct{ RegionName string } }
		if k.call(ctx, awsserver.ToolListRegions, "", nil, &list) {
			for _, r := range list.Regions {
				k.opts.Regions = append(k.opts.Regions, r.RegionName)
			}
		}
	}
	k.progress(PhaseDiscover, 2, 2)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	s := &audit.Snapshot{CollectedAt: opts.CollectedAt.UTC()}
	k.phase(PhaseAuthorization)
	var gaad json.RawMessage
	if !k.call(ctx, awsserver.ToolAuthorizationDetails, "", nil, &gaad) || !k.load(awsserver.ToolAuthorizationDetails, "", gaad, s, importer.GAAD) {
		return k.res, errors.Join(ErrNoAuthorizationDetails, ctx.Err())
	}
	k.progress(PhaseAuthorization, 1, 1)
	// The audited account is the one the ARNs name; the caller's is the
	// same unless GAAD holds no principal.
	if s.Account != "" {
		account = s.Account
	}

	k.phase(PhaseAccount)
	k.importTool(ctx, 1, awsserver.ToolCredentialReport, s, importer.CredentialReport)
	k.importTool(ctx, 2, awsserver.ToolPasswordPolicy, s, importer.PasswordPolicy)
	k.organization(ctx, account, s)

	k.phase(PhaseAccessAdvisor)
	if err := k.accessAdvisor(ctx, s); err != nil {
		return nil, err
	}
	k.phase(PhaseTrails)
	k.trails(ctx, s)
	k.phase(PhaseResources)
	k.resources(ctx, s)
	switch {
	case opts.EventsStart.IsZero() || opts.EventsEnd.IsZero():
	case opts.Athena != nil:
		k.phase(PhaseAthena)
		k.athena(ctx, account)
	case opts.Lake != nil:
		k.phase(PhaseLake)
		k.lake(ctx, account)
	default:
		k.phase(PhaseEvents)
		k.events(ctx, server.Name)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	k.res.Snapshot = s
	return k.res, nil
}

// connect initializes the session and lists the server's tools.
func (k *collector) connect(ctx context.Context) (*ServerReport, error) {
	rep, err := Inspect(ctx, k.c)
	if err != nil {
		return nil, err
	}
	for _, t := range rep.Tools {
		k.tools[t] = true
	}
	for _, l := range rep.Lacks {
		k.lacks[builtinTools[l.Need].tool] = l.Reason
	}
	k.res.Server = rep
	return rep, nil
}

// phase notes that a phase starts now, for its ETA.
func (k *collector) phase(name string) {
	k.pmu.Lock()
	defer k.pmu.Unlock()
	if _, ok := k.started[name]; !ok {
		k.started[name] = time.Now()
	}
}

// progress reports a step.
func (k *collector) progress(phase string, done, total int) {
	if k.opts.Progress == nil {
		return
	}
	k.phase(phase)
	k.pmu.Lock()
	started := k.started[phase]
	k.pmu.Unlock()
	k.opts.Progress(estimate(Progress{Phase: phase, Done: done, Total: total}, started, time.Now()))
}

// gap records a failed call.
func (k *collector) gap(g Gap) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.res.Gaps = append(k.res.Gaps, g)
}

// call calls a tool and decodes its structured answer (or, from servers
// that give text only, its JSON text) into out. A failure is recorded as a
// gap and gives false.
func (k *collector) call(ctx context.Context, tool, target string, args map[string]any, out any) bool {
	if reason, lacks := k.lacks[tool]; lacks || !k.tools[tool] {
		if !lacks {
			reason = "the server has no " + tool + " tool"
		}
		k.gap(Gap{Tool: tool, Target: target, Reason: ReasonUnsupported, Message: reason})
		return false
	}
	var req mcp.CallToolRequest
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := k.c.CallTool(ctx, req)
	if err != nil {
		k.gap(Gap{Tool: tool, Target: target, Reason: awsserver.ReasonError, Message: err.Error()})
		return false
	}
	if res.IsError {
		g := Gap{Tool: tool, Target: target, Reason: awsserver.ReasonError, Message: text(res)}
		var f awsserver.Failure
		if res.StructuredContent != nil && redecode(res.StructuredContent, &f) == nil && f.Reason != "" {
			g.API, g.Reason, g.Message = f.API, f.Reason, f.Message
		}
		k.gap(g)
		return false
	}
	var err2 error
	if res.StructuredContent != nil {
		err2 = redecode(res.StructuredContent, out)
	} else {
		err2 = json.Unmarshal([]byte(text(res)), out)
	}
	if err2 != nil {
		k.gap(Gap{Tool: tool, Target: target, Reason: ReasonInvalid, Message: err2.Error()})
		return false
	}
	return true
}

// load feeds an answer to an importer function; its errors are gaps (the
// importer keeps what it could read).
func (k *collector) load(tool, target string, data []byte, s *audit.Snapshot, read func(string, []byte, *audit.Snapshot) error) bool {
	if err := read(tool, data, s); err != nil {
		k.gap(Gap{Tool: tool, Target: target, Reason: ReasonInvalid, Message: err.Error()})
		return false
	}
	return true
}

// importTool calls an account-phase tool without arguments and imports
// its answer as the offline file of the same content.
func (k *collector) importTool(ctx context.Context, step int, tool string, s *audit.Snapshot, read func(string, []byte, *audit.Snapshot) error) {
	var raw json.RawMessage
	if k.call(ctx, tool, "", nil, &raw) {
		k.load(tool, "", raw, s, read)
	}
	k.progress(PhaseAccount, step, 3)
}

// organization reads the account's organization; an account in none
// leaves s.Organization nil, which is a fact, not a gap.
func (k *collector) organization(ctx context.Context, account string, s *audit.Snapshot) {
	defer k.progress(PhaseAccount, 3, 3)
	if account == "" {
		k.gap(Gap{Tool: awsserver.ToolAccountOrganization, Reason: awsserver.ReasonError, Message: "the account ID is unknown"})
		return
	}
	var raw json.RawMessage
	if !k.call(ctx, awsserver.ToolAccountOrganization, account, map[string]any{"account": account}, &raw) {
		return
	}
	var probe struct{ Organization json.RawMessage }
	if json.Unmarshal(raw, &probe) == nil && (len(probe.Organization) == 0 || string(probe.Organization) == "null") {
		return
	}
	k.load(awsserver.ToolAccountOrganization, account, raw, s, importer.Organization)
}

// accessAdvisor runs an Access Advisor job for every user, group and role,
// a few at a time, and imports the answers as one Access Advisor export.
func (k *collector) accessAdvisor(ctx context.Context, s *audit.Snapshot) error {
	arns := s.PrincipalARNs()
	answers := map[string]json.RawMessage{}
	var mu sync.Mutex
	done := 0
	sem := make(chan struct{}, k.opts.Concurrency)
	var wg sync.WaitGroup
	for _, arn := range arns {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		}
		wg.Go(func() {
			defer func() { <-sem }()
			var raw json.RawMessage
			ok := k.call(ctx, awsserver.ToolServiceLastAccessed, arn, map[string]any{"arn": arn}, &raw)
			mu.Lock()
			defer mu.Unlock()
			if ok {
				answers[arn] = raw
			}
			done++
			k.progress(PhaseAccessAdvisor, done, len(arns))
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(answers) == 0 {
		return nil
	}
	b, err := json.Marshal(answers)
	if err != nil {
		return err
	}
	k.load(awsserver.ToolServiceLastAccessed, "", b, s, importer.AccessAdvisor)
	return nil
}

// trails reads the trails and each one's event selectors, imported as one
// get-event-selectors list.
func (k *collector) trails(ctx context.Context, s *audit.Snapshot) {
	var list struct {
		TrailList []struct {
			Name     string
			TrailARN string
		} `json:"trailList"`
	}
	if !k.call(ctx, awsserver.ToolDescribeTrails, "", nil, &list) {
		k.progress(PhaseTrails, 1, 1)
		return
	}
	total := 1 + len(list.TrailList)
	k.progress(PhaseTrails, 1, total)
	var answers []json.RawMessage
	for i, t := range list.TrailList {
		trail := t.TrailARN
		if trail == "" {
			trail = t.Name
		}
		var raw json.RawMessage
		if k.call(ctx, awsserver.ToolEventSelectors, trail, map[string]any{"trail": trail}, &raw) {
			answers = append(answers, raw)
		}
		k.progress(PhaseTrails, 2+i, total)
	}
	if len(answers) == 0 {
		return
	}
	b, err := json.Marshal(answers)
	if err != nil {
		k.gap(Gap{Tool: awsserver.ToolEventSelectors, Reason: ReasonInvalid, Message: err.Error()})
		return
	}
	k.load(awsserver.ToolEventSelectors, "", b, s, importer.EventSelectors)
}

// resources reads the resource-based policies of every service in every
// region (S3's buckets once), a few calls at a time, and imports them as
// one resource-policies export in service and region order.
func (k *collector) resources(ctx context.Context, s *audit.Snapshot) {
	regions := k.opts.Regions
	if len(regions) == 0 {
		regions = []string{""}
	}
	type call struct{ service, region string }
	var calls []call
	for _, svc := range awsapi.ResourceServices {
		for i, region := range regions {
			if svc == awsapi.ServiceS3 && i > 0 {
				break // buckets are listed whatever the region
			}
			calls = append(calls, call{svc, region})
		}
	}
	answers := make([][]json.RawMessage, len(calls))
	var mu sync.Mutex
	done := 0
	sem := make(chan struct{}, k.opts.Concurrency)
	var wg sync.WaitGroup
	for i, c := range calls {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			args := map[string]any{"service": c.service}
			target := c.service
			if c.region != "" {
				args["region"] = c.region
				target += " " + c.region
			}
			var list []json.RawMessage
			if k.call(ctx, awsserver.ToolResourcePolicies, target, args, &list) {
				answers[i] = list
			}
			mu.Lock()
			defer mu.Unlock()
			done++
			k.progress(PhaseResources, done, len(calls))
		})
	}
	wg.Wait()
	merged := []json.RawMessage{}
	for _, a := range answers {
		merged = append(merged, a...)
	}
	if len(merged) == 0 {
		return
	}
	b, err := json.Marshal(merged)
	if err != nil {
		k.gap(Gap{Tool: awsserver.ToolResourcePolicies, Reason: ReasonInvalid, Message: err.Error()})
		return
	}
	k.load(awsserver.ToolResourcePolicies, "", b, s, importer.ResourcePolicies)
}

// events asks lookup_events for the window in each region, a few regions
// at a time; a region refused or stopped part-way is a gap covering
// [Start, Until) there, so none of its days counts as read.
func (k *collector) events(ctx context.Context, serverName string) {
	regions := k.opts.Regions
	if len(regions) == 0 {
		regions = []string{""}
	}
	start, end := k.opts.EventsStart.UTC(), k.opts.EventsEnd.UTC()
	out := make([]*Events, len(regions))
	var mu sync.Mutex
	done := 0
	sem := make(chan struct{}, k.opts.Concurrency)
	var wg sync.WaitGroup
	for i, region := range regions {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i] = k.regionEvents(ctx, serverName, region, start, end)
			mu.Lock()
			defer mu.Unlock()
			done++
			k.progress(PhaseEvents, done, len(regions))
		})
	}
	wg.Wait()
	k.res.Events = out
}

// regionEvents reads one region's window.
func (k *collector) regionEvents(ctx context.Context, serverName, region string, start, end time.Time) *Events {
	ev := &Events{Region: region, Start: start, End: end, Until: end, Log: json.RawMessage(`{"Records":[]}`), Server: serverName}
	span := func(until time.Time) string {
		t := start.Format(time.RFC3339) + "/" + until.UTC().Format(time.RFC3339)
		if region != "" {
			t = region + " " + t
		}
		return t
	}
	args := map[string]any{"start": start.Format(time.RFC3339Nano), "end": end.Format(time.RFC3339Nano)}
	if region != "" {
		args["region"] = region
	}
	var out awsserver.LookupResult
	if !k.call(ctx, awsserver.ToolLookupEvents, span(end), args, &out) {
		ev.Failed = true
		return ev
	}
	if out.Gap != nil {
		k.gap(Gap{Tool: awsserver.ToolLookupEvents, Target: span(out.Until), API: out.Gap.API, Reason: out.Gap.Reason, Message: out.Gap.Message})
		ev.Failed = true
	}
	ev.Log, ev.Count, ev.Until = out.Log, out.Events, out.Until.UTC()
	return ev
}

// redecode turns a decoded JSON value back into JSON and into out.
func redecode(v, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// text joins a result's text blocks.
func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if t, ok := mcp.AsTextContent(c); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}
