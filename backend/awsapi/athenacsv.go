package awsapi

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// A DML query's result file as Athena writes it to S3,
// <OutputLocation>/<QueryExecutionId>.csv
// (https://docs.aws.amazon.com/athena/latest/ug/querying-finding-output-files.html):
// RFC 4180 with "\n" line ends, a header row of the column names, every
// value double-quoted (a quote inside doubled), and NULL written as an
// empty unquoted field, so that `""` is the empty string and nothing
// between two commas is NULL. encoding/csv reads the quoting but does not
// report it; the reader below tells the two apart by where the fields
// start (an empty quoted field is three bytes wide with its comma, an
// unquoted one a single comma) and, for the last field, by the byte before
// the line end, which tailReader keeps.

// errOneColumn refuses a one-column result file: a NULL row is a blank
// line there, which CSV readers (encoding/csv included) skip.
var errOneColumn = errors.New("a one-column result file writes NULL rows as blank lines")

// csvBuffer is the read buffer of the result file's reader; tailReader
// keeps twice as much, so that the bytes just before the record the CSV
// reader returned are still there.
const csvBuffer = 64 << 10

// readAthenaCSV reads a result file, calling fn with each data row (a
// NULL cell is nil; fn may keep the row). Memory stays flat: one record
// and the read buffers at a time. A malformed file is an error with the
// line and column (encoding/csv's ParseError).
func readAthenaCSV(r io.Reader, fn func(row []*string) error) (columns []string, err error) {
	tail := &tailReader{r: r, ring: make([]byte, 2*csvBuffer)}
	cr := csv.NewReader(bufio.NewReaderSize(tail, csvBuffer))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("no header row")
	}
	if err != nil {
		return nil, err
	}
	columns = slices.Clone(header)
	if len(columns) < 2 {
		return columns, errOneColumn
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return columns, nil
		}
		if err != nil {
			return columns, err
		}
		vals := slices.Clone(rec)
		row := make([]*string, len(vals))
		for i := range vals {
			if vals[i] != "" || quotedEmpty(cr, tail, i, len(vals)) {
				row[i] = &vals[i]
			}
		}
		if err := fn(row); err != nil {
			return columns, err
		}
	}
}

// quotedEmpty reports whether field i of n, empty in the record cr just
// returned, was written `""` rather than left empty.
func quotedEmpty(cr *csv.Reader, tail *tailReader, i, n int) bool {
	if i < n-1 {
		_, col := cr.FieldPos(i)
		_, next := cr.FieldPos(i + 1)
		return next-col == len(`"",`)
	}
	// The last field: the byte before the line end is its closing quote,
	// or the comma before it.
	end := cr.InputOffset()
	for _, nl := range []byte{'\n', '\r'} {
		if b, ok := tail.at(end - 1); ok && b == nl {
			end--
		}
	}
	b, ok := tail.at(end - 1)
	return ok && b == '"'
}

// tailReader passes reads through and keeps the last len(ring) bytes read,
// addressable by their offset in the stream.
type tailReader struct {
	r    io.Reader
	ring []byte
	n    int64 // bytes read so far
}

func (t *tailReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for b := p[:n]; len(b) > 0; {
		c := copy(t.ring[t.n%int64(len(t.ring)):], b)
		b, t.n = b[c:], t.n+int64(c)
	}
	return n, err
}

// at returns the byte at offset off, if it is still kept.
func (t *tailReader) at(off int64) (byte, bool) {
	if off < 0 || off >= t.n || t.n-off > int64(len(t.ring)) {
		return 0, false
	}
	return t.ring[off%int64(len(t.ring))], true
}

// s3Location splits an s3://bucket/key URL.
func s3Location(loc string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(loc, "s3://")
	bucket, key, found := strings.Cut(rest, "/")
	if !ok || !found || bucket == "" || key == "" {
		return "", "", fmt.Errorf("result location %q is not an s3://bucket/key URL", loc)
	}
	return bucket, key, nil
}
