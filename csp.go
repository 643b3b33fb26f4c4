package main

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
)

// styleNoncePlaceholder stands for the nonce in the Content-Security-Policy
// that the frontend build writes into index.html (frontend/vite.config.ts).
const styleNoncePlaceholder = "aegis-style-nonce"

// indexPage returns the frontend's index.html with a fresh random nonce in
// its Content-Security-Policy. The policy allows <style> elements carrying
// that nonce and no other inline style: the policy editor (CodeMirror) writes
// its base theme into one, with the nonce it reads back from the policy
// (frontend/src/lib/csp.ts). A nonce new on every load cannot be guessed by
// markup that finds its way into the page.
func indexPage(dist fs.FS) ([]byte, error) {
	page, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		return nil, fmt.Errorf("reading the frontend's index.html: %w", err)
	}
	nonce := make([]byte, 18)
	rand.Read(nonce) // never fails (crypto/rand)
	return bytes.ReplaceAll(page, []byte(styleNoncePlaceholder), []byte(base64.StdEncoding.EncodeToString(nonce))), nil
}

// withIndexNonce serves index.html through indexPage, and everything else
// through next (Wails' asset handler, which then injects its runtime scripts).
func withIndexNonce(dist fs.FS) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || (r.URL.Path != "/" && r.URL.Path != "/index.html") {
				next.ServeHTTP(w, r)
				return
			}
			page, err := indexPage(dist)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		})
	}
}
