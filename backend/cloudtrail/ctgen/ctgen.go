// Package ctgen writes deterministic CloudTrail log trees for tests and
// benchmarks: the S3 layout a trail delivers
// (AWSLogs/[o-ID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/*.json.gz) with
// records in CloudTrail's format
// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
// The same Spec and seed always give the same bytes, so a test can state its
// ground truth as the Spec and compare what a reader finds with it.
package ctgen

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Identity is who makes a call, as userIdentity shows it.
type Identity struct {
	// Type is userIdentity.type: IAMUser, AssumedRole, Root,
	// FederatedUser, AWSService, AWSAccount, SAMLUser, WebIdentityUser.
	Type string
	// ARN is the IAM principal: the user ARN (IAMUser, and the issuer of
	// a FederatedUser), the role ARN with its path (AssumedRole), the root
	// ARN (Root). For AWSService it is the service ("ec2.amazonaws.com"),
	// for AWSAccount the calling account ID, for SAMLUser and
	// WebIdentityUser the identity provider.
	ARN string
	// Session names the role session or federated user; a default is
	// used when empty.
	Session string
}

// Call is Count identical calls of one principal in one account and region.
type Call struct {
	Account, Region string
	Identity        Identity
	Source, Name    string // eventSource, eventName
	// ErrorCode is empty for a success ("AccessDenied", "NoSuchEntity"…).
	ErrorCode string
	// Data makes the calls data events (eventCategory Data).
	Data  bool
	Count int
	// Days are the window's day indexes (0 = Spec.Start) the calls are
	// spread over; nil means every day that has logs.
	Days []int
}

// Missing is a day without log files for one account and region: a gap.
type Missing struct {
	Account, Region string
	Day             int
}

// Spec describes a log tree.
type Spec struct {
	Seed  uint64
	Start time.Time // the first day (UTC midnight)
	Days  int
	// Org, when set ("o-a1b2c3d4e5"), writes an organization trail's layout.
	Org string
	// AccountTrail lists accounts whose own trail also delivers every one
	// of their events (the non-organization layout next to the
	// organization one): the duplicates a reader must drop by eventID.
	AccountTrail []string
	Calls        []Call
	Missing      []Missing
	// FilesPerDay splits each account/region/day into this many files
	// (default 1).
	FilesPerDay int
	// Sidecars writes CloudTrail-Digest and CloudTrail-Insight files next
	// to the logs, which readers must skip.
	Sidecars bool
	// Padding adds about this many bytes of requestParameters and
	// responseElements per record, for realistic benchmark volumes.
	Padding int
}

// Stats sums up what Write wrote.
type Stats struct {
	Files  int   // log files (sidecars excluded)
	Events int   // records, duplicates included
	Bytes  int64 // compressed bytes of the log files
}

// folder is one account/region's logs.
type folder struct{ account, region string }

// event is one record to write.
type event struct {
	call int
	at   time.Time
	id   string
}

// Write writes the tree under dir.
func Write(dir string, s Spec) (Stats, error) {
	if s.Days <= 0 {
		return Stats{}, fmt.Errorf("ctgen: Days must be positive")
	}
	if s.FilesPerDay <= 0 {
		s.FilesPerDay = 1
	}
	if len(s.AccountTrail) > 0 && s.Org == "" {
		return Stats{}, fmt.Errorf("ctgen: AccountTrail needs an organization trail (Org)")
	}
	missing := map[Missing]bool{}
	for _, m := range s.Missing {
		missing[m] = true
	}
	// Spread every call's count over its days, deterministically.
	rng := rand.New(rand.NewPCG(s.Seed, 0x6374676e))
	perDay := make([][]int, len(s.Calls)) // call → day → count
	var folders []folder
	for i, c := range s.Calls {
		f := folder{c.Account, c.Region}
		if !slices.Contains(folders, f) {
			folders = append(folders, f)
		}
		days := c.Days
		if days == nil {
			for d := range s.Days {
				if !missing[Missing{c.Account, c.Region, d}] {
					days = append(days, d)
				}
			}
		}
		if len(days) == 0 && c.Count > 0 {
			return Stats{}, fmt.Errorf("ctgen: call %d (%s) has no day with logs", i, c.Name)
		}
		perDay[i] = make([]int, s.Days)
		for _, d := range days {
			if d < 0 || d >= s.Days || missing[Missing{c.Account, c.Region, d}] {
				return Stats{}, fmt.Errorf("ctgen: call %d (%s) on day %d, which has no logs", i, c.Name, d)
			}
		}
		for n := range c.Count {
			d := days[n%len(days)]
			if n >= len(days) {
				d = days[rng.IntN(len(days))]
			}
			perDay[i][d]++
		}
	}
	slices.SortFunc(folders, func(a, b folder) int { return strings.Compare(a.account+a.region, b.account+b.region) })

	var st Stats
	for _, f := range folders {
		for d := range s.Days {
			if missing[Missing{f.account, f.region, d}] {
				continue
			}
			day := s.Start.AddDate(0, 0, d)
			var evs []event
			for i, c := range s.Calls {
				if c.Account != f.account || c.Region != f.region {
					continue
				}
				for range perDay[i][d] {
					evs = append(evs, event{call: i, at: day.Add(time.Duration(rng.Int64N(int64(24 * time.Hour)))).Truncate(time.Second), id: uuid(rng)})
				}
			}
			// A region with a trail always delivers something: AWS's own
			// service events.
			evs = append(evs, event{call: -1, at: day.Add(time.Duration(rng.Int64N(int64(24 * time.Hour)))).Truncate(time.Second), id: uuid(rng)})
			slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
			roots := []string{filepath.Join("AWSLogs", s.Org, f.account)}
			if slices.Contains(s.AccountTrail, f.account) {
				roots = append(roots, filepath.Join("account-trail", "AWSLogs", f.account))
			}
			for _, root := range roots {
				if err := writeDay(&st, dir, root, f, day, evs, s); err != nil {
					return st, err
				}
			}
		}
	}
	return st, nil
}

// writeDay writes one account/region/day's events in s.FilesPerDay files.
// root is the trail's folder relative to top; it names the files.
func writeDay(st *Stats, top, root string, f folder, day time.Time, evs []event, s Spec) error {
	dir := filepath.Join(top, root, "CloudTrail", f.region, day.Format("2006/01/02"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	per := (len(evs) + s.FilesPerDay - 1) / s.FilesPerDay
	for n := 0; n*per < len(evs); n++ {
		chunk := evs[n*per : min(len(evs), (n+1)*per)]
		last := chunk[len(chunk)-1].at
		name := fmt.Sprintf("%s_CloudTrail_%s_%s_%s.json.gz", f.account, f.region,
			last.Add(5*time.Minute).Format("20060102T1504Z"), hex.EncodeToString(sum(filepath.ToSlash(root), f.region, day.String(), fmt.Sprint(n)))[:16])
		var raw bytes.Buffer
		raw.WriteString(`{"Records":[`)
		for i, e := range chunk {
			if i > 0 {
				raw.WriteByte(',')
			}
			if e.call >= 0 {
				raw.Write(Record(s.Calls[e.call], e.at, e.id, s.Padding))
				continue
			}
			b, err := json.Marshal(serviceEvent(f, e))
			if err != nil {
				return err
			}
			raw.Write(b)
		}
		raw.WriteString("]}")
		n, err := writeGzip(filepath.Join(dir, name), raw.Bytes())
		if err != nil {
			return err
		}
		st.Files++
		st.Events += len(chunk)
		st.Bytes += n
	}
	if s.Sidecars {
		digest := filepath.Join(top, root, "CloudTrail-Digest", f.region, day.Format("2006/01/02"),
			fmt.Sprintf("%s_CloudTrail-Digest_%s_%s_%s.json.gz", f.account, f.region, "trail", day.Format("20060102T1504Z")))
		insight := filepath.Join(top, root, "CloudTrail-Insight", f.region, day.Format("2006/01/02"),
			fmt.Sprintf("%s_CloudTrail-Insight_%s_%s.json.gz", f.account, f.region, day.Format("20060102T1504Z")))
		for _, p := range []string{digest, insight} {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			// Deliberately not CloudTrail records: a reader that does not
			// skip these folders fails loudly.
			if _, err := writeGzip(p, []byte(`{"awsAccountId":"`+f.account+`","digestStartTime":"`+day.Format(time.RFC3339)+`"}`)); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeGzip(path string, data []byte) (int64, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return int64(buf.Len()), os.WriteFile(path, buf.Bytes(), 0o644)
}

func sum(parts ...string) []byte {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return h[:]
}

func uuid(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// bulkEvents are real management and data events the bulk spec mixes.
var bulkEvents = []struct {
	source, name string
	data         bool
}{
	{"s3.amazonaws.com", "GetObject", true},
	{"s3.amazonaws.com", "PutObject", true},
	{"s3.amazonaws.com", "ListBuckets", false},
	{"s3.amazonaws.com", "HeadObject", true},
	{"lambda.amazonaws.com", "Invoke", true},
	{"lambda.amazonaws.com", "GetFunction20150331v2", false},
	{"ec2.amazonaws.com", "DescribeInstances", false},
	{"ec2.amazonaws.com", "RunInstances", false},
	{"iam.amazonaws.com", "GetRole", false},
	{"sts.amazonaws.com", "AssumeRole", false},
	{"sts.amazonaws.com", "GetCallerIdentity", false},
	{"kms.amazonaws.com", "Decrypt", false},
	{"dynamodb.amazonaws.com", "GetItem", true},
	{"logs.amazonaws.com", "PutLogEvents", true},
	{"monitoring.amazonaws.com", "PutMetricData", false},
}

// Bulk returns a Spec for volume tests: about events records from
// principals roles and users of one account, over days days from start in
// the given regions, filesPerDay files per region and day, each record
// padded with about padding bytes. Calls mix successes, denials and errors.
func Bulk(seed uint64, start time.Time, days, principals, events, filesPerDay, padding int, regions []string) Spec {
	rng := rand.New(rand.NewPCG(seed, 0x62756c6b))
	const account = "111122223333"
	s := Spec{Seed: seed, Start: start, Days: days, FilesPerDay: filesPerDay, Padding: padding}
	perCall := max(1, events/(principals*4))
	for p := range principals {
		id := Identity{Type: "AssumedRole", ARN: fmt.Sprintf("arn:aws:iam::%s:role/service/app-%04d", account, p)}
		if p%5 == 0 {
			id = Identity{Type: "IAMUser", ARN: fmt.Sprintf("arn:aws:iam::%s:user/people/user-%04d", account, p)}
		}
		for range 4 {
			e := bulkEvents[rng.IntN(len(bulkEvents))]
			c := Call{Account: account, Region: regions[rng.IntN(len(regions))], Identity: id,
				Source: e.source, Name: e.name, Data: e.data, Count: perCall}
			switch rng.IntN(20) {
			case 0:
				c.ErrorCode = "AccessDenied"
			case 1:
				c.ErrorCode = "ThrottlingException"
			}
			s.Calls = append(s.Calls, c)
		}
	}
	return s
}
