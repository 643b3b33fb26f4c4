package llm

import (
	"bufio"
	"bytes"
	"io"
	"strings"
)

// maxSSELine bounds one line of a server-sent event stream.
const maxSSELine = 4 << 20

// sseReader reads the data of server-sent events
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
// lines end in LF, CRLF or CR; "data:" lines (one leading space removed)
// are joined with LF; a blank line dispatches the event; comments (":...")
// and other fields are ignored. An event left open at the end of the stream
// is dispatched too, since some servers omit the final blank line.
type sseReader struct {
	sc *bufio.Scanner
}

func newSSEReader(r io.Reader) *sseReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxSSELine)
	sc.Split(scanSSELines)
	return &sseReader{sc: sc}
}

// Next returns the data of the next event that has any, or io.EOF.
func (s *sseReader) Next() (string, error) {
	var data []string
	has := false
	for s.sc.Scan() {
		line := s.sc.Text()
		if line == "" {
			if has {
				return strings.Join(data, "\n"), nil
			}
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		if field != "data" {
			continue
		}
		value = strings.TrimPrefix(value, " ")
		data = append(data, value)
		has = true
	}
	if err := s.sc.Err(); err != nil {
		return "", err
	}
	if has {
		return strings.Join(data, "\n"), nil
	}
	return "", io.EOF
}

// scanSSELines splits on LF, CRLF or a lone CR.
func scanSSELines(data []byte, atEOF bool) (int, []byte, error) {
	if atEOF && len(data) == 0 {
		return 0, nil, nil
	}
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		if data[i] == '\r' {
			if i+1 == len(data) && !atEOF {
				return 0, nil, nil // a CR at the end may be the first half of CRLF
			}
			if i+1 < len(data) && data[i+1] == '\n' {
				return i + 2, data[:i], nil
			}
		}
		return i + 1, data[:i], nil
	}
	if atEOF {
		return len(data), data, nil
	}
	return 0, nil, nil
}
