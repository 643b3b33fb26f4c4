// Package store owns Aegis IAM's local database: one bbolt file in the OS
// configuration directory (aegis-iam/aegis.db, mode 0600) holding the
// desktop settings and the history of sessions, validations and audits.
//
// Every aggregate has its own bucket and every value is JSON. An audit's
// snapshot (the account configuration it was computed from, often
// megabytes) has a bucket of its own under the audit's ID, written and
// deleted with the audit, so that listing and opening audits never read
// it. A meta bucket records the schema version; Open runs the ordered
// migrations that bring an older file up to date in one transaction. The
// file is opened with a lock timeout so that a second running instance
// fails fast with ErrAlreadyRunning instead of waiting forever for bbolt's
// file lock.
//
// bbolt: https://pkg.go.dev/go.etcd.io/bbolt
package store
