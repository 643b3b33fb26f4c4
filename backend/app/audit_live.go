package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/cloudtrail/lakesql"
	"github.com/aegis-iam/aegis/backend/generate"
	"github.com/aegis-iam/aegis/backend/mcp/awsserver"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
)

// Where a live AWS audit's usage comes from.
const (
	// UsageLookup: CloudTrail event history (LookupEvents, management
	// events only), in each region.
	UsageLookup = "lookup"
	// UsageAthena: Aegis's queries on the Athena table over the trail's
	// logs (aegis audit athena-setup).
	UsageAthena = "athena"
	// UsageLake: Aegis's queries on a CloudTrail Lake event data store.
	UsageLake = "lake"
)

// AthenaSource is the Athena table usage is read from, as aegis audit
// athena-setup made it, and where the queries run: aegis audit's
// --athena-* flags.
type AthenaSource struct {
	Database  string `json:"database"`
	Table     string `json:"table"`
	Bucket    string `json:"bucket"`
	Prefix    string `json:"prefix"`
	Org       string `json:"org"`
	Since     string `json:"since"`
	Workgroup string `json:"workgroup"`
	Output    string `json:"output"`
	// RoleARN, when set, is a role the queries run as, assumed with the
	// profile's credentials (the log-archive account's, usually).
	RoleARN string `json:"roleArn"`
}

// checkLive validates a live AWS audit's regions and usage source into v.
func checkLive(req AuditRequest, v *ValidationError) {
	if req.AllRegions && len(req.Regions) > 0 {
		v.add("regions", "pick regions or all enabled regions, not both")
	}
	for i, r := range req.Regions {
		if !regionRE.MatchString(r) {
			v.add(fmt.Sprintf("regions[%d]", i), "%q is not a Region code (e.g. us-east-1)", r)
		}
	}
	switch req.Usage {
	case UsageLookup:
	case UsageAthena:
		a := req.Athena
		for _, f := range []struct{ field, value, what string }{
			{"athena.database", a.Database, "the Glue database of the CloudTrail table"},
			{"athena.table", a.Table, "the CloudTrail table"},
			{"athena.bucket", a.Bucket, "the table's log bucket"},
			{"athena.since", a.Since, "the table's first projected day"},
		} {
			if strings.TrimSpace(f.value) == "" {
				v.add(f.field, "usage from Athena needs %s", f.what)
			}
		}
		if a.Since != "" {
			if _, err := time.Parse(time.DateOnly, a.Since); err != nil {
				v.add("athena.since", "want YYYY-MM-DD")
			}
		}
		if a.Output != "" && !strings.HasPrefix(a.Output, "s3://") {
			v.add("athena.output", "want s3://bucket/prefix/ (or nothing for the workgroup's)")
		}
		if a.RoleARN != "" && !awsapi.IsRoleARN(a.RoleARN) {
			v.add("athena.roleArn", "%q: want arn:aws:iam::ACCOUNT:role/NAME", a.RoleARN)
		}
	case UsageLake:
		if _, err := lakesql.ParseStore(req.LakeEventDataStore); err != nil {
			v.add("lakeEventDataStore", "%v", err)
		}
	default:
		v.add("usage", "%q is not a usage source (lookup, athena or lake)", req.Usage)
	}
	if req.Usage != UsageLookup && req.CloudTrailDir != "" {
		v.add("usage", "the CloudTrail log directory gives the usage: drop it to read usage from %s", req.Usage)
	}
}

// collect reads a live account through an MCP server: the built-in AWS
// server with a local profile, or an external server from Settings. A
// source that cannot be reached, or cannot read the account's
// authorization details, is a *SourceError; calls that fail after that
// are gaps in the run. The built-in server also reads the window's usage
// in req's regions from req's usage source, as aegis audit --profile does.
func (s *AuditService) collect(ctx context.Context, req AuditRequest, acct *account, p *progress) error {
	name := "the built-in AWS server (profile " + req.Profile + ")"
	if req.Source == SourceMCP {
		name = "the MCP server " + req.MCPServer
	}
	unreachable := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &SourceError{Source: req.Source, Name: name, Err: err}
	}
	p.report(PhaseDiscover, "connecting", 0, 1)
	opts := collect.Options{CollectedAt: s.now(), Progress: func(pr collect.Progress) {
		phase := PhaseDiscover
		if pr.Stage == collect.StageUsage {
			phase = PhaseUsage
		}
		p.report(phase, pr.Phase, pr.Done, pr.Total)
	}}
	home := ""
	var res *collect.Result
	var failed error // the collection's, outside the branches' own err
	// Each connector returns mcp-go's client, which this package does not
	// name (DESIGN.md: only backend/mcp imports mcp-go).
	switch req.Source {
	case SourceAWS:
		if s.profiles == nil {
			return errors.New("live audits are not available in this build")
		}
		first := ""
		if len(req.Regions) > 0 {
			first = req.Regions[0]
		}
		sess, err := s.profiles.Session(ctx, req.Profile, first)
		if err != nil {
			return unreachable(err)
		}
		home = sess.Region()
		readers, err := awsserver.FromProfile(ctx, s.profiles, req.Profile, home)
		if err != nil {
			return unreachable(err)
		}
		liveOptions(req, acct.window, sess, &readers, &opts)
		srv, err := awsserver.New(readers, s.version)
		if err != nil {
			return err
		}
		c, err := collect.InProcess(ctx, srv)
		if err != nil {
			return unreachable(err)
		}
		defer c.Close()
		res, failed = collect.Collect(ctx, c, opts)
	default:
		m, err := s.mcpServer(req.MCPServer)
		if err != nil {
			return err
		}
		c, err := collect.Connect(ctx, m.endpoint())
		if err != nil {
			return unreachable(err)
		}
		defer c.Close()
		res, failed = collect.Collect(ctx, c, opts)
	}
	if failed != nil {
		if errors.Is(failed, collect.ErrNoAuthorizationDetails) && res != nil {
			for _, g := range res.Gaps {
				failed = fmt.Errorf("%w; %s", failed, g)
			}
		}
		return unreachable(failed)
	}
	acct.snapshot, acct.gaps, acct.source = res.Snapshot, res.Gaps, name
	if req.Source != SourceAWS || req.CloudTrailDir != "" {
		return nil
	}
	db, err := s.iam()
	if err != nil {
		return err
	}
	u, notes, err := collect.Usage(ctx, db, acct.window, res, home, func(done, total int) { p.report(PhaseUsage, "events-read", done, total) })
	if err != nil {
		return err
	}
	acct.usage, acct.notes = u, notes
	switch req.Usage {
	case UsageAthena:
		acct.source += ", usage from Athena " + req.Athena.Database + "." + req.Athena.Table
	case UsageLake:
		acct.source += ", usage from CloudTrail Lake " + req.LakeEventDataStore
	default:
		acct.source += ", usage from CloudTrail event history"
	}
	return nil
}

// liveOptions sets what the built-in server reads besides the account's
// configuration: the regions, and unless a CloudTrail directory gives the
// usage, the window's usage from req's source, Athena's queries run as
// req's role when it names one.
func liveOptions(req AuditRequest, w unused.Window, sess awsapi.Session, readers *awsserver.Readers, opts *collect.Options) {
	opts.Regions, opts.AllRegions = req.Regions, req.AllRegions
	if req.CloudTrailDir != "" {
		return
	}
	opts.EventsStart, opts.EventsEnd = w.Start, w.End
	switch req.Usage {
	case UsageAthena:
		a := req.Athena
		opts.Athena = &awsserver.AthenaArgs{Database: a.Database, Table: a.Table, Bucket: a.Bucket, Prefix: a.Prefix, Org: a.Org, Since: a.Since,
			Workgroup: cmp.Or(a.Workgroup, "primary"), Output: a.Output}
		if a.RoleARN != "" {
			readers.Athena = sess.AssumeRole(a.RoleARN, "aegis-athena").Athena
		}
	case UsageLake:
		opts.Lake = &awsserver.LakeArgs{EventDataStore: req.LakeEventDataStore}
	}
}

// Regions are the AWS Regions Aegis knows, sorted: what a live audit's
// regions are picked from.
func (s *AuditService) Regions() []string { return generate.Regions() }

// LakeStore is a CloudTrail Lake event data store a profile sees, to pick
// an audit's LakeEventDataStore from.
type LakeStore struct {
	ARN           string `json:"arn"`
	Name          string `json:"name"`
	Status        string `json:"status"`
	MultiRegion   bool   `json:"multiRegion"`
	Organization  bool   `json:"organization"`
	RetentionDays int    `json:"retentionDays"`
}

// LakeStores lists the event data stores of profile's account in region
// (empty: the profile's), as aegis audit lake-stores does.
func (s *AuditService) LakeStores(profile, region string) ([]LakeStore, error) {
	if s.profiles == nil {
		return nil, errors.New("live audits are not available in this build")
	}
	if profile == "" {
		return nil, errors.New("pick an AWS profile first")
	}
	sess, err := s.profiles.Session(s.ctx, profile, region)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", profile, err)
	}
	stores, err := sess.Lake().Stores(s.ctx)
	if err != nil {
		return nil, fmt.Errorf("CloudTrail Lake event data stores in %s: %s", sess.Region(), awsapi.Describe(err))
	}
	out := make([]LakeStore, 0, len(stores))
	for _, st := range stores {
		out = append(out, LakeStore{ARN: st.ARN, Name: st.Name, Status: st.Status, MultiRegion: st.MultiRegion, Organization: st.Organization, RetentionDays: st.RetentionDays})
	}
	return out, nil
}

// mcpServer returns the enabled MCP server of Settings named name.
func (s *AuditService) mcpServer(name string) (MCPServer, error) {
	v, _, err := s.settings.Get()
	if err != nil {
		return MCPServer{}, fmt.Errorf("reading settings: %w", err)
	}
	for _, m := range v.MCPServers {
		if m.Name == name && m.Enabled {
			return m, nil
		}
	}
	return MCPServer{}, fmt.Errorf("no enabled MCP server named %q in Settings", name)
}
