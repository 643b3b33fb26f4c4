package awsapi

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
)

// RegionEvents is what LookupEvents gave for one region of a window.
type RegionEvents struct {
	Region string
	// Log is a CloudTrail log file ({"Records": [...]}).
	Log []byte
	// Until is where reading stopped: events in [window start, Until) are
	// missing. It is the window's end when Gap is empty.
	Until time.Time
	// Gap says why reading stopped early; empty when the window is
	// complete.
	Gap string
}

// LookupUsage turns one account's LookupEvents answers, a region each,
// into usage over opt's window, read by backend/cloudtrail exactly as
// delivered logs are: each region's records are laid out as one log file
// per UTC day (a day without events is an empty file, since event history
// covers it), in a temporary directory removed afterwards. The days a
// region's answer is missing — all of them when LookupEvents was refused —
// are read failures in the coverage, so the analysis calls nothing unused
// there.
func LookupUsage(ctx context.Context, opt cloudtrail.Options, account string, regions []RegionEvents) (*audit.Usage, error) {
	if opt.Start.IsZero() || !opt.Start.Before(opt.End) {
		return nil, fmt.Errorf("awsapi: empty window %s..%s", opt.Start.Format(time.RFC3339), opt.End.Format(time.RFC3339))
	}
	dir, err := os.MkdirTemp("", "aegis-lookup-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	first, last := opt.Start.UTC().Truncate(24*time.Hour), opt.End.UTC().Add(-time.Nanosecond).Truncate(24*time.Hour)
	var files []cloudtrail.File
	var missing []audit.SourceFailure
	for _, re := range regions {
		byDay, err := splitByDay(re.Log)
		if err != nil {
			return nil, fmt.Errorf("awsapi: LookupEvents in %s: %w", re.Region, err)
		}
		lastMissing := time.Time{}
		if re.Gap != "" {
			lastMissing = re.Until.UTC().Truncate(24 * time.Hour)
		}
		for day := first; !day.After(last); day = day.AddDate(0, 0, 1) {
			if !day.After(lastMissing) {
				missing = append(missing, audit.SourceFailure{Source: "cloudtrail:LookupEvents " + re.Region, Account: account,
					Region: re.Region, Day: audit.DayOf(day), Offset: -1, Err: re.Gap})
			}
			path := filepath.Join(dir, re.Region, audit.DayOf(day)+".json.gz")
			if err := writeLog(path, byDay[day]); err != nil {
				return nil, err
			}
			files = append(files, cloudtrail.File{Path: path, Account: account, Region: re.Region, Day: day})
		}
	}
	u, err := cloudtrail.Read(ctx, files, opt)
	if err != nil {
		return nil, err
	}
	for _, m := range missing {
		i := slices.IndexFunc(u.Coverage.Days, func(d audit.CoverageDay) bool {
			return d.Account == m.Account && d.Region == m.Region && d.Day == m.Day
		})
		if i < 0 {
			u.Coverage.Days = append(u.Coverage.Days, audit.CoverageDay{Account: m.Account, Region: m.Region, Day: m.Day, Failed: 1})
			continue
		}
		u.Coverage.Days[i].Files--
		u.Coverage.Days[i].Failed++
	}
	u.Failures = append(u.Failures, missing...)
	return u, nil
}

// splitByDay groups a log file's records by the UTC day of their
// eventTime.
func splitByDay(log []byte) (map[time.Time][]json.RawMessage, error) {
	var file struct{ Records []json.RawMessage }
	if err := json.Unmarshal(log, &file); err != nil {
		return nil, err
	}
	out := map[time.Time][]json.RawMessage{}
	for i, r := range file.Records {
		var at struct {
			EventTime time.Time `json:"eventTime"`
		}
		if err := json.Unmarshal(r, &at); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		day := at.EventTime.UTC().Truncate(24 * time.Hour)
		out[day] = append(out[day], r)
	}
	return out, nil
}

// writeLog writes records as a gzipped CloudTrail log file.
func writeLog(path string, records []json.RawMessage) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	parts := make([]string, len(records))
	for i, r := range records {
		parts[i] = string(r)
	}
	_, err = zw.Write([]byte(`{"Records":[` + strings.Join(parts, ",") + `]}`))
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
