package cloudtrail

import (
	"encoding/hex"
	"hash/fnv"
	"sync"
)

// dedup remembers the eventIDs seen, across workers: an organization trail
// and an account trail (or a copied folder) can deliver the same event
// twice. IDs are UUIDs, kept as their 16 bytes; any other shape is kept as
// its 128-bit FNV-1a hash.
//
// The IDs are kept by the hour of their eventTime. A duplicate is the same
// record delivered again, with the same eventTime, so it meets its first
// copy in the same hour; and a log file holds minutes of events, so the
// sets a worker probes are those of an hour or two, small enough to stay
// in the CPU's cache. One set of ten million IDs would miss the cache on
// nearly every probe, which made it a seventh of the read's CPU time.
type dedup struct {
	mu    sync.Mutex
	hours map[int64]*hourIDs
}

// hourIDs are the IDs of one hour, in two shards so that two workers
// reading files of the same hour wait for each other half as often (more
// shards measured no faster and took more memory: small maps are emptier).
type hourIDs struct {
	shards [2]struct {
		sync.Mutex
		seen map[[16]byte]struct{}
	}
}

// dedupCursor is one worker's last hour, so that the index of hours is
// locked when the hour changes, not for every record.
type dedupCursor struct {
	hour int64
	ids  *hourIDs
}

func newDedup() *dedup {
	return &dedup{hours: map[int64]*hourIDs{}}
}

// first reports whether id, of an event at Unix time t, is seen for the
// first time. An empty ID cannot be compared and is always first.
func (d *dedup) first(id []byte, t int64, c *dedupCursor) bool {
	if len(id) == 0 {
		return true
	}
	if h := t / 3600; c.ids == nil || c.hour != h {
		c.hour, c.ids = h, d.hour(h)
	}
	k := idKey(id)
	sh := &c.ids.shards[k[15]&1]
	sh.Lock()
	_, dup := sh.seen[k]
	if !dup {
		sh.seen[k] = struct{}{}
	}
	sh.Unlock()
	return !dup
}

// hour returns the IDs of hour h, made on first use.
func (d *dedup) hour(h int64) *hourIDs {
	d.mu.Lock()
	defer d.mu.Unlock()
	ids := d.hours[h]
	if ids == nil {
		ids = &hourIDs{}
		for i := range ids.shards {
			ids.shards[i].seen = map[[16]byte]struct{}{}
		}
		d.hours[h] = ids
	}
	return ids
}

// idKey packs a UUID ("3038ebd2-c98a-4c65-9b6e-e22506292313") into its 16
// bytes, or hashes anything else.
func idKey(id []byte) (k [16]byte) {
	if len(id) == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' && id[23] == '-' {
		var h [32]byte
		copy(h[0:8], id[0:8])
		copy(h[8:12], id[9:13])
		copy(h[12:16], id[14:18])
		copy(h[16:20], id[19:23])
		copy(h[20:32], id[24:36])
		if _, err := hex.Decode(k[:], h[:]); err == nil {
			return k
		}
	}
	f := fnv.New128a()
	f.Write(id)
	f.Sum(k[:0])
	// Mark hashed keys as UUID version 0, variant 11, which no real eventID
	// (a version-4 UUID) has, so that they cannot collide with one.
	k[6] &= 0x0f
	k[8] |= 0xc0
	return k
}
