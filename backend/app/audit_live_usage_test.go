package app

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/collect"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
	"github.com/google/go-cmp/cmp"
)

// liveRegions are the two regions the CloudTrail fake holds events of.
var liveRegions = []string{"eu-west-1", collecttest.OtherRegion}

// usageWindow is the desktop's window holding the fake's events: the day
// of collecttest.EventsEnd.
const usageEnd, usageDays = "2026-11-21", 1

// offlineRequest writes a's exports and its two regions' management
// events as delivered log files (collecttest.WriteLogs), and returns the
// files audit of them.
func offlineRequest(t *testing.T, a *collecttest.Account) AuditRequest {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f := a.Files
	req := AuditRequest{Source: SourceFiles, WindowDays: usageDays, End: usageEnd,
		Authz: write(f.Authz.Name, f.Authz.Data), CredentialReport: write(f.CredentialReport.Name, f.CredentialReport.Data),
		PasswordPolicy: write(f.PasswordPolicy.Name, f.PasswordPolicy.Data), Organization: write(f.Organization.Name, f.Organization.Data),
		AccessAdvisor: write(f.AccessAdvisor.Name, f.AccessAdvisor.Data), EventSelectors: write(f.EventSelectors.Name, f.EventSelectors.Data),
		ResourcePolicies: write(f.ResourcePolicies.Name, f.ResourcePolicies.Data), CloudTrailDir: filepath.Join(dir, "logs")}
	collecttest.WriteLogs(t, req.CloudTrailDir, usageDays)
	return req
}

// offlineUsage is the usage backend/cloudtrail reads from req's logs,
// which the fake Athena and Lake answer with.
func offlineUsage(t *testing.T, req AuditRequest) *audit.Usage {
	t.Helper()
	end, _ := time.Parse(time.DateOnly, req.End)
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	u, err := cloudtrail.ReadDir(t.Context(), req.CloudTrailDir, cloudtrail.Options{DB: db, Start: end.AddDate(0, 0, -req.WindowDays), End: end})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// comparable is a run's audit as JSON, without what differs between two
// runs of the same account: the drift from the earlier one, and when the
// snapshot was taken (a files audit stamps its window's end).
func comparable(t *testing.T, run AuditRun) map[string]any {
	t.Helper()
	a := *run.Audit
	a.Drift = nil
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	delete(v, "collectedAt")
	return v
}

// TestAuditLiveUsage: a desktop live audit with usage from event history,
// CloudTrail Lake or Athena (the fakes answering with the rows of the
// account's logs) gives the audit the files audit of the same exports and
// logs gives — the equality aegis audit's live tests prove for the CLI,
// through the same collector and usage functions — and the queries count
// the audited account in the regions asked for.
func TestAuditLiveUsage(t *testing.T) {
	for _, source := range []string{UsageLookup, UsageLake, UsageAthena} {
		t.Run(source, func(t *testing.T) {
			s, a := liveService(t, &recorder{})
			offline := offlineRequest(t, a)
			want, err := s.Run(offline)
			if err != nil {
				t.Fatal(err)
			}
			req := AuditRequest{Source: SourceAWS, Profile: collecttest.Profile, Regions: liveRegions, Usage: source, WindowDays: usageDays, End: usageEnd}
			var queries func() []string
			var athena *awsapitest.Athena
			switch source {
			case UsageLake:
				f := a.Lake(t, offlineUsage(t, offline))
				req.LakeEventDataStore, queries = collecttest.LakeStoreARN, f.Queries
			case UsageAthena:
				f, _ := a.Athena(t, offlineUsage(t, offline))
				req.Athena, queries, athena = AthenaSource{Database: "default", Table: "aegis_cloudtrail", Bucket: "trail-logs", Since: "2026-01-01"}, f.Queries, f
			}
			got, err := s.Run(req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(comparable(t, want), comparable(t, got)); diff != "" {
				t.Errorf("desktop audit with usage from %s differs from the files audit (-files +live):\n%s", source, diff)
			}
			if !strings.HasSuffix(got.Source, map[string]string{UsageLookup: "usage from CloudTrail event history", UsageLake: "usage from CloudTrail Lake " + collecttest.LakeStoreARN,
				UsageAthena: "usage from Athena default.aegis_cloudtrail"}[source]) {
				t.Errorf("source %q does not name the usage source", got.Source)
			}
			if queries == nil {
				return
			}
			q := queries()
			if len(q) != 2 || !strings.Contains(q[0], "'111122223333'") || !strings.Contains(q[0], "'eu-west-1'") || !strings.Contains(q[0], "'us-east-1'") {
				t.Errorf("queries %q: want the account's two regions", q)
			}
			if athena == nil {
				return
			}
			// With a role, the queries run with its credentials, assumed
			// with the profile's, as aegis audit --athena-role-arn runs them.
			a.STS.Take()
			const role = "arn:aws:iam::999988887777:role/AegisAthena"
			req.Athena.RoleARN = role
			byRole, err := s.Run(req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(comparable(t, want), comparable(t, byRole)); diff != "" {
				t.Errorf("desktop audit through the Athena role differs from the files audit (-files +live):\n%s", diff)
			}
			var assumed []string
			for _, c := range a.STS.Take() {
				if c.Action == "AssumeRole" {
					assumed = append(assumed, c.Params["RoleArn"]+" "+c.Params["RoleSessionName"])
				}
			}
			if !slices.Equal(assumed, []string{role + " aegis-athena"}) {
				t.Errorf("AssumeRole calls %q", assumed)
			}
			if signers := athena.Signers(); len(signers) != 4 || !strings.HasPrefix(signers[3], "ASIA") {
				t.Errorf("queries signed by %q, want the last two by the assumed role's key", signers)
			}
		})
	}
}

// TestAuditLiveQueryDenied: a Lake that refuses the queries is a gap in
// the run and a coverage failure for the window: nothing is called unused
// that the files audit of the account's logs does not call unused.
func TestAuditLiveQueryDenied(t *testing.T) {
	s, a := liveService(t, &recorder{})
	whole, err := s.Run(offlineRequest(t, a))
	if err != nil {
		t.Fatal(err)
	}
	f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: collecttest.LakeStoreID, Next: a.CloudTrail.URL})
	f.Deny("StartQuery")
	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", f.URL)
	run, err := s.Run(AuditRequest{Source: SourceAWS, Profile: collecttest.Profile, Regions: liveRegions, Usage: UsageLake,
		LakeEventDataStore: collecttest.LakeStoreARN, WindowDays: usageDays, End: usageEnd})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(run.Gaps, func(g collect.Gap) bool { return g.Tool == "lake_usage" && g.Reason == "access-denied" }) {
		t.Errorf("gaps %+v: want lake_usage's access-denied", run.Gaps)
	}
	if run.Audit.Coverage.Failures == 0 {
		t.Errorf("coverage %+v: want the window's failures", run.Audit.Coverage)
	}
	wantUnused := map[string][]string{}
	for _, p := range whole.Audit.Principals {
		wantUnused[p.ARN] = p.Permissions.Unused
	}
	unknown := 0
	for _, p := range run.Audit.Principals {
		unknown += len(p.Permissions.Unknown)
		for _, action := range p.Permissions.Unused {
			if !slices.Contains(wantUnused[p.ARN], action) {
				t.Errorf("%s: %s unused with a gap but not without", p.ARN, action)
			}
		}
	}
	if unknown == 0 {
		t.Error("no permission is unknown for the gap")
	}
}

// TestAuditLiveRejectsBadRequests: a live request's regions and usage
// source are checked before anything is read, each error on its field.
func TestAuditLiveRejectsBadRequests(t *testing.T) {
	s, _ := liveService(t, &recorder{})
	live := func(r AuditRequest) AuditRequest {
		r.Source, r.Profile, r.WindowDays = SourceAWS, collecttest.Profile, 30
		return r
	}
	for _, tc := range []struct {
		name  string
		req   AuditRequest
		field string
	}{
		{"bad region", live(AuditRequest{Regions: []string{"eu-west-1", "mars-1"}}), "regions[1]"},
		{"regions and all", live(AuditRequest{Regions: []string{"eu-west-1"}, AllRegions: true}), "regions"},
		{"unknown usage", live(AuditRequest{Usage: "s3"}), "usage"},
		{"athena without table", live(AuditRequest{Usage: UsageAthena, Athena: AthenaSource{Database: "d", Bucket: "b", Since: "2026-01-01"}}), "athena.table"},
		{"athena bad since", live(AuditRequest{Usage: UsageAthena, Athena: AthenaSource{Database: "d", Table: "t", Bucket: "b", Since: "Jan 1"}}), "athena.since"},
		{"athena bad output", live(AuditRequest{Usage: UsageAthena, Athena: AthenaSource{Database: "d", Table: "t", Bucket: "b", Since: "2026-01-01", Output: "bucket/x"}}), "athena.output"},
		{"athena bad role", live(AuditRequest{Usage: UsageAthena, Athena: AthenaSource{Database: "d", Table: "t", Bucket: "b", Since: "2026-01-01", RoleARN: "arn:aws:iam::111122223333:user/x"}}), "athena.roleArn"},
		{"lake without store", live(AuditRequest{Usage: UsageLake}), "lakeEventDataStore"},
		{"lake bad store", live(AuditRequest{Usage: UsageLake, LakeEventDataStore: "arn:aws:s3:::bucket"}), "lakeEventDataStore"},
		{"lake and logs", live(AuditRequest{Usage: UsageLake, LakeEventDataStore: collecttest.LakeStoreARN, CloudTrailDir: "/logs"}), "usage"},
		{"regions for files", AuditRequest{Authz: "a.json", Regions: []string{"eu-west-1"}, WindowDays: 30}, "source"},
		{"usage for the sample", AuditRequest{Source: SourceSample, Usage: UsageAthena, WindowDays: 30}, "source"},
	} {
		_, err := s.Run(tc.req)
		var v *ValidationError
		if !errors.As(err, &v) || !slices.ContainsFunc(v.Fields, func(f FieldError) bool { return f.Field == tc.field }) {
			t.Errorf("%s: %+v: err = %v, want a ValidationError on %s", tc.name, tc.req, err, tc.field)
		}
	}
	ok := live(AuditRequest{Usage: UsageAthena, Athena: AthenaSource{Database: "d", Table: "t", Bucket: "b", Since: "2026-01-01",
		Output: "s3://results/aegis/", RoleARN: "arn:aws:iam::444455556666:role/log-archive/aegis-athena"}})
	if _, err := s.check(ok); err != nil {
		t.Errorf("%+v: %v, want valid", ok, err)
	}
}

// TestAuditLiveLegacyRegion: a request saved before Regions, with its one
// Region, still audits that region alone.
func TestAuditLiveLegacyRegion(t *testing.T) {
	s, _ := liveService(t, &recorder{})
	var req AuditRequest
	saved := `{"source":"aws","profile":"static","region":"us-east-1","mcpServer":"","windowDays":1,"end":"2026-11-21"}`
	if err := json.Unmarshal([]byte(saved), &req); err != nil {
		t.Fatal(err)
	}
	run, err := s.Run(req)
	if err != nil {
		t.Fatal(err)
	}
	var regions []string
	for _, r := range run.Audit.Coverage.Regions {
		regions = append(regions, r.Region)
	}
	if !slices.Equal(regions, []string{"us-east-1"}) {
		t.Errorf("coverage regions %q, want the saved request's us-east-1 alone", regions)
	}
}

// TestAuditLakeStores: the page lists the stores aegis audit lake-stores
// lists, every page read; a refusal names the region and AWS's error.
func TestAuditLakeStores(t *testing.T) {
	s, a := liveService(t, &recorder{})
	f := awsapitest.NewLake(t, awsapitest.LakeStore{ID: collecttest.LakeStoreID, Others: []string{"EXAMPLE-old-1", "EXAMPLE-old-2"}, Next: a.CloudTrail.URL})
	t.Setenv("AWS_ENDPOINT_URL_CLOUDTRAIL", f.URL)
	stores, err := s.LakeStores(collecttest.Profile, "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 3 || stores[0].ARN != collecttest.LakeStoreARN || stores[0].Status != "ENABLED" || !stores[0].MultiRegion || !stores[0].Organization ||
		stores[0].RetentionDays != 2557 || stores[2].Status != "STOPPED_INGESTION" {
		t.Errorf("stores %+v", stores)
	}
	f.Deny("ListEventDataStores")
	if _, err := s.LakeStores(collecttest.Profile, "eu-west-1"); err == nil || !strings.Contains(err.Error(), "AccessDeniedException") || !strings.Contains(err.Error(), "eu-west-1") {
		t.Errorf("denied: %v", err)
	}
	if _, err := s.LakeStores("", ""); err == nil {
		t.Error("no profile: no error")
	}
}
