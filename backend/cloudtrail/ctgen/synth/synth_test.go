package synth

import (
	"bytes"
	"context"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/effective"
	"github.com/aegis-iam/aegis/backend/audit/importer"
	"github.com/aegis-iam/aegis/backend/audit/render"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/eval"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

var update = flag.Bool("update", false, "rewrite the golden report")

// audited is a generated account, its usage and its audit.
type audited struct {
	db *iamdb.DB
	s  *audit.Snapshot
	u  *audit.Usage
	w  unused.Window
	a  *result.Audit
}

// run generates t's account into a temporary directory and audits it as
// `aegis audit` does: importer, cloudtrail.ReadDir, result.Run.
func run(tb testing.TB, t *Truth) *audited {
	tb.Helper()
	f, err := Write(tb.TempDir(), t)
	if err != nil {
		tb.Fatal(err)
	}
	var files importer.Files
	for _, in := range []struct {
		path string
		dst  *importer.File
	}{{f.Authz, &files.Authz}, {f.CredentialReport, &files.CredentialReport}, {f.EventSelectors, &files.EventSelectors}, {f.Organization, &files.Organization}} {
		data, err := os.ReadFile(in.path)
		if err != nil {
			tb.Fatal(err)
		}
		*in.dst = importer.File{Name: filepath.Base(in.path), Data: data}
	}
	s, err := importer.Import(files, t.End)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := iamdb.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	u, err := cloudtrail.ReadDir(context.Background(), f.Logs, cloudtrail.Options{DB: db, Start: t.Start(), End: t.End})
	if err != nil {
		tb.Fatal(err)
	}
	if len(u.Failures) > 0 || len(u.Unmapped) > 0 {
		tb.Fatalf("log tree: failures %v, unmapped events %v", u.Failures, u.Unmapped)
	}
	w := unused.Window{Start: t.Start(), End: t.End}
	a, err := result.Run(db, s, u, w)
	if err != nil {
		tb.Fatal(err)
	}
	return &audited{db, s, u, w, a}
}

// reasons returns every unknown permission's reasons per principal ARN,
// as the analysis behind the audit gives them (the report only counts
// them).
func (x *audited) reasons() map[string]map[string][]audit.UnknownReason {
	out := map[string]map[string][]audit.UnknownReason{}
	for _, p := range unused.Analyze(x.s, effective.Compute(x.db, x.s), x.u, x.w) {
		m := map[string][]audit.UnknownReason{}
		for _, perm := range p.Permissions {
			if perm.Verdict.State == audit.StateUnknown {
				m[perm.Action] = perm.Verdict.Reasons
			}
		}
		out[p.ARN] = m
	}
	return out
}

// authorized counts a principal's calls that were not denied.
func authorized(p *Principal) int64 {
	var n int64
	for _, c := range p.Calls {
		if c.Error == "" {
			n += int64(c.Count)
		}
	}
	return n
}

// principals indexes an audit's principals by ARN.
func principals(a *result.Audit) map[string]*result.Principal {
	out := map[string]*result.Principal{}
	for i := range a.Principals {
		out[a.Principals[i].ARN] = &a.Principals[i]
	}
	return out
}

// sorted returns s sorted, never nil.
func sorted(s []string) []string {
	out := append([]string{}, s...)
	slices.Sort(out)
	return out
}

// equal reports a mismatch of one permission set.
func equal(t *testing.T, who, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("%s: %s = %v, want %v", who, what, got, want)
	}
}

func TestAuditMatchesTruth(t *testing.T) {
	truth := Account()
	x := run(t, truth)
	a := x.a
	got, reasons := principals(a), x.reasons()
	if len(got) != len(truth.Principals) {
		t.Errorf("%d principals audited, want %d", len(got), len(truth.Principals))
	}
	for i := range truth.Principals {
		want := &truth.Principals[i]
		p := got[want.ARN(truth.Account)]
		if p == nil {
			t.Errorf("%s: not audited", want.Name)
			continue
		}
		if p.Activity.State != want.Activity {
			t.Errorf("%s: activity %s, want %s", want.Name, p.Activity.State, want.Activity)
		}
		equal(t, want.Name, "used", p.Permissions.Used, want.Used)
		if n := authorized(want); p.Activity.State == audit.StateUsed && p.Activity.Count != n {
			t.Errorf("%s: %d calls counted, want %d (each event once)", want.Name, p.Activity.Count, n)
		}
		if (p.Admin != "") != want.Admin {
			t.Errorf("%s: admin %q, want admin=%v", want.Name, p.Admin, want.Admin)
		}
		checkRecommendation(t, truth, want, p)
		equal(t, want.Name, "unused", p.Permissions.Unused, want.Unused)
		equal(t, want.Name, "tooNew", p.Permissions.TooNew, want.TooNew)
		equal(t, want.Name, "dead", p.Permissions.Dead, want.Dead)
		equal(t, want.Name, "denied", p.Permissions.Denied, want.Denied)
		equal(t, want.Name, "unknown", p.Permissions.Unknown, slices.Collect(maps.Keys(want.Unknown)))
		// Reasons: each unknown permission's, and the report's counts.
		wantCounts := map[audit.UnknownReason]int{}
		for action, rs := range want.Unknown {
			if got := reasons[p.ARN][action]; !slices.Equal(got, rs) {
				t.Errorf("%s: %s unknown for %v, want %v", want.Name, action, got, rs)
			}
			for _, r := range rs {
				wantCounts[r]++
			}
		}
		if !maps.Equal(p.Permissions.UnknownReasons, wantCounts) {
			t.Errorf("%s: unknown reasons %v, want %v", want.Name, p.Permissions.UnknownReasons, wantCounts)
		}
	}
	checkPaths(t, truth, a)
	checkGolden(t, a)
}

// checkRecommendation compares the recommendation's kind, what it detaches
// and whom it is addressed to, and requires both proofs on every one.
func checkRecommendation(t *testing.T, truth *Truth, want *Principal, p *result.Principal) {
	t.Helper()
	r := p.Recommendation
	if r == nil {
		t.Errorf("%s: no recommendation, want %s", want.Name, want.Recommendation)
		return
	}
	if r.Kind != want.Recommendation {
		t.Errorf("%s: recommendation %s, want %s", want.Name, r.Kind, want.Recommendation)
	}
	var detach []string
	for _, name := range want.Detach {
		detach = append(detach, truth.managedARN(name))
	}
	equal(t, want.Name, "detach", r.Detach, detach)
	if r.AddressTo != want.AddressTo {
		t.Errorf("%s: recommendation addressed to %q, want %q", want.Name, r.AddressTo, want.AddressTo)
	}
	if r.Proof.NoNewAccess != eval.NoNewAccess.String() || !r.Proof.CoversUsage {
		t.Errorf("%s: %s without both proofs: %+v", want.Name, r.Kind, r.Proof)
	}
}

// checkPaths compares the escalation paths, hop by hop.
func checkPaths(t *testing.T, truth *Truth, a *result.Audit) {
	t.Helper()
	arn := map[string]string{}
	for i := range truth.Principals {
		arn[truth.Principals[i].Name] = truth.Principals[i].ARN(truth.Account)
	}
	type path struct{ from, to, via string }
	var got, want []path
	for _, p := range a.EscalationPaths {
		var via []string
		for _, h := range p.Hops {
			via = append(via, h.Via)
		}
		got = append(got, path{p.From, p.To, joined(via)})
	}
	for _, p := range truth.Paths {
		want = append(want, path{arn[p.From], arn[p.To], joined(p.Via)})
	}
	if !slices.Equal(got, want) {
		t.Errorf("escalation paths %+v, want %+v", got, want)
	}
}

func joined(s []string) string {
	var b bytes.Buffer
	for i, v := range s {
		if i > 0 {
			b.WriteString(" → ")
		}
		b.WriteString(v)
	}
	return b.String()
}

// checkGolden compares the JSON report with testdata/audit.golden.json.
func checkGolden(t *testing.T, a *result.Audit) {
	t.Helper()
	var b bytes.Buffer
	if err := render.JSON(&b, a); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "audit.golden.json")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("the report differs from %s (go test -update rewrites it)", golden)
	}
}

// TestGap: one day without logs makes every permission that only the logs
// could show unused unknown instead, for every principal.
func TestGap(t *testing.T) {
	truth := Account()
	truth.Missing = []int{10}
	x := run(t, truth)
	got, reasons := principals(x.a), x.reasons()
	for i := range truth.Principals {
		want := &truth.Principals[i]
		p := got[want.ARN(truth.Account)]
		if p == nil {
			continue
		}
		for _, action := range want.GapUnknown {
			if !slices.Contains(reasons[p.ARN][action], audit.ReasonGap) {
				t.Errorf("%s: %s is not unknown for the gap: %v", want.Name, action, reasons[p.ARN][action])
			}
		}
		if len(p.Permissions.Unused) > 0 {
			t.Errorf("%s: unused %v despite the gap", want.Name, p.Permissions.Unused)
		}
		if n := p.Permissions.UnknownReasons[audit.ReasonGap]; n < len(want.GapUnknown) {
			t.Errorf("%s: %d permissions unknown for the gap, want at least %d", want.Name, n, len(want.GapUnknown))
		}
	}
}

// managedARN returns the ARN of the managed policy named name.
func (t *Truth) managedARN(name string) string {
	m, err := t.managed(name)
	if err != nil {
		return name
	}
	return m.ARN(t.Account)
}

// TestDeterministic: the same truth writes the same bytes.
func TestDeterministic(t *testing.T) {
	tree := func() map[string][]byte {
		dir := t.TempDir()
		if _, err := Write(dir, Account()); err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			out[rel], err = os.ReadFile(path)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := tree(), tree()
	if len(a) < 30 || !maps.EqualFunc(a, b, bytes.Equal) {
		t.Errorf("two writes differ (%d and %d files)", len(a), len(b))
	}
}
