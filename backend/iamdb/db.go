package iamdb

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Data is the raw content of a database, as the generator or a data update
// assembles it. New takes ownership of the values it points to.
type Data struct {
	Provenance   Provenance
	Services     []*Service      // one per IAM prefix
	GlobalKeys   []*ConditionKey // the global aws: and cross-service keys
	KeyPrefixes  []KeyPrefix     // condition-key prefixes that are not service prefixes
	EventSources []EventSource   // CloudTrail eventSource → prefix exceptions
	EventRules   []EventRule     // CloudTrail eventName → action exceptions
}

// DB is a read-only, indexed IAM service-authorization database.
type DB struct {
	data Data
	// base is the embedded provenance when data is a data-update overlay.
	base *Provenance

	byPrefix   map[string]*Service
	actions    []*Action          // sorted by lowerFull
	lowerNames []string           // lowerFull of actions, for prefix ranges
	byName     map[string]*Action // lowerFull → action
	resources  int
	keys       map[string]*ConditionKey // lower-case name → definition
	patterns   []keyPattern             // keys with a variable part
	sources    map[string]string        // lower-case event source → prefix
	rules      map[string]*EventRule    // "prefix:lower(event)" → rule
}

// New validates d, links it (Service back-pointers) and builds the indexes.
func New(d Data) (*DB, error) {
	db := &DB{data: d, byPrefix: make(map[string]*Service, len(d.Services))}
	sortFunc(db.data.Services, func(a, b *Service) int { return cmp.Compare(a.Prefix, b.Prefix) })
	n := 0
	for _, s := range d.Services {
		if !ValidName(s.Prefix) {
			return nil, fmt.Errorf("invalid service prefix %q", s.Prefix)
		}
		lp := strings.ToLower(s.Prefix)
		if _, dup := db.byPrefix[lp]; dup {
			return nil, fmt.Errorf("duplicate service prefix %q", s.Prefix)
		}
		db.byPrefix[lp] = s
		n += len(s.Actions)
	}
	db.actions = make([]*Action, 0, n)
	// Link the services in "prefix:" order ("s3-object-lambda:" sorts
	// before "s3:"), so the concatenated actions are already in global
	// lower-case order and the sort below only verifies it.
	type keyed struct {
		key string
		s   *Service
	}
	byColon := make([]keyed, len(d.Services))
	for i, s := range d.Services {
		byColon[i] = keyed{strings.ToLower(s.Prefix) + ":", s}
	}
	sortFunc(byColon, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for _, k := range byColon {
		s := k.s
		if err := db.linkService(s); err != nil {
			return nil, fmt.Errorf("service %s: %w", s.Prefix, err)
		}
	}
	sortFunc(db.actions, func(a, b *Action) int { return strings.Compare(a.lowerFull, b.lowerFull) })
	db.lowerNames = make([]string, len(db.actions))
	db.byName = make(map[string]*Action, len(db.actions))
	for i, a := range db.actions {
		if i > 0 && a.lowerFull == db.lowerNames[i-1] {
			return nil, fmt.Errorf("duplicate action %s (names differ only in case)", a.FullName())
		}
		a.index = int32(i)
		db.lowerNames[i] = a.lowerFull
		db.byName[a.lowerFull] = a
	}
	if err := db.indexKeys(); err != nil {
		return nil, err
	}
	if err := db.indexEvents(); err != nil {
		return nil, err
	}
	return db, nil
}

func (db *DB) linkService(s *Service) error {
	sortFunc(s.ResourceTypes, func(a, b *ResourceType) int { return compareFold(a.Name, b.Name) })
	for i, rt := range s.ResourceTypes {
		if rt.Name == "" {
			return fmt.Errorf("resource type with empty name")
		}
		if i > 0 && strings.EqualFold(rt.Name, s.ResourceTypes[i-1].Name) {
			return fmt.Errorf("duplicate resource type %q", rt.Name)
		}
		rt.Service = s
		rt.matchers = make([]arnMatcher, len(rt.ARNFormats))
		for j, f := range rt.ARNFormats {
			rt.matchers[j] = compileARNFormat(f)
		}
		db.resources++
	}
	sortFunc(s.ConditionKeys, func(a, b *ConditionKey) int { return compareFold(a.Name, b.Name) })
	for _, k := range s.ConditionKeys {
		k.Service = s
	}
	sortFunc(s.Operations, func(a, b *Operation) int { return strings.Compare(a.Name, b.Name) })
	sortFunc(s.Actions, func(a, b *Action) int { return compareFold(a.Name, b.Name) })
	// All lower-case full names of the service share one allocation.
	size := 0
	for _, a := range s.Actions {
		size += len(s.Prefix) + 1 + len(a.Name)
	}
	// Builders hand their bytes over without the copy string(buf) makes.
	var lb, fb strings.Builder
	lb.Grow(size)
	fb.Grow(size)
	for _, a := range s.Actions {
		if !ValidName(a.Name) {
			return fmt.Errorf("invalid action name %q", a.Name)
		}
		for _, part := range [...]string{s.Prefix, ":", a.Name} {
			fb.WriteString(part) // the full names as written, shared the same way
			for i := 0; i < len(part); i++ {
				lb.WriteByte(lowerByte(part[i]))
			}
		}
	}
	lower, full := lb.String(), fb.String()
	off := 0
	for _, a := range s.Actions {
		n := len(s.Prefix) + 1 + len(a.Name)
		a.Service = s
		a.lowerFull = lower[off : off+n]
		a.full = full[off : off+n]
		off += n
		for _, r := range a.Resources {
			if r.Type == nil || r.Type.Service != s {
				return fmt.Errorf("action %s: resource type not defined by the service", a.Name)
			}
		}
		db.actions = append(db.actions, a)
	}
	return nil
}

// ValidName reports whether s can be a service prefix or an action name:
// non-empty ASCII letters, digits, '-', '_' and '.'. New rejects others.
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// compareFold orders strings by their ASCII-lower-case form, then by the
// original bytes, without allocating.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if ca, cb := lowerByte(a[i]), lowerByte(b[i]); ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// searchFold finds name (case-insensitive) in list, which is sorted by
// compareFold of key.
func searchFold[T any](list []T, name string, key func(T) string) (T, bool) {
	i := sort.Search(len(list), func(i int) bool { return compareLower(key(list[i]), name) >= 0 })
	if i < len(list) && compareLower(key(list[i]), name) == 0 {
		return list[i], true
	}
	var zero T
	return zero, false
}

// sortFunc sorts s unless it is already sorted, which is the common case
// (the snapshot is written in order), so loading skips the sort.
func sortFunc[T any](s []T, cmp func(a, b T) int) {
	if !slices.IsSortedFunc(s, cmp) {
		slices.SortFunc(s, cmp)
	}
}

// Provenance returns where the data comes from. For an updated database it
// is the update's provenance; Base returns the embedded one.
func (db *DB) Provenance() Provenance { return db.data.Provenance }

// Base returns the provenance of the embedded snapshot a data update was
// overlaid on, and false when the database is the embedded snapshot itself.
func (db *DB) Base() (Provenance, bool) {
	if db.base == nil {
		return Provenance{}, false
	}
	return *db.base, true
}

// Services returns every service, sorted by prefix. The slice is shared:
// do not modify it.
func (db *DB) Services() []*Service { return db.data.Services }

// Service returns the service with the given IAM prefix (case-insensitive).
func (db *DB) Service(prefix string) (*Service, bool) {
	var buf [64]byte
	s, ok := db.byPrefix[string(appendLower(buf[:0], prefix))] // no allocation
	return s, ok
}

// Action returns the action named "prefix:Name" (case-insensitive). Unknown
// and retired actions give ok=false. It does not allocate for names up to
// 128 bytes.
func (db *DB) Action(name string) (*Action, bool) {
	var buf [128]byte
	a, ok := db.byName[string(appendLower(buf[:0], name))]
	return a, ok
}

// appendLower appends s with ASCII letters lowered.
func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		b = append(b, lowerByte(s[i]))
	}
	return b
}

// compareLower orders strings by their ASCII-lower-case form only.
func compareLower(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if ca, cb := lowerByte(a[i]), lowerByte(b[i]); ca != cb {
			return cmp.Compare(ca, cb)
		}
	}
	return cmp.Compare(len(a), len(b))
}

// Actions returns every action, sorted by lower-case full name. The slice is
// shared: do not modify it.
func (db *DB) Actions() []*Action { return db.actions }

// GlobalConditionKeys returns the global condition keys, sorted by name.
func (db *DB) GlobalConditionKeys() []*ConditionKey { return db.data.GlobalKeys }

// KeyPrefixServices returns the services that define condition keys under a
// prefix that is not a service prefix ("saml" → sts), or nil.
func (db *DB) KeyPrefixServices(prefix string) []string {
	for _, kp := range db.data.KeyPrefixes {
		if strings.EqualFold(kp.Prefix, prefix) {
			return kp.Services
		}
	}
	return nil
}

// Stats counts what the database holds.
type Stats struct {
	Services      int `json:"services"`
	Actions       int `json:"actions"`
	ResourceTypes int `json:"resourceTypes"`
	ConditionKeys int `json:"conditionKeys"` // service-defined keys
	GlobalKeys    int `json:"globalConditionKeys"`
	Operations    int `json:"operations"`
}

// Stats returns the counts of services, actions, resource types, condition
// keys and operations.
func (db *DB) Stats() Stats {
	st := Stats{Services: len(db.data.Services), Actions: len(db.actions), ResourceTypes: db.resources,
		GlobalKeys: len(db.data.GlobalKeys)}
	for _, s := range db.data.Services {
		st.ConditionKeys += len(s.ConditionKeys)
		st.Operations += len(s.Operations)
	}
	return st
}

// lowerASCII lowers ASCII letters, without allocating when there are none.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// prefixRange returns the half-open range of db.actions whose lower-case
// full name starts with the lower-case prefix p.
func (db *DB) prefixRange(p string) (int, int) {
	lo := sort.SearchStrings(db.lowerNames, p)
	hi := lo + sort.Search(len(db.lowerNames)-lo, func(i int) bool {
		return !strings.HasPrefix(db.lowerNames[lo+i], p)
	})
	return lo, hi
}
