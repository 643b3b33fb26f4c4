package awsapi

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/awsapi/awsapitest"
)

func readAll(t testing.TB, data []byte) ([]string, [][]*string, error) {
	t.Helper()
	var rows [][]*string
	cols, err := readAthenaCSV(bytes.NewReader(data), func(r []*string) error {
		rows = append(rows, r)
		return nil
	})
	return cols, rows, err
}

// TestReadAthenaCSV reads result files as Athena writes them and rejects
// malformed ones with their position.
func TestReadAthenaCSV(t *testing.T) {
	s := func(v string) *string { return &v }
	for _, tc := range []struct {
		name, file string
		rows       [][]*string
		err        string
	}{
		{name: "null and empty", file: "\"a\",\"b\"\n\"\",\n,\"\"\n,\n", rows: [][]*string{{s(""), nil}, {nil, s("")}, {nil, nil}}},
		{name: "no final newline", file: "\"a\",\"b\"\n\"x\",\"\"", rows: [][]*string{{s("x"), s("")}}},
		{name: "no final newline, null last", file: "\"a\",\"b\"\n\"x\",", rows: [][]*string{{s("x"), nil}}},
		{name: "crlf line ends", file: "\"a\",\"b\"\r\n\"x\",\"\"\r\n\"y\",\r\n", rows: [][]*string{{s("x"), s("")}, {s("y"), nil}}},
		{name: "escaped quotes and newlines", file: "\"a\",\"b\"\n\"\"\"\",\"1\n2\"\n", rows: [][]*string{{s(`"`), s("1\n2")}}},
		{name: "header only", file: "\"a\",\"b\"\n"},
		{name: "empty file", file: "", err: "no header row"},
		{name: "bare quote", file: "\"a\",\"b\"\n\"x\",y\"z\n", err: "line 2, column 6"},
		{name: "short row", file: "\"a\",\"b\"\n\"x\"\n", err: "wrong number of fields"},
		{name: "one column", file: "\"a\"\n\"x\"\n", err: "one-column"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, rows, err := readAll(t, []byte(tc.file))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("%q: got %v, want an error with %q", tc.file, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.rows, rows); diff != "" {
				t.Errorf("%q: rows (-want +got):\n%s", tc.file, diff)
			}
		})
	}
}

// TestReadAthenaCSVLongRecords: NULL and the empty string stay apart in
// the last column of records longer than the read buffer.
func TestReadAthenaCSVLongRecords(t *testing.T) {
	long := strings.Repeat("x", 3*csvBuffer+17)
	empty := ""
	rows := [][]*string{{&long, nil}, {&long, &empty}, {nil, &long}}
	_, got, err := readAll(t, awsapitest.AthenaCSV([]string{"a", "b"}, rows))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rows, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// FuzzReadAthenaCSV: any input is read or refused without a panic, and
// any rows written as Athena writes them read back as they were (values
// without a carriage return: encoding/csv drops the one before a newline,
// as RFC 4180 readers may).
func FuzzReadAthenaCSV(f *testing.F) {
	f.Add("a", "", true, "x\"y,z\nw")
	f.Add("", "\"\"", false, "é")
	f.Fuzz(func(t *testing.T, a, b string, null bool, c string) {
		readAll(t, []byte(a+b+c)) // must not panic
		if strings.ContainsRune(a+b+c, '\r') {
			return
		}
		bp := &b
		if null {
			bp = nil
		}
		rows := [][]*string{{&a, bp, &c}, {nil, &c, bp}}
		cols, got, err := readAll(t, awsapitest.AthenaCSV([]string{"a", "b", "c"}, rows))
		if err != nil {
			t.Fatalf("%q, %q (null %v), %q: %v", a, b, null, c, err)
		}
		if len(cols) != 3 {
			t.Errorf("columns %q", cols)
		}
		if diff := cmp.Diff(rows, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

// BenchmarkReadAthenaCSV reads a 100,000-row usage result file, each row
// handed on and dropped, as a streaming consumer does: the bytes
// allocated per row stay those of the row itself.
func BenchmarkReadAthenaCSV(b *testing.B) {
	const n = 100_000
	cells := []string{"111122223333", "", "s3.amazonaws.com", "GetObject", "ok", "3", "2025-06-01T10:00:00Z", "2025-06-02T11:00:00Z", "1",
		`[["arn:aws:s3:::reports/*"]]`}
	rows := make([][]*string, n)
	for i := range rows {
		rows[i] = make([]*string, len(cells))
		for j := range cells {
			v := cells[j]
			if j == 1 {
				v = fmt.Sprintf("arn:aws:iam::111122223333:role/r%06d", i)
			}
			rows[i][j] = &v
		}
	}
	data := awsapitest.AthenaCSV(make([]string, len(cells)), rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		count := 0
		if _, err := readAthenaCSV(bytes.NewReader(data), func([]*string) error { count++; return nil }); err != nil || count != n {
			b.Fatal(err, count)
		}
	}
}

// A consumer's error stops the read and is returned.
func TestReadAthenaCSVStops(t *testing.T) {
	stop := errors.New("enough")
	_, err := readAthenaCSV(strings.NewReader("\"a\",\"b\"\n\"1\",\"2\"\n\"3\",\"4\"\n"), func([]*string) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("got %v", err)
	}
	var pe *csv.ParseError
	_, err = readAthenaCSV(io.MultiReader(strings.NewReader("\"a\",\"b\"\n\"x"), strings.NewReader("")), func([]*string) error { return nil })
	if !errors.As(err, &pe) {
		t.Errorf("unterminated quote: got %v", err)
	}
}
