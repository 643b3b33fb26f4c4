package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/aegis-iam/aegis"

// rule is one row of the table in DESIGN.md §1: the packages a package under
// prefix may import directly, besides the standard library. Internal
// packages are named relative to the module; external modules by import-path
// prefix.
type rule struct {
	prefix   string
	internal []string
	external []string
}

// core is what DESIGN.md calls "core packages": no I/O adapters.
var core = []string{"backend/policy", "backend/iamdb", "backend/eval", "backend/check", "backend/compliance",
	"backend/source", "backend/generate", "backend/audit"}

var yamlLibs = []string{"go.yaml.in/yaml", "gopkg.in/yaml.v3", "sigs.k8s.io/yaml"}

var awsSDK = []string{"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go"}

// rules mirrors DESIGN.md §1. Longest prefix wins. Changing a row is a design
// change: say why in the closing note.
var rules = []rule{
	{prefix: "backend/policy"},
	{prefix: "backend/iamdb", internal: []string{"backend/policy"}},
	{prefix: "backend/eval", internal: []string{"backend/policy", "backend/iamdb"}},
	{prefix: "backend/check", internal: []string{"backend/policy", "backend/iamdb", "backend/eval"},
		external: []string{"cel.dev/cel-go", "cel.dev/expr"}},
	{prefix: "backend/check/rules", internal: []string{"backend/check", "backend/policy", "backend/iamdb", "backend/eval"}},
	{prefix: "backend/compliance", internal: []string{"backend/check"}, external: yamlLibs},
	{prefix: "backend/source", internal: []string{"backend/policy", "backend/check"},
		external: append([]string{"github.com/hashicorp/hcl/v2", "github.com/zclconf/go-cty"}, yamlLibs...)},
	{prefix: "backend/generate", internal: []string{"backend/policy", "backend/iamdb", "backend/eval", "backend/check"}},
	{prefix: "backend/audit", internal: core},
	// klauspost/compress: the fast gzip the row allows; it inflates the logs in ~30 % less CPU than compress/gzip.
	{prefix: "backend/cloudtrail", internal: []string{"backend/iamdb", "backend/audit"}, external: []string{"github.com/klauspost/compress"}},
	{prefix: "backend/awsapi", internal: []string{"backend/audit", "backend/cloudtrail"}, external: awsSDK},
	// The LLM advisor's tools wired to the engines, shared by the CLI and the desktop; the
	// grounded assistant reads validation reports and audits and simulates with the evaluator.
	{prefix: "backend/assist", internal: []string{"backend/audit", "backend/eval", "backend/generate", "backend/iamdb", "backend/llm", "backend/policy", "backend/report", "backend/source", "backend/validate"}},
	{prefix: "backend/llm", internal: []string{"backend/generate", "backend/policy"}, external: awsSDK},
	// The collector turns the AWS server's usage answers (LookupEvents, Athena, Lake) into usage with backend/cloudtrail.
	{prefix: "backend/mcp", internal: append([]string{"backend/awsapi", "backend/cloudtrail", "backend/report", "backend/validate"}, core...),
		external: []string{"github.com/mark3labs/mcp-go"}},
	{prefix: "backend/store", internal: core, external: []string{"go.etcd.io/bbolt"}},
	// Remediation: audit recommendations applied through the IAM writer, rolled back from saved state.
	{prefix: "backend/remediate", internal: []string{"backend/audit", "backend/awsapi", "backend/policy"}},
	// The validation pipeline the CLI, the desktop and the MCP server share.
	{prefix: "backend/validate", internal: []string{"backend/check", "backend/compliance", "backend/iamdb", "backend/policy", "backend/report", "backend/source"}},
	{prefix: "backend/report", internal: []string{"backend/check", "backend/compliance", "backend/audit", "backend/policy"}},
	{prefix: "backend/app", internal: []string{"backend"}, external: append([]string{"github.com/wailsapp/wails/v2/pkg/runtime"}, awsSDK...)},
	// Test support: the managed-policy corpus fixture and loader.
	{prefix: "backend/internal/corpus"},
	// Test support: latency percentiles for benchmarks.
	{prefix: "backend/internal/benchutil"},
	// The headless CLI may use any backend package and a CLI library, never the desktop toolkit.
	{prefix: "cmd/aegis", internal: []string{"backend"}, external: append([]string{"github.com/spf13/cobra", "github.com/spf13/pflag"}, yamlLibs...)},
}

// banned are libraries the pure core must not reach even transitively.
var banned = []string{"github.com/wailsapp", "github.com/aws/aws-sdk-go-v2", "go.etcd.io/bbolt", "github.com/mark3labs/mcp-go"}

type pkg struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T, env []string, patterns ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-e", "-json=ImportPath,Standard,Imports,Deps"}, patterns...)...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", patterns, err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func ruleFor(rel string) (rule, bool) {
	best, found := rule{}, false
	for _, r := range rules {
		if (rel == r.prefix || strings.HasPrefix(rel, r.prefix+"/")) && len(r.prefix) >= len(best.prefix) {
			best, found = r, true
		}
	}
	return best, found
}

func hasPathPrefix(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func allowed(r rule, rel, imp string) bool {
	if strings.HasPrefix(imp, module+"/") {
		target := strings.TrimPrefix(imp, module+"/")
		if hasPathPrefix(target, r.prefix) || hasPathPrefix(target, rel) {
			return true // a package's own subpackages
		}
		if hasPathPrefix(target, "backend/internal/corpus") {
			return false // test support only: never imported by production code
		}
		for _, p := range r.internal {
			if hasPathPrefix(target, p) {
				return true
			}
		}
		return false
	}
	for _, p := range r.external {
		if hasPathPrefix(imp, p) {
			return true
		}
	}
	return false
}

// TestDependencyDirection checks every package's direct imports against its
// row of the table.
func TestDependencyDirection(t *testing.T) {
	stdlib := map[string]bool{}
	for _, p := range listPackages(t, nil, "std") {
		stdlib[p.ImportPath] = true
	}
	for _, p := range listPackages(t, nil, "./backend/...", "./cmd/...", "./internal/...") {
		rel := strings.TrimPrefix(p.ImportPath, module+"/")
		if hasPathPrefix(rel, "internal") || strings.HasSuffix(rel, "/gen") {
			continue // build tooling (generators, these tests)
		}
		r, ok := ruleFor(rel)
		if !ok {
			t.Errorf("%s has no row in the dependency table (DESIGN.md §1); add one", rel)
			continue
		}
		var bad []string
		for _, imp := range p.Imports {
			if stdlib[imp] || allowed(r, rel, imp) {
				continue
			}
			bad = append(bad, imp)
		}
		sort.Strings(bad)
		if len(bad) > 0 {
			t.Errorf("%s imports %s; its row (%s) allows stdlib, %v and %v", rel, strings.Join(bad, ", "), r.prefix, r.internal, r.external)
		}
	}
}

// TestCoreStaysPure checks transitively that no core package reaches an
// adapter library, whatever the path.
func TestCoreStaysPure(t *testing.T) {
	var patterns []string
	for _, c := range core {
		if _, err := os.Stat("../../" + c); err == nil {
			patterns = append(patterns, "./"+c+"/...")
		}
	}
	for _, p := range listPackages(t, nil, patterns...) {
		for _, d := range p.Deps {
			for _, b := range banned {
				if hasPathPrefix(d, b) {
					t.Errorf("core package %s depends on %s", p.ImportPath, d)
				}
			}
		}
	}
}

// TestCLIIsPureGo checks that the headless CLI builds without cgo and never
// links the desktop toolkit.
func TestCLIIsPureGo(t *testing.T) {
	for _, p := range listPackages(t, []string{"CGO_ENABLED=0"}, "./cmd/aegis") {
		for _, d := range p.Deps {
			if hasPathPrefix(d, "github.com/wailsapp") {
				t.Errorf("%s depends on %s: the CLI must not link Wails", p.ImportPath, d)
			}
		}
	}
}

// TestWailsRuntimeInOneFile checks that the façade touches the Wails runtime
// from a single file, the seam that tests replace with a recorder.
func TestWailsRuntimeInOneFile(t *testing.T) {
	files, err := filepath.Glob("../../backend/app/*.go")
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parsing %s: %v", f, err)
		}
		for _, imp := range af.Imports {
			if strings.HasPrefix(strings.Trim(imp.Path.Value, `"`), "github.com/wailsapp/") {
				users = append(users, filepath.Base(f))
			}
		}
	}
	if len(users) > 1 {
		t.Errorf("backend/app imports Wails from %d files %v; keep it behind one seam", len(users), users)
	}
}

// TestRowsExist keeps the table honest: every row names a real prefix shape.
func TestRowsExist(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.prefix] {
			t.Errorf("duplicate row %s", r.prefix)
		}
		seen[r.prefix] = true
		if !strings.HasPrefix(r.prefix, "backend/") && !strings.HasPrefix(r.prefix, "cmd/") {
			t.Errorf("row %s: want a backend/ or cmd/ prefix", r.prefix)
		}
	}
}
