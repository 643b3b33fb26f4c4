package store

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

// helperEnv makes the test binary act as a child process (see TestMain):
// "hold" opens the database and waits for stdin to close; "write" appends
// records forever, printing each ID once its transaction has committed.
const helperEnv = "AEGIS_STORE_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "hold":
		s, err := Open(os.Getenv("AEGIS_STORE_TEST_DB"), Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		s.Close()
		os.Exit(0)
	case "write":
		s, err := Open(os.Getenv("AEGIS_STORE_TEST_DB"), Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		h := NewHistory(s)
		for i := 0; ; i++ {
			payload := fmt.Sprintf(`{"n":%d,"pad":%q}`, i, strings.Repeat("x", i%4096))
			r, err := h.Append(Record{Kind: KindValidation, Title: strconv.Itoa(i), Payload: json.RawMessage(payload)})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(2)
			}
			fmt.Printf("%s %d\n", r.ID, i) // os.Stdout is unbuffered: printed means committed
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown helper", os.Getenv(helperEnv))
		os.Exit(2)
	}
}

func helper(t *testing.T, mode, db string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, "AEGIS_STORE_TEST_DB="+db)
	cmd.Stderr = os.Stderr
	return cmd
}

// testOptions has a clock that advances one second per call from a fixed
// instant, and IDs that sort like the times.
func testOptions() Options {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	return Options{
		Clock: func() time.Time { now = now.Add(time.Second); return now },
		NewID: func(t time.Time) (string, error) { return t.Format("20060102T150405"), nil },
	}
}

func openTemp(t *testing.T, opts Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", FileName)
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenPermissions(t *testing.T) {
	_, path := openTemp(t, Options{})
	for _, c := range []struct {
		path string
		want os.FileMode
	}{{filepath.Dir(path), 0o700}, {path, 0o600}} {
		fi, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != c.want {
			t.Errorf("%s: mode %o, want %o", c.path, got, c.want)
		}
	}
}

func TestOpenTightensLooseFile(t *testing.T) {
	s, path := openTemp(t, Options{})
	s.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, _ := os.Stat(path)
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode after reopening a 0644 file: %o, want 600", got)
	}
}

func TestDataDir(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"override", map[string]string{DataDirEnv: "/custom/dir"}, "/custom/dir"},
		{"os config dir", nil, "/xdg/aegis-iam"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DataDir(func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("DataDir(%v) = %q, want %q", tc.env, got, tc.want)
			}
		})
	}
}

type prefs struct {
	Theme   string   `json:"theme"`
	Servers []string `json:"servers"`
}

func TestSettingsRoundTrip(t *testing.T) {
	s, path := openTemp(t, Options{})
	repo := NewSettings[prefs](s)
	if got, found, err := repo.Get(); err != nil || found {
		t.Fatalf("Get on a new database = %v, %v, %v; want zero, false, nil", got, found, err)
	}
	want := prefs{Theme: "dark", Servers: []string{"a", "b"}}
	if err := repo.Put(want); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, found, err := NewSettings[prefs](s).Get()
	if err != nil || !found {
		t.Fatalf("Get after reopen: found=%v err=%v", found, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings after reopen (-want +got):\n%s", diff)
	}
}

func TestHistory(t *testing.T) {
	s, _ := openTemp(t, testOptions())
	h := NewHistory(s)
	var ids []string
	for i, k := range []Kind{KindValidation, KindAudit, KindValidation, KindSession} {
		r, err := h.Append(Record{Kind: k, Title: fmt.Sprint(i), Summary: "s", Payload: json.RawMessage(`{"i":` + fmt.Sprint(i) + `}`)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	titles := func(rs []Record) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Title)
		}
		return out
	}
	tests := []struct {
		kind  Kind
		limit int
		want  []string
	}{
		{"", 0, []string{"3", "2", "1", "0"}},
		{"", 2, []string{"3", "2"}},
		{KindValidation, 0, []string{"2", "0"}},
		{KindValidation, 1, []string{"2"}},
		{KindAudit, 0, []string{"1"}},
		{KindSession, 5, []string{"3"}},
	}
	for _, tc := range tests {
		got, err := h.List(tc.kind, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, titles(got)); diff != "" {
			t.Errorf("List(%q, %d) titles (-want +got):\n%s", tc.kind, tc.limit, diff)
		}
	}

	got, err := h.Get(ids[1])
	if err != nil {
		t.Fatal(err)
	}
	want := Record{ID: "20261128T120002", Kind: KindAudit, Title: "1", Summary: "s",
		CreatedAt: time.Date(2026, 11, 28, 12, 0, 2, 0, time.UTC), Payload: json.RawMessage(`{"i":1}`)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get(%s) (-want +got):\n%s", ids[1], diff)
	}

	if err := h.Delete(ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Get(ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	if err := h.Delete(ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: err = %v, want ErrNotFound", err)
	}
	if rs, _ := h.List(KindValidation, 0); len(rs) != 1 {
		t.Errorf("List(validation) after Delete: %d records, want 1", len(rs))
	}
}

func TestHistoryRejects(t *testing.T) {
	s, _ := openTemp(t, Options{})
	h := NewHistory(s)
	if _, err := h.Append(Record{Kind: "report"}); err == nil {
		t.Error("Append with kind report: want an error")
	}
	if _, err := h.Append(Record{Kind: KindAudit, Payload: json.RawMessage(`{`)}); err == nil {
		t.Error("Append with a truncated JSON payload: want an error")
	}
	if _, err := h.List("report", 0); err == nil {
		t.Error("List(report): want an error")
	}
	if _, err := ParseKind("audit"); err != nil {
		t.Errorf("ParseKind(audit): %v", err)
	}
}

func TestClosedStore(t *testing.T) {
	s, _ := openTemp(t, Options{})
	s.Close()
	if _, err := NewHistory(s).List("", 0); !errors.Is(err, errClosed) {
		t.Errorf("List on a closed store: err = %v, want errClosed", err)
	}
}

func TestULID(t *testing.T) {
	// The spec's example: 1469918176385 ms encodes as 01ARYZ6S41.
	next := NewULIDSource(bytes.NewReader(bytes.Repeat([]byte{0xff}, 10)))
	at := time.UnixMilli(1469918176385)
	first, err := next(at)
	if err != nil {
		t.Fatal(err)
	}
	if want := "01ARYZ6S41ZZZZZZZZZZZZZZZZ"; first != want {
		t.Errorf("first ID = %s, want %s", first, want)
	}
	// The random part is all ones: incrementing overflows, so the next ID
	// moves to the next millisecond instead of repeating.
	second, err := next(at)
	if err != nil {
		t.Fatal(err)
	}
	if second <= first || !strings.HasPrefix(second, "01ARYZ6S42") {
		t.Errorf("second ID in the same millisecond = %s, want > %s with time 01ARYZ6S42", second, first)
	}
	if _, err := next(at.Add(time.Hour)); err == nil {
		t.Error("new millisecond with exhausted entropy: want an error")
	}

	next = NewULIDSource(bytes.NewReader(make([]byte, 1000)))
	prev := ""
	for i := range 50 {
		id, err := next(at.Add(time.Duration(i/10) * time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 26 || id <= prev {
			t.Fatalf("ID %d = %s after %s: want 26 characters, strictly increasing", i, id, prev)
		}
		prev = id
	}
}

// TestMigrateFromV1 builds a version 1 file (buckets without the history
// index) with bbolt directly and checks Open upgrades it.
func TestMigrateFromV1(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	old := []Record{
		{ID: "01A", Kind: KindValidation, Title: "oldest"},
		{ID: "01C", Kind: KindAudit, Title: "newest"},
		{ID: "01B", Kind: KindSession, Title: "middle"},
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if err := createBuckets(tx); err != nil {
			return err
		}
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keySchemaVersion, []byte("1")); err != nil {
			return err
		}
		for _, r := range old {
			b, _ := bucketOf(r.Kind)
			if err := putJSON(tx.Bucket(b), []byte(r.ID), r); err != nil {
				return err
			}
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	s.view(func(tx *bolt.Tx) error { version, err = schemaVersion(tx); return err })
	if version != SchemaVersion {
		t.Errorf("schema version after Open = %d, want %d", version, SchemaVersion)
	}
	h := NewHistory(s)
	list, err := h.List("", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range list {
		got = append(got, r.Title)
	}
	if diff := cmp.Diff([]string{"newest", "middle", "oldest"}, got); diff != "" {
		t.Errorf("List after migration (-want +got):\n%s", diff)
	}
	if r, err := h.Get("01B"); err != nil || r.Kind != KindSession {
		t.Errorf("Get(01B) after migration = %+v, %v", r, err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	s, path := openTemp(t, Options{})
	s.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchemaVersion, []byte(strconv.Itoa(SchemaVersion+1)))
	})
	s.Close()
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer than this build supports") {
		t.Errorf("Open of a version %d file: err = %v, want a newer-schema error", SchemaVersion+1, err)
	}
}

func TestPurgeCompacts(t *testing.T) {
	s, path := openTemp(t, Options{})
	h := NewHistory(s)
	const marker = "ACCOUNT-DATA-MARKER-7f3a"
	for i := range 20 {
		if _, err := h.Append(Record{Kind: KindAudit, Title: marker, Payload: json.RawMessage(fmt.Sprintf(`{"n":%d}`, i))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := NewSettings[prefs](s).Put(prefs{Theme: "light"}); err != nil {
		t.Fatal(err)
	}
	n, err := h.Purge()
	if err != nil {
		t.Fatal(err)
	}
	if n != 20 {
		t.Errorf("Purge removed %d records, want 20", n)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(marker)) {
		t.Error("purged data still present in the database file")
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after compaction: %o, want 600", fi.Mode().Perm())
	}
	if rs, err := h.List("", 0); err != nil || len(rs) != 0 {
		t.Errorf("List after Purge = %d records, %v; want none", len(rs), err)
	}
	if got, _, _ := NewSettings[prefs](s).Get(); got.Theme != "light" {
		t.Errorf("settings after Purge: theme %q, want light (purge keeps settings)", got.Theme)
	}
	if _, err := h.Append(Record{Kind: KindSession}); err != nil {
		t.Errorf("Append after Purge: %v", err)
	}
}

// TestSecondOpenInProcess shows bbolt's flock conflicts even inside one
// process (each open(2) gets its own open file description).
func TestSecondOpenInProcess(t *testing.T) {
	_, path := openTemp(t, Options{})
	start := time.Now()
	_, err := Open(path, Options{LockTimeout: 100 * time.Millisecond})
	var are *AlreadyRunningError
	if !errors.As(err, &are) || !errors.Is(err, ErrAlreadyRunning) || are.Path != path {
		t.Fatalf("second Open: err = %v, want AlreadyRunningError for %s", err, path)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("second Open took %v", d)
	}
}

func TestSecondInstance(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	child := helper(t, "hold", path)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("child: %q, %v", line, err)
	}

	start := time.Now()
	_, err = Open(path, Options{})
	elapsed := time.Since(start)
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("Open while another process holds the file: err = %v, want ErrAlreadyRunning", err)
	}
	if want := fmt.Sprintf("Aegis IAM is already running (database locked: %s)", path); err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	if elapsed < DefaultLockTimeout/2 || elapsed > 3*DefaultLockTimeout {
		t.Errorf("Open gave up after %v, want about %v", elapsed, DefaultLockTimeout)
	}

	stdin.Close()
	if err := child.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open after the other process exited: %v", err)
	}
	s.Close()
}

// TestKillDuringWrites kills a writing child process with SIGKILL and
// checks every record it reported committed is intact.
func TestKillDuringWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	child := helper(t, "write", path)
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	committed := map[string]int{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		var id string
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "%s %d", &id, &n); err != nil {
			t.Fatalf("child output %q: %v", sc.Text(), err)
		}
		committed[id] = n
		if len(committed) == 300 {
			break
		}
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if len(committed) < 300 {
		t.Fatalf("child committed only %d records before exiting", len(committed))
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("Open after kill -9: %v", err)
	}
	defer s.Close()
	if err := s.view(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain: the checker goroutine sends every problem
			if first == nil {
				first = err
			}
		}
		return first
	}); err != nil {
		t.Errorf("consistency check after kill -9: %v", err)
	}
	h := NewHistory(s)
	for id, n := range committed {
		r, err := h.Get(id)
		if err != nil {
			t.Errorf("record %d (%s) reported committed: %v", n, id, err)
			continue
		}
		var p struct {
			N   int    `json:"n"`
			Pad string `json:"pad"`
		}
		if err := json.Unmarshal(r.Payload, &p); err != nil || p.N != n || len(p.Pad) != n%4096 || r.Title != strconv.Itoa(n) {
			t.Errorf("record %s: title %q payload n=%d len(pad)=%d err=%v; want %d", id, r.Title, p.N, len(p.Pad), err, n)
		}
	}
	all, err := h.List("", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < len(committed) {
		t.Errorf("List after kill -9: %d records, want at least %d", len(all), len(committed))
	}
}
