package cloudtrail

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// Options configure a read.
type Options struct {
	// DB maps events to IAM actions. Required.
	DB *iamdb.DB
	// Start and End bound the window (End exclusive). Events outside it
	// are not counted; files are read from the day before Start to the day
	// after End, since a file can hold events from before its delivery.
	Start, End time.Time
	// Workers is the number of files read at once; GOMAXPROCS when ≤ 0.
	Workers int
	// Progress, when set, is called after each file with the number of
	// files done and the total, from one goroutine at a time.
	Progress func(done, total int)
}

// ReadDir discovers the log files under root (Discover) and reads those of
// the window (Read). Files outside the layout are reported in
// Usage.Failures; digest and Insight files are skipped.
func ReadDir(ctx context.Context, root string, opt Options) (*audit.Usage, error) {
	files, _, bad, err := Discover(root)
	if err != nil {
		return nil, err
	}
	u, err := Read(ctx, files, opt)
	if err != nil {
		return nil, err
	}
	u.Failures = append(bad, u.Failures...)
	return u, nil
}

// Read parses the log files of the window in parallel and aggregates them
// into usage rows with their coverage. A file that cannot be read whole
// (corrupt gzip, malformed or truncated JSON) is a partial failure: it is
// listed in Usage.Failures with its position, its day counts as a gap, and
// the records read before the fault still count. The error is for a bad
// configuration or cancellation only.
func Read(ctx context.Context, files []File, opt Options) (*audit.Usage, error) {
	if opt.DB == nil {
		return nil, errors.New("cloudtrail: no IAM database")
	}
	if opt.Start.IsZero() || !opt.Start.Before(opt.End) {
		return nil, fmt.Errorf("cloudtrail: empty window %s..%s", opt.Start.Format(time.RFC3339), opt.End.Format(time.RFC3339))
	}
	start, end := opt.Start.UTC(), opt.End.UTC()
	from, to := start.Truncate(24*time.Hour).AddDate(0, 0, -1), end.AddDate(0, 0, 1)
	var todo []File
	for _, f := range files {
		if !f.Day.Before(from) && f.Day.Before(to) {
			todo = append(todo, f)
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(todo)))

	seen := newDedup()
	results := make([]fileResult, len(todo))
	aggs := make([]*aggregator, workers)
	var next atomic.Int64
	var progress sync.Mutex
	done := 0
	var wg sync.WaitGroup
	for w := range workers {
		a := newAggregator(start.Unix(), end.Unix(), seen)
		aggs[w] = a
		wg.Go(func() {
			rd := newFileReader()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) || ctx.Err() != nil {
					return
				}
				results[i] = rd.read(todo[i], a)
				if opt.Progress != nil {
					progress.Lock()
					done++
					opt.Progress(done, len(todo))
					progress.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u := merge(opt.DB, aggs, todo, results)
	u.Start, u.End = start, end
	return u, nil
}

// fileResult is what reading one file gave besides its events.
type fileResult struct {
	events, data int64
	fail         *audit.SourceFailure
}

// fileReader holds one worker's reusable buffers: the gzip state and the
// scanner's buffer, so memory stays flat however many files are read.
// Inflating is most of a read's CPU time; klauspost/compress's gzip (a
// fork of compress/gzip with the same errors) does it in about 30 % less.
type fileReader struct {
	br *bufio.Reader
	zr *gzip.Reader
	sc *scanner
}

func newFileReader() *fileReader {
	return &fileReader{br: bufio.NewReaderSize(nil, 64<<10), sc: newScanner(initialBuffer)}
}

func (rd *fileReader) read(f File, a *aggregator) fileResult {
	var res fileResult
	fail := func(off int64, line int, err error) fileResult {
		res.fail = &audit.SourceFailure{Source: f.Path, Account: f.Account, Region: f.Region,
			Day: audit.DayOf(f.Day), Offset: off, Line: line, Err: err.Error()}
		return res
	}
	fh, err := os.Open(f.Path)
	if err != nil {
		return fail(-1, 0, err)
	}
	defer fh.Close()
	rd.br.Reset(fh)
	if rd.zr == nil {
		rd.zr, err = gzip.NewReader(rd.br)
	} else {
		err = rd.zr.Reset(rd.br)
	}
	if err != nil {
		return fail(0, 0, fmt.Errorf("not a gzip file: %w", err))
	}
	rd.sc.reset(rd.zr)
	badTimes := 0
	err = rd.sc.records(func(r *record) {
		res.events++
		if r.Data() {
			res.data++
		}
		if !a.add(r) {
			badTimes++
		}
	})
	var se *SyntaxError
	switch {
	case errors.As(err, &se):
		if errors.Is(se.Err, gzip.ErrChecksum) || errors.Is(se.Err, gzip.ErrHeader) || errors.Is(se.Err, io.ErrUnexpectedEOF) ||
			errors.As(se.Err, new(flate.CorruptInputError)) {
			return fail(se.Offset, se.Line, fmt.Errorf("gzip: %w (after %d bytes of JSON)", se.Err, se.Offset))
		}
		return fail(se.Offset, se.Line, fmt.Errorf("%d:%d: %w", se.Line, se.Col, se.Err))
	case err != nil:
		return fail(-1, 0, err)
	case badTimes > 0:
		return fail(-1, 0, fmt.Errorf("%d records without a valid eventTime", badTimes))
	}
	return res
}
