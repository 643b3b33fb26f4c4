package cloudtrail

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
)

// File is one log file of a trail's S3 layout,
// [prefix/]AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/NAME.json.gz
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html).
// Day is the delivery folder's date: the file holds events of that day or
// earlier.
type File struct {
	Path    string
	Org     string // o-… for an organization trail, else empty
	Account string
	Region  string
	Day     time.Time // UTC midnight
}

// Skipped CloudTrail folders: integrity digests and Insights events are not
// API calls.
var skippedFolders = []string{"CloudTrail-Digest", "CloudTrail-Insight"}

// Discover walks root and returns the log files in the CloudTrail layout,
// sorted by path, the number of digest and Insight files skipped, and one
// failure per .json.gz file found outside the layout (its events cannot be
// placed in an account, region and day, so they are not read). root may be
// the bucket's top, an AWSLogs folder or any folder below it.
func Discover(root string) (files []File, skipped int, bad []audit.SourceFailure, err error) {
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if slices.Contains(skippedFolders, d.Name()) {
				n, err := countFiles(p)
				skipped += n
				if err != nil {
					return err
				}
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".json.gz") {
			return nil
		}
		f, ok := parsePath(p)
		if !ok {
			bad = append(bad, audit.SourceFailure{Source: p, Offset: -1,
				Err: "not in the CloudTrail layout AWSLogs/[o-ID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/"})
			return nil
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, 0, nil, fmt.Errorf("listing CloudTrail logs: %w", err)
	}
	return files, skipped, bad, nil
}

func countFiles(dir string) (int, error) {
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	return n, err
}

// parsePath reads account, region and day from a log file's path, matching
// the layout from the end so that any root works.
func parsePath(p string) (File, bool) {
	seg := strings.Split(filepath.ToSlash(p), "/")
	n := len(seg)
	if n < 7 || seg[n-6] != "CloudTrail" {
		return File{}, false
	}
	acct, region := seg[n-7], seg[n-5]
	day, err := time.Parse("2006/01/02", strings.Join(seg[n-4:n-1], "/"))
	if err != nil || !accountID(acct) || region == "" {
		return File{}, false
	}
	f := File{Path: p, Account: acct, Region: region, Day: day}
	if n >= 8 && strings.HasPrefix(seg[n-8], "o-") {
		f.Org = seg[n-8]
	}
	return f, true
}

func accountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
