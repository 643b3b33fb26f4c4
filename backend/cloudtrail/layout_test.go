package cloudtrail

import (
	"testing"
	"time"
)

func TestParsePath(t *testing.T) {
	day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		path string
		ok   bool
		want File
	}{
		{"/b/AWSLogs/111122223333/CloudTrail/us-east-1/2025/06/01/111122223333_CloudTrail_us-east-1_20250601T0005Z_a.json.gz", true,
			File{Account: "111122223333", Region: "us-east-1", Day: day}},
		{"bucket/prefix/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2025/06/01/x.json.gz", true,
			File{Org: "o-a1b2c3d4e5", Account: "111122223333", Region: "eu-west-1", Day: day}},
		{"111122223333/CloudTrail/us-east-1/2025/06/01/x.json.gz", true, File{Account: "111122223333", Region: "us-east-1", Day: day}},
		{"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2025/06/01/x.json.gz", false, File{}},
		{"AWSLogs/1111/CloudTrail/us-east-1/2025/06/01/x.json.gz", false, File{}},
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2025/13/01/x.json.gz", false, File{}},
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2025/06/x.json.gz", false, File{}},
		{"x.json.gz", false, File{}},
	}
	for _, tt := range tests {
		got, ok := parsePath(tt.path)
		if ok != tt.ok {
			t.Errorf("parsePath(%q) ok = %v, want %v", tt.path, ok, tt.ok)
			continue
		}
		if ok {
			tt.want.Path = tt.path
			if got != tt.want {
				t.Errorf("parsePath(%q) = %+v, want %+v", tt.path, got, tt.want)
			}
		}
	}
}

func TestDiscover(t *testing.T) {
	root := gzipTree(t)
	files, skipped, bad, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 || skipped != 2 || len(bad) != 0 {
		t.Errorf("Discover: %d files, %d skipped, bad %v; want 4, 2 (digest and Insight), none", len(files), skipped, bad)
	}
	if _, _, _, err := Discover(root + "/missing"); err == nil {
		t.Error("a missing root: want an error")
	}
}
