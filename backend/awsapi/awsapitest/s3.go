package awsapitest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// S3 is a local S3 endpoint for the result files Athena writes, speaking
// S3's REST-XML protocol for GetObject, path-style (GET /BUCKET/KEY: the
// client sets UsePathStyle, as the SDK does for a custom endpoint), every
// request SigV4-signed for s3 with its payload hash header. Errors are
// S3's XML error documents (NoSuchBucket, NoSuchKey, AccessDenied).
// AccessDenied (Deny("GetObject")) and throttling (SlowDown) can be
// injected.
type S3 struct {
	URL string

	t       testing.TB
	mu      sync.Mutex
	objects map[string][]byte // "bucket/key" → body
	buckets map[string]bool
	others  http.Handler // the requests that are not a GetObject

	*faults
}

// NewS3 starts the endpoint, with no buckets.
func NewS3(t testing.TB) *S3 {
	f := &S3{t: t, objects: map[string][]byte{}, buckets: map[string]bool{}, faults: newFaults()}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// Put stores an object, creating its bucket.
func (f *S3) Put(bucket, key string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.buckets[bucket] = true
	f.objects[bucket+"/"+key] = bytes.Clone(body)
}

// Forward hands the requests that are not a GetObject (bucket-level
// operations: ListBuckets, GetBucketPolicy…) to h, another fake sharing
// the S3 endpoint.
func (f *S3) Forward(h http.Handler) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.others = h
}

// PutURL stores an object at an s3://bucket/key URL.
func (f *S3) PutURL(loc string, body []byte) {
	rest, ok := strings.CutPrefix(loc, "s3://")
	bucket, key, found := strings.Cut(rest, "/")
	if !ok || !found {
		f.t.Fatalf("S3 fake: %q is not an s3://bucket/key URL", loc)
	}
	f.Put(bucket, key, body)
}

var s3SigV4 = signedBy("s3")

func s3Error(w http.ResponseWriter, status int, code, msg, resource string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-amz-request-id", "4442587FB7D0A2F9")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>%s</Code><Message>%s</Message><Resource>%s</Resource><RequestId>4442587FB7D0A2F9</RequestId><HostId>aGVsbG8=</HostId></Error>`,
		code, msg, resource)
}

func (f *S3) serve(w http.ResponseWriter, r *http.Request) {
	if !s3SigV4.MatchString(r.Header.Get("Authorization")) || r.Header.Get("X-Amz-Content-Sha256") == "" {
		s3Error(w, http.StatusForbidden, "AccessDenied", "Request must be signed with Signature Version 4", r.URL.Path)
		return
	}
	path, err := url.PathUnescape(r.URL.EscapedPath())
	bucket, key, found := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if r.Method != http.MethodGet || err != nil || !found || key == "" {
		f.mu.Lock()
		others := f.others
		f.mu.Unlock()
		if others != nil {
			others.ServeHTTP(w, r)
			return
		}
		s3Error(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "path-style GET /BUCKET/KEY only", r.URL.Path)
		return
	}
	f.stall(r, "GetObject")
	throttled, denied := f.hit(r, "GetObject")
	switch {
	case throttled:
		s3Error(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.", path)
		return
	case denied:
		s3Error(w, http.StatusForbidden, "AccessDenied", "Access Denied", path)
		return
	}
	f.mu.Lock()
	body, ok := f.objects[bucket+"/"+key]
	known := f.buckets[bucket]
	f.mu.Unlock()
	switch {
	case !known:
		s3Error(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", path)
		return
	case !ok:
		s3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", path)
		return
	}
	sum := md5.Sum(body)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	w.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
	w.Header().Set("Accept-Ranges", "bytes")
	w.Write(body)
}

// AthenaCSV writes a query result as Athena writes its result file: a
// header row, every value double-quoted with inner quotes doubled, a NULL
// cell left empty and unquoted, "\n" after every row.
func AthenaCSV(columns []string, rows [][]*string) []byte {
	var b bytes.Buffer
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	for i, c := range columns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(c))
	}
	b.WriteByte('\n')
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			if c != nil {
				b.WriteString(quote(*c))
			}
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}
