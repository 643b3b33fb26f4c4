package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// Bucket names. Each history aggregate has its own bucket keyed by record
// ID; bucketIndex maps every history ID to the bucket holding it, which is
// both the global newest-first order and the lookup for Get and Delete.
var (
	bucketMeta        = []byte("meta")
	bucketSettings    = []byte("settings")
	bucketSessions    = []byte("sessions")
	bucketValidations = []byte("validations")
	bucketAudits      = []byte("audits")
	bucketIndex       = []byte("history_index")
	// bucketRemediations keeps remediation records by ID (not history:
	// a purge keeps what a rollback needs).
	bucketRemediations = []byte("remediations")
	// bucketAuditSnapshots keeps, under an audit's ID, the account
	// configuration the audit was computed from: megabytes that only
	// queries about that audit read.
	bucketAuditSnapshots = []byte("audit_snapshots")

	keySchemaVersion = []byte("schemaVersion")
)

// SchemaVersion is the layout this build reads and writes.
const SchemaVersion = 4

// migration upgrades a database from version to-1 to version to.
type migration struct {
	to   int
	name string
	run  func(tx *bolt.Tx) error
}

// migrations are applied in order; migrations[i].to == i+1.
var migrations = []migration{
	{to: 1, name: "create aggregate buckets", run: createBuckets},
	{to: 2, name: "index history IDs", run: indexHistory},
	{to: 3, name: "create the remediations bucket", run: func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketRemediations)
		return err
	}},
	{to: 4, name: "move audit snapshots to their own bucket", run: moveAuditSnapshots},
}

func createBuckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketSettings, bucketSessions, bucketValidations, bucketAudits} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("creating bucket %s: %w", name, err)
		}
	}
	return nil
}

// indexHistory builds bucketIndex from the records version 1 stored
// without one.
func indexHistory(tx *bolt.Tx) error {
	idx, err := tx.CreateBucketIfNotExists(bucketIndex)
	if err != nil {
		return fmt.Errorf("creating bucket %s: %w", bucketIndex, err)
	}
	for _, k := range kinds {
		b := tx.Bucket(k.bucket)
		if b == nil {
			return fmt.Errorf("bucket %s is missing", k.bucket)
		}
		if err := b.ForEach(func(id, _ []byte) error { return idx.Put(id, k.bucket) }); err != nil {
			return fmt.Errorf("indexing %s: %w", k.bucket, err)
		}
	}
	return nil
}

// keyLegacySnapshot is the member of an audit's payload where version 3
// kept the audit's snapshot.
const keyLegacySnapshot = "snapshot"

// moveAuditSnapshots creates bucketAuditSnapshots and moves into it the
// snapshot version 3 kept inside each audit's payload (its "snapshot"
// member), leaving the rest of the payload as it was. A payload that is
// not a JSON object, or has no snapshot, stays as it is.
func moveAuditSnapshots(tx *bolt.Tx) error {
	snaps, err := tx.CreateBucketIfNotExists(bucketAuditSnapshots)
	if err != nil {
		return fmt.Errorf("creating bucket %s: %w", bucketAuditSnapshots, err)
	}
	audits := tx.Bucket(bucketAudits)
	if audits == nil {
		return fmt.Errorf("bucket %s is missing", bucketAudits)
	}
	// Collect the IDs first: a cursor is invalidated by the Puts below.
	var ids [][]byte
	if err := audits.ForEach(func(id, _ []byte) error { ids = append(ids, bytes.Clone(id)); return nil }); err != nil {
		return err
	}
	for _, id := range ids {
		var r Record
		if err := json.Unmarshal(audits.Get(id), &r); err != nil {
			return fmt.Errorf("decoding %s/%s: %w", bucketAudits, id, err)
		}
		var members map[string]json.RawMessage
		if json.Unmarshal(r.Payload, &members) != nil || members == nil {
			continue
		}
		snapshot, ok := members[keyLegacySnapshot]
		if !ok {
			continue
		}
		delete(members, keyLegacySnapshot)
		if string(snapshot) != "null" {
			if err := snaps.Put(id, snapshot); err != nil {
				return fmt.Errorf("moving the snapshot of audit %s: %w", id, err)
			}
		}
		if r.Payload, err = json.Marshal(members); err != nil {
			return fmt.Errorf("encoding audit %s: %w", id, err)
		}
		if err := putJSON(audits, id, r); err != nil {
			return err
		}
	}
	return nil
}

// schemaVersion reads the stored version; a database without a meta bucket
// is new (version 0).
func schemaVersion(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	raw := meta.Get(keySchemaVersion)
	if raw == nil {
		return 0, nil
	}
	var v int
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, fmt.Errorf("reading schema version %q: %w", raw, err)
	}
	return v, nil
}

// migrate brings the database to SchemaVersion in a single transaction, so
// a crash leaves it at the old version or the new one, never between.
func migrate(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		v, err := schemaVersion(tx)
		if err != nil {
			return err
		}
		if v > SchemaVersion {
			return fmt.Errorf("database schema version %d is newer than this build supports (%d): upgrade Aegis IAM", v, SchemaVersion)
		}
		if v == SchemaVersion {
			return nil
		}
		for _, m := range migrations[v:] {
			if err := m.run(tx); err != nil {
				return fmt.Errorf("migrating schema to version %d (%s): %w", m.to, m.name, err)
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("creating bucket %s: %w", bucketMeta, err)
		}
		return meta.Put(keySchemaVersion, []byte(strconv.Itoa(SchemaVersion)))
	})
}
