package store

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DataDirEnv names the environment variable that overrides the directory
// holding the database.
const DataDirEnv = "AEGIS_IAM_DATA_DIR"

// FileName is the database's file name inside the data directory.
const FileName = "aegis.db"

// DefaultLockTimeout is how long Open waits for another process to release
// the database before reporting ErrAlreadyRunning.
const DefaultLockTimeout = time.Second

// ErrAlreadyRunning is matched (errors.Is) by the error Open returns when
// another process holds the database.
var ErrAlreadyRunning = errors.New("aegis iam is already running")

// AlreadyRunningError says which database file another process holds.
type AlreadyRunningError struct{ Path string }

func (e *AlreadyRunningError) Error() string {
	return fmt.Sprintf("Aegis IAM is already running (database locked: %s)", e.Path)
}

// Is makes errors.Is(err, ErrAlreadyRunning) true.
func (e *AlreadyRunningError) Is(target error) bool { return target == ErrAlreadyRunning }

// DataDir returns the directory holding the database: $AEGIS_IAM_DATA_DIR
// when set, otherwise aegis-iam inside the OS configuration directory
// (os.UserConfigDir: $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/
// Application Support on macOS, %AppData% on Windows).
func DataDir(getenv func(string) string) (string, error) {
	if d := getenv(DataDirEnv); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("locating the configuration directory (set %s to choose one): %w", DataDirEnv, err)
	}
	return filepath.Join(base, "aegis-iam"), nil
}

// Options tune Open. The zero value is the production configuration.
type Options struct {
	// LockTimeout bounds the wait for another process's lock; zero means
	// DefaultLockTimeout.
	LockTimeout time.Duration
	// Clock stamps history records; nil means time.Now.
	Clock func() time.Time
	// NewID returns a record ID for a creation time. IDs must sort
	// lexically in creation order (newest-first listing relies on it) and
	// be unique. Nil means monotonic ULIDs from crypto/rand.
	NewID func(time.Time) (string, error)
}

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	path  string
	clock func() time.Time
	newID func(time.Time) (string, error)
	lock  time.Duration

	mu sync.RWMutex // guards db: PurgeHistory swaps it for a compacted file
	db *bolt.DB
}

// Open opens (creating if needed) the database at path, creating its
// directory with mode 0700 and the file with mode 0600, and migrates it to
// the current schema.
func Open(path string, opts Options) (*Store, error) {
	s := &Store{path: path, clock: opts.Clock, newID: opts.NewID, lock: opts.LockTimeout}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.newID == nil {
		s.newID = NewULIDSource(rand.Reader)
	}
	if s.lock <= 0 {
		s.lock = DefaultLockTimeout
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	db, err := s.openFile(path)
	if err != nil {
		return nil, err
	}
	if err := migrate(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	s.db = db
	return s, nil
}

func (s *Store) openFile(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: s.lock})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, &AlreadyRunningError{Path: path}
	}
	if err != nil {
		return nil, fmt.Errorf("opening database %s: %w", path, err)
	}
	// bbolt applies the mode only when it creates the file; a file copied
	// in with looser permissions is tightened, since it holds account data.
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			db.Close()
			return nil, fmt.Errorf("restricting permissions of %s: %w", path, err)
		}
	}
	return db, nil
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Close releases the database and its lock.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return nil
	}
	err := s.db.Close()
	s.db = nil
	if err != nil {
		return fmt.Errorf("closing database: %w", err)
	}
	return nil
}

var errClosed = errors.New("database is closed")

func (s *Store) view(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return errClosed
	}
	return s.db.View(fn)
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.db == nil {
		return errClosed
	}
	return s.db.Update(fn)
}

// compact rewrites the database into a fresh file and swaps it in, so that
// deleted values no longer linger in free pages on disk.
func (s *Store) compact() (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.db == nil {
		return errClosed
	}
	tmp := s.path + ".compact"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("compacting database: %w", err)
	}
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: s.lock})
	if err != nil {
		return fmt.Errorf("compacting database: %w", err)
	}
	if err := bolt.Compact(dst, s.db, 1<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compacting database: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compacting database: %w", err)
	}
	if err := s.db.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compacting database: %w", err)
	}
	s.db = nil
	renameErr := os.Rename(tmp, s.path)
	db, err := s.openFile(s.path)
	if err != nil {
		return fmt.Errorf("reopening compacted database: %w", err)
	}
	s.db = db
	if renameErr != nil {
		os.Remove(tmp)
		return fmt.Errorf("replacing database with compacted copy: %w", renameErr)
	}
	return nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", key, err)
	}
	return b.Put(key, data)
}
