package main

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadPolicyFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	policy := `{"Version": "2012-10-17", "Statement": []}`
	tests := []struct {
		name    string
		path    string
		want    string
		wantErr string
		is      error
	}{
		{name: "policy", path: write("p.json", []byte(policy)), want: policy},
		{name: "utf-8 text", path: write("u.json", []byte(`{"Sid": "Zürich"}`)), want: `{"Sid": "Zürich"}`},
		{name: "exactly the limit", path: write("max.json", []byte(strings.Repeat(" ", maxPolicyFile))), want: strings.Repeat(" ", maxPolicyFile)},
		{name: "too large", path: write("big.json", []byte(strings.Repeat(" ", maxPolicyFile+1))), wantErr: "big.json: file too large", is: errTooLarge},
		{name: "binary", path: write("bin.json", []byte{0xff, 0xfe, 0x00}), wantErr: "bin.json: not UTF-8 text"},
		{name: "missing", path: filepath.Join(dir, "nope.json"), wantErr: "opening the policy", is: os.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readPolicyFile(tc.path)
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Fatalf("readPolicyFile(%s) = %.40q, %v; want %.40q, nil", tc.path, got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("readPolicyFile(%s) error = %v, want one containing %q", tc.path, err, tc.wantErr)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("readPolicyFile(%s) error = %v, want errors.Is %v", tc.path, err, tc.is)
			}
		})
	}
}

func TestDecodeSaveRequest(t *testing.T) {
	tests := []struct {
		name    string
		data    []any
		want    saveRequest
		wantErr string
	}{
		{
			name: "event payload as Wails decodes it",
			data: []any{map[string]any{"text": "{}\n", "suggestedName": "role.json"}},
			want: saveRequest{Text: "{}\n", SuggestedName: "role.json"},
		},
		{name: "no payload", data: nil, wantErr: "want one payload, got 0"},
		{name: "two payloads", data: []any{map[string]any{}, map[string]any{}}, wantErr: "want one payload, got 2"},
		{name: "wrong shape", data: []any{map[string]any{"text": 42}}, wantErr: "save request: json: cannot unmarshal number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeSaveRequest(tc.data)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("decodeSaveRequest(%v) error = %v, want %q", tc.data, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("decodeSaveRequest(%v) (-want +got):\n%s", tc.data, diff)
			}
		})
	}
}

// TestMenuPagesMatchFrontend keeps View → page N (Ctrl+N) in step with the
// frontend's navigation order and its own Ctrl+N shortcuts.
func TestMenuPagesMatchFrontend(t *testing.T) {
	src, err := os.ReadFile("frontend/src/lib/routes.ts")
	if err != nil {
		t.Fatal(err)
	}
	var frontend []string
	for _, m := range regexp.MustCompile(`\{id: '([a-z]+)', label: '([A-Za-z]+)'`).FindAllStringSubmatch(string(src), -1) {
		frontend = append(frontend, m[1]+"="+m[2])
	}
	var menu []string
	for _, p := range pages {
		menu = append(menu, p.route+"="+p.label)
	}
	if diff := cmp.Diff(frontend, menu); diff != "" {
		t.Errorf("View menu pages differ from frontend/src/lib/routes.ts (-frontend +menu):\n%s", diff)
	}
}

func TestWindowDefaults(t *testing.T) {
	if got := orDefault(0, defaultWidth); got != defaultWidth {
		t.Errorf("orDefault(0) = %d, want %d", got, defaultWidth)
	}
	if got := orDefault(1100, defaultWidth); got != 1100 {
		t.Errorf("orDefault(1100) = %d, want 1100", got)
	}
}

func TestPasteJS(t *testing.T) {
	tests := []struct{ text, want string }{
		{`plain`, `document.execCommand('insertText', false, "plain")`},
		{"{\"Effect\": \"Allow\"}\n", `document.execCommand('insertText', false, "{\"Effect\": \"Allow\"}\n")`},
		{"</script>'\u2028`${x}`", `document.execCommand('insertText', false, "\u003c/script\u003e'\u2028` + "`${x}`" + `")`},
	}
	for _, tc := range tests {
		if got := pasteJS(tc.text); got != tc.want {
			t.Errorf("pasteJS(%q) =\n  %s\nwant\n  %s", tc.text, got, tc.want)
		}
	}
}
