package cloudtrail

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/cloudtrail/ctgen"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// Benchmarks read generated trees under /tmp (never the repository),
// written once and reused: go test -run '^$' -bench . ./backend/cloudtrail
// The size is set by CT_BENCH_FILES: by default 64 files of 3,000 records,
// about 7 MB of JSON (1.3 MB gzip) each. Figures are in docs/cloudtrail.md.

var benchStart = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// benchTree returns a generated tree of about files log files, its files
// and their decompressed size.
func benchTree(b *testing.B, files int) ([]File, int64) {
	b.Helper()
	days := max(1, files/8)
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("aegis-ctbench-%d", files))
	if _, err := os.Stat(filepath.Join(dir, "done")); err != nil {
		os.RemoveAll(dir)
		spec := ctgen.Bulk(7, benchStart, days, 200, files*3000, 4, 1200, []string{"us-east-1", "eu-west-1"})
		if _, err := ctgen.Write(dir, spec); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "done"), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	fs, _, bad, err := Discover(dir)
	if err != nil || len(bad) > 0 {
		b.Fatal(err, bad)
	}
	var size int64
	for _, f := range fs {
		size += gunzipSize(b, f.Path)
	}
	return fs, size
}

func gunzipSize(b *testing.B, path string) int64 {
	fh, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, zr)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

func benchFiles() int {
	n := 64
	fmt.Sscan(os.Getenv("CT_BENCH_FILES"), &n)
	return n
}

func benchDB(b *testing.B) *iamdb.DB {
	db, err := iamdb.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkRead is the reader's throughput in decompressed bytes per
// second, with one worker and with one per CPU.
func BenchmarkRead(b *testing.B) {
	files, size := benchTree(b, benchFiles())
	db := benchDB(b)
	for _, w := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.SetBytes(size)
			c0 := cpuTime()
			for b.Loop() {
				u, err := Read(context.Background(), files, Options{DB: db, Start: benchStart, End: benchStart.AddDate(0, 0, 400), Workers: w})
				if err != nil || len(u.Failures) > 0 {
					b.Fatal(err, u.Failures)
				}
			}
			reportCPU(b, size, cpuTime()-c0)
		})
	}
}

// BenchmarkGzipDC is the yardstick: `gzip -dc` of the same files, one
// process, output discarded.
func BenchmarkGzipDC(b *testing.B) {
	files, size := benchTree(b, benchFiles())
	gz, err := exec.LookPath("gzip")
	if err != nil {
		b.Skip("no gzip")
	}
	args := []string{"-dc"}
	for _, f := range files {
		args = append(args, f.Path)
	}
	b.SetBytes(size)
	var used time.Duration
	for b.Loop() {
		cmd := exec.Command(gz, args...)
		cmd.Stdout = io.Discard
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
		used += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	reportCPU(b, size, used)
}

// BenchmarkGunzip is Go's compress/gzip alone, one goroutine.
func BenchmarkGunzip(b *testing.B) {
	files, size := benchTree(b, benchFiles())
	b.SetBytes(size)
	c0 := cpuTime()
	for b.Loop() {
		for _, f := range files {
			gunzipSize(b, f.Path)
		}
	}
	reportCPU(b, size, cpuTime()-c0)
}

// BenchmarkStdlibJSON decodes the same records with encoding/json, one
// goroutine: the approach the scanner replaces.
func BenchmarkStdlibJSON(b *testing.B) {
	files, size := benchTree(b, benchFiles())
	type rec struct {
		EventID, EventTime, EventSource, EventName, EventType, EventCategory, ErrorCode string
		UserIdentity                                                                    struct {
			Type, ARN      string
			SessionContext struct{ SessionIssuer struct{ Type, ARN string } }
		}
	}
	b.SetBytes(size)
	c0 := cpuTime()
	for b.Loop() {
		for _, f := range files {
			fh, _ := os.Open(f.Path)
			zr, _ := gzip.NewReader(bufio.NewReader(fh))
			var doc struct{ Records []rec }
			if err := json.NewDecoder(zr).Decode(&doc); err != nil {
				b.Fatal(err)
			}
			fh.Close()
		}
	}
	reportCPU(b, size, cpuTime()-c0)
}

// BenchmarkMemory reads trees of growing file counts and reports the peak
// live heap: it must stay flat with the number of files (it grows with the
// number of distinct events only, through eventID deduplication).
func BenchmarkMemory(b *testing.B) {
	db := benchDB(b)
	for _, n := range []int{16, 64, 256} {
		files, size := benchTree(b, n)
		b.Run(fmt.Sprintf("files=%d", len(files)), func(b *testing.B) {
			b.SetBytes(size)
			var peak atomic.Uint64
			for b.Loop() {
				runtime.GC()
				stop := make(chan struct{})
				var wg sync.WaitGroup
				wg.Go(func() { samplePeak(&peak, stop) })
				if _, err := Read(context.Background(), files, Options{DB: db, Start: benchStart, End: benchStart.AddDate(0, 0, 400)}); err != nil {
					b.Fatal(err)
				}
				close(stop)
				wg.Wait()
			}
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		})
	}
}

func samplePeak(peak *atomic.Uint64, stop chan struct{}) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		metrics.Read(s)
		if v := s[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// cpuTime is the process's CPU time. On a shared machine wall-clock MB/s
// depend on the neighbours; MB per CPU-second compare fairly.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports throughput per CPU-second over the b.N runs.
func reportCPU(b *testing.B, size int64, used time.Duration) {
	if used > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/used.Seconds(), "MB/cpu-s")
	}
}

// BenchmarkScan is the scanner alone over decompressed records in memory.
func BenchmarkScan(b *testing.B) {
	files, _ := benchTree(b, benchFiles())
	fh, err := os.Open(files[0].Path)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	s := newScanner(initialBuffer)
	b.SetBytes(int64(len(doc)))
	c0 := cpuTime()
	for b.Loop() {
		s.reset(bytes.NewReader(doc))
		if err := s.records(func(*record) {}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, int64(len(doc)), cpuTime()-c0)
}
