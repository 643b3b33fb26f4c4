package result

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// TestRulesListEveryFinding checks that Rules names every finding ID the
// audit emits, once.
func TestRulesListEveryFinding(t *testing.T) {
	src, err := os.ReadFile("result.go")
	if err != nil {
		t.Fatal(err)
	}
	var emitted []string
	for _, m := range regexp.MustCompile(`"(AEG-AUDIT-\d+)"`).FindAllStringSubmatch(string(src), -1) {
		emitted = append(emitted, m[1])
	}
	slices.Sort(emitted)
	emitted = slices.Compact(emitted)
	var listed []string
	for _, r := range Rules {
		listed = append(listed, r.ID)
	}
	if !slices.Equal(emitted, listed) {
		t.Errorf("Rules lists %v, result.go emits %v", listed, emitted)
	}
}
