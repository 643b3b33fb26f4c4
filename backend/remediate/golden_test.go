package remediate

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestPlanGolden renders previews as the AWS CLI commands the desktop
// shows (testdata/*.golden; -update rewrites them).
func TestPlanGolden(t *testing.T) {
	for name, ap := range map[string]*result.Principal{
		"version-limit": appPrincipal(rightsize.Rewrite, []result.Policy{{Name: tablesARN, Status: "rewritten", Managed: true, Document: json.RawMessage(tablesRight)}}, []string{tablesARN}, nil),
		"shared":        sharedPrincipal(),
		"inline-quote":  appPrincipal(rightsize.Rewrite, []result.Policy{{Name: "inline:app-data", Status: "rewritten", Document: json.RawMessage(doc(`"s3:GetObject"`, "arn:aws:s3:::it's-data/*"))}}, []string{"inline:app-data"}, nil),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			rec, err := f.r.Preview(f.ctx, f.iam, "audit-1", ap)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, s := range rec.Steps {
				b.WriteString("# " + s.Why + "\n" + s.CLI + "\n")
			}
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}
