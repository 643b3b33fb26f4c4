package sample

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/render"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

func embedded(t testing.TB) *iamdb.DB {
	t.Helper()
	db, err := iamdb.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestSample audits the sample account twice: every event maps to an
// action, no file fails, the two audits are byte for byte the same, and
// the account shows what the sample is for.
func TestSample(t *testing.T) {
	db := embedded(t)
	steps := map[string]int{}
	d, err := Generate(context.Background(), db, func(step string, done, total int) {
		if done > total {
			t.Errorf("%s: %d of %d", step, done, total)
		}
		steps[step]++
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Usage.Failures) > 0 || len(d.Usage.Unmapped) > 0 {
		t.Fatalf("log tree: failures %v, unmapped events %v", d.Usage.Failures, d.Usage.Unmapped)
	}
	for _, s := range []string{StepWrite, StepImport, StepLogs} {
		if steps[s] == 0 {
			t.Errorf("no progress for step %s: %v", s, steps)
		}
	}
	a, err := d.Audit(db)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Sample {
		t.Error("the sample audit is not marked Sample")
	}
	again, err := Audit(context.Background(), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	var first, second bytes.Buffer
	if err := render.JSON(&first, a); err != nil {
		t.Fatal(err)
	}
	if err := render.JSON(&second, again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Error("two audits of the sample differ: the sample is not deterministic")
	}

	byName := map[string]int{}
	for i, p := range a.Principals {
		byName[p.Name] = i
		if len(p.Current) == 0 && p.Name != "break-glass" {
			t.Errorf("%s: no current policies", p.Name)
		}
	}
	if n, want := len(a.Principals), len(Account().Principals); n != want {
		t.Errorf("%d principals, want %d", n, want)
	}
	from := map[string]bool{}
	for _, e := range a.EscalationPaths {
		from[e.From[strings.LastIndex(e.From, "/")+1:]] = true
	}
	for _, name := range []string{"deployer", "ci-runner"} {
		if !from[name] {
			t.Errorf("no escalation path from %s: %+v", name, a.EscalationPaths)
		}
	}
	vendor := false
	for _, x := range a.ExternalAccess {
		vendor = vendor || strings.Contains(x.Principal, VendorAccount)
	}
	if !vendor {
		t.Errorf("external access %+v: want the vendor's role", a.ExternalAccess)
	}
	bg := a.Principals[byName["break-glass"]]
	if bg.Activity.State != audit.StateUnused || bg.RiskScore < 50 || bg.Admin == "" {
		t.Errorf("break-glass: activity %s, risk %d, admin %q; want an unused admin with a high score", bg.Activity.State, bg.RiskScore, bg.Admin)
	}
}

func TestGenerateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, embedded(t), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Generate on an ended context: %v, want context.Canceled", err)
	}
}

func BenchmarkAudit(b *testing.B) {
	db := embedded(b)
	for b.Loop() {
		if _, err := Audit(context.Background(), db, nil); err != nil {
			b.Fatal(err)
		}
	}
}
