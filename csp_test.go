package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

const testIndex = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'self' 'nonce-aegis-style-nonce'"></head><body></body></html>`

var nonceRE = regexp.MustCompile(`'nonce-([A-Za-z0-9+/=]{24})'`)

func TestIndexPageFreshNonce(t *testing.T) {
	dist := fstest.MapFS{"index.html": {Data: []byte(testIndex)}}
	seen := map[string]bool{}
	for range 3 {
		page, err := indexPage(dist)
		if err != nil {
			t.Fatal(err)
		}
		m := nonceRE.FindSubmatch(page)
		if m == nil || strings.Contains(string(page), styleNoncePlaceholder) {
			t.Fatalf("indexPage = %s; want the placeholder replaced by a 24-character base64 nonce", page)
		}
		if got, want := nonceRE.ReplaceAllString(string(page), "'nonce-X'"), strings.Replace(testIndex, "'nonce-aegis-style-nonce'", "'nonce-X'", 1); got != want {
			t.Errorf("indexPage changed more than the nonce:\n got %s\nwant %s", got, want)
		}
		seen[string(m[1])] = true
	}
	if len(seen) != 3 {
		t.Errorf("3 loads gave %d distinct nonces, want 3", len(seen))
	}
	if _, err := indexPage(fstest.MapFS{}); err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Errorf("indexPage without index.html: err = %v, want one naming index.html", err)
	}
}

func TestWithIndexNonce(t *testing.T) {
	dist := fstest.MapFS{"index.html": {Data: []byte(testIndex)}}
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "next "+r.URL.Path) })
	h := withIndexNonce(dist)(next)
	for _, tc := range []struct{ method, path, want string }{
		{http.MethodGet, "/", "nonce"},
		{http.MethodGet, "/index.html", "nonce"},
		{http.MethodGet, "/assets/index.js", "next /assets/index.js"},
		{http.MethodPost, "/", "next /"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		body := rec.Body.String()
		if tc.want == "nonce" {
			if !nonceRE.MatchString(body) || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("%s %s = %q (%s), want index.html with a nonce", tc.method, tc.path, body, rec.Header().Get("Content-Type"))
			}
			continue
		}
		if body != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.method, tc.path, body, tc.want)
		}
	}
}

// The placeholder is written by the frontend build: both sides must agree.
func TestStyleNoncePlaceholderMatchesViteConfig(t *testing.T) {
	src, err := os.ReadFile("frontend/vite.config.ts")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), "styleNoncePlaceholder = '"+styleNoncePlaceholder+"'") {
		t.Errorf("frontend/vite.config.ts does not define styleNoncePlaceholder = %q", styleNoncePlaceholder)
	}
}
