package store

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// crockford is the ULID alphabet (Crockford's base32): it sorts the same
// way as the numbers it encodes.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewULIDSource returns an ID source producing ULIDs
// (https://github.com/ulid/spec): 48 bits of milliseconds then 80 bits from
// entropy, 26 characters that sort by time. Within one millisecond the
// random part is incremented, so IDs from one source are strictly
// increasing, as the spec's monotonic mode says.
func NewULIDSource(entropy io.Reader) func(time.Time) (string, error) {
	var (
		mu     sync.Mutex
		lastMS uint64
		last   [10]byte
	)
	return func(t time.Time) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		ms := uint64(t.UnixMilli())
		if ms > lastMS || lastMS == 0 {
			if _, err := io.ReadFull(entropy, last[:]); err != nil {
				return "", fmt.Errorf("generating record ID: %w", err)
			}
			lastMS = ms
		} else if !increment(&last) {
			// 2^80 IDs in one millisecond (or a clock that went back and
			// caught up): move to the next millisecond rather than repeat.
			lastMS++
		}
		return encodeULID(lastMS, last), nil
	}
}

func increment(b *[10]byte) bool {
	for i := len(b) - 1; i >= 0; i-- {
		b[i]++
		if b[i] != 0 {
			return true
		}
	}
	return false
}

func encodeULID(ms uint64, r [10]byte) string {
	var out [26]byte
	// 48-bit time in 10 characters (the first holds 3 bits).
	for i := 9; i >= 0; i-- {
		out[i] = crockford[ms&31]
		ms >>= 5
	}
	// 80 random bits in 16 characters.
	var acc uint64
	bits := 0
	j := 10
	for _, c := range r {
		acc = acc<<8 | uint64(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out[j] = crockford[(acc>>bits)&31]
			j++
		}
	}
	return string(out[:])
}
