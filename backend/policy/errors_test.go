package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/policy"
)

// TestErrorsGolden parses each testdata/errors/KIND.NAME.json as a policy
// of KIND and compares the messages, with their codes, with NAME.golden.
// Other packages and the CLI show these messages to users.
func TestErrorsGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/errors/*.json")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no inputs: %v", err)
	}
	for _, in := range inputs {
		base := strings.TrimSuffix(filepath.Base(in), ".json")
		kindName, _, _ := strings.Cut(base, ".")
		t.Run(base, func(t *testing.T) {
			kind, err := policy.ParseKind(kindName)
			if err != nil {
				t.Fatal(err)
			}
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			_, err = policy.Parse(filepath.Base(in), src, kind)
			if err == nil {
				t.Fatalf("Parse(%s): no errors", in)
			}
			got := errorLines(err)
			golden := strings.TrimSuffix(in, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("errors of %s differ from %s (-want +got):\n%s", in, golden, diff)
			}
		})
	}
}
