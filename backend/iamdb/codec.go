package iamdb

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The snapshot format is:
//
//	magic "AEGISIAMDB" uvarint(formatVersion)
//	string table: uvarint(count) uvarint(len)... bytes...
//	body: provenance (JSON string), services, global keys, key prefixes,
//	      event sources, event rules
//
// Every string in the body is a uvarint index into the table, so repeated
// names, ARN formats and condition keys are stored once, and decoding slices
// every string out of the input without copying: the embedded snapshot is
// stored uncompressed (about 2.8 MB) so that loading it is mostly pointer
// setup, not decompression. Lists are uvarint-counted. The encoder writes
// everything in sorted order, so equal data gives identical bytes. Decode
// also accepts the format gzip-compressed.
const (
	snapshotMagic   = "AEGISIAMDB"
	snapshotVersion = 1
	// maxSnapshotSize bounds the (decompressed) size of a snapshot (the
	// embedded one is about 3 MB) so a corrupt cache file cannot exhaust memory.
	maxSnapshotSize = 64 << 20
)

// ErrCorrupt is wrapped by the errors Decode returns for malformed input.
var ErrCorrupt = errors.New("corrupt IAM database snapshot")

type encoder struct {
	body  bytes.Buffer
	index map[string]uint64
	table []string
	tmp   [binary.MaxVarintLen64]byte
}

func (e *encoder) uint(v uint64) {
	n := binary.PutUvarint(e.tmp[:], v)
	e.body.Write(e.tmp[:n])
}

func (e *encoder) str(s string) {
	i, ok := e.index[s]
	if !ok {
		i = uint64(len(e.table))
		e.index[s] = i
		e.table = append(e.table, s)
	}
	e.uint(i)
}

func (e *encoder) strs(list []string) {
	e.uint(uint64(len(list)))
	for _, s := range list {
		e.str(s)
	}
}

// Encode writes the database as a deterministic, uncompressed snapshot
// that Decode reads back.
func (db *DB) Encode(w io.Writer) error {
	e := &encoder{index: map[string]uint64{"": 0}, table: []string{""}}
	prov, err := json.Marshal(db.data.Provenance)
	if err != nil {
		return fmt.Errorf("encoding provenance: %w", err)
	}
	e.str(string(prov))
	e.uint(uint64(len(db.data.Services)))
	for _, s := range db.data.Services {
		e.service(s)
	}
	e.uint(uint64(len(db.data.GlobalKeys)))
	for _, k := range db.data.GlobalKeys {
		e.key(k)
	}
	e.uint(uint64(len(db.data.KeyPrefixes)))
	for _, kp := range db.data.KeyPrefixes {
		e.str(kp.Prefix)
		e.strs(kp.Services)
	}
	e.uint(uint64(len(db.data.EventSources)))
	for _, s := range db.data.EventSources {
		e.str(s.Source)
		e.str(s.Prefix)
	}
	e.uint(uint64(len(db.data.EventRules)))
	for _, r := range db.data.EventRules {
		e.str(r.Prefix)
		e.str(r.Event)
		e.strs(r.Actions)
		e.uint(uint64(r.Kind))
	}

	var head bytes.Buffer
	head.WriteString(snapshotMagic)
	head.Write(binary.AppendUvarint(nil, snapshotVersion))
	head.Write(binary.AppendUvarint(nil, uint64(len(e.table))))
	for _, s := range e.table {
		head.Write(binary.AppendUvarint(nil, uint64(len(s))))
	}
	for _, s := range e.table {
		head.WriteString(s)
	}
	if _, err := w.Write(head.Bytes()); err != nil {
		return fmt.Errorf("writing snapshot: %w", err)
	}
	if _, err := w.Write(e.body.Bytes()); err != nil {
		return fmt.Errorf("writing snapshot: %w", err)
	}
	return nil
}

func (e *encoder) service(s *Service) {
	e.str(s.Prefix)
	e.str(s.Name)
	e.str(s.SchemaVersion)
	e.uint(boolBit(s.Updated))
	rtIndex := make(map[*ResourceType]uint64, len(s.ResourceTypes))
	e.uint(uint64(len(s.ResourceTypes)))
	for i, rt := range s.ResourceTypes {
		rtIndex[rt] = uint64(i)
		e.str(rt.Name)
		e.strs(rt.ARNFormats)
		e.strs(rt.ConditionKeys)
	}
	e.uint(uint64(len(s.ConditionKeys)))
	for _, k := range s.ConditionKeys {
		e.key(k)
	}
	e.uint(uint64(len(s.Actions)))
	for _, a := range s.Actions {
		e.str(a.Name)
		e.str(a.Description)
		e.uint(uint64(a.Access))
		e.uint(uint64(a.SupportedBy))
		e.uint(boolBit(a.DependentLegacy))
		e.strs(a.ConditionKeys)
		e.strs(a.DependentActions)
		e.uint(uint64(len(a.Resources)))
		for _, r := range a.Resources {
			e.uint(rtIndex[r.Type])
			e.uint(boolBit(r.Required))
			e.strs(r.ConditionKeys)
			e.strs(r.DependentActions)
		}
	}
	e.uint(uint64(len(s.Operations)))
	for _, op := range s.Operations {
		e.str(op.Name)
		e.uint(uint64(len(op.Actions)))
		for _, aa := range op.Actions {
			e.str(aa.Action)
			e.uint(uint64(len(aa.Context)))
			for _, c := range aa.Context {
				e.str(c.Key)
				e.strs(c.Values)
			}
		}
	}
}

func (e *encoder) key(k *ConditionKey) {
	e.str(k.Name)
	e.uint(uint64(k.Type))
	e.str(k.Description)
	e.uint(boolBit(k.ListedOnly))
	e.str(k.Category)
}

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

type decoder struct {
	buf   string
	pos   int
	table []string
	arena []string // backing store for the many short string lists
	err   error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: at byte %d: %s", ErrCorrupt, d.pos, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if d.pos >= len(d.buf) || shift > 63 {
			d.fail("bad varint")
			return 0
		}
		c := d.buf[d.pos]
		d.pos++
		if shift == 63 && c > 1 {
			d.fail("varint overflows 64 bits")
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}

// count reads a list length, bounded by the bytes left (every element takes
// at least one byte), so a corrupt count cannot force a huge allocation.
func (d *decoder) count() int {
	v := d.uint()
	if v > uint64(len(d.buf)-d.pos) {
		d.fail("list length %d exceeds remaining input", v)
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	i := d.uint()
	if i >= uint64(len(d.table)) {
		d.fail("string index %d out of range", i)
		return ""
	}
	return d.table[i]
}

func (d *decoder) strs() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	if cap(d.arena)-len(d.arena) < n {
		d.arena = make([]string, 0, max(n, 16384))
	}
	l := len(d.arena)
	out := d.arena[l : l+n : l+n]
	d.arena = d.arena[:l+n]
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) small(max uint64, what string) uint64 {
	v := d.uint()
	if v > max {
		d.fail("%s %d out of range", what, v)
		return 0
	}
	return v
}

// Decode reads a snapshot written by Encode, plain or gzip-compressed, and
// builds the database.
func Decode(r io.Reader) (*DB, error) {
	raw, err := readAll(r)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(raw, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		if raw, err = readAll(zr); err != nil {
			return nil, err
		}
	}
	d, err := decodeRaw(string(raw))
	if err != nil {
		return nil, err
	}
	return New(d)
}

// decodeString decodes a snapshot held in a string; every string of the
// database is a substring of s.
func decodeString(s string) (*DB, error) {
	d, err := decodeRaw(s)
	if err != nil {
		return nil, err
	}
	return New(d)
}

// readAll reads r to the end, at most maxSnapshotSize bytes.
func readAll(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxSnapshotSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if len(raw) > maxSnapshotSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrCorrupt, maxSnapshotSize)
	}
	return raw, nil
}

func decodeRaw(raw string) (Data, error) {
	if !strings.HasPrefix(raw, snapshotMagic) {
		return Data{}, fmt.Errorf("%w: bad magic", ErrCorrupt)
	}
	d := &decoder{buf: raw, pos: len(snapshotMagic)}
	if v := d.uint(); d.err == nil && v != snapshotVersion {
		return Data{}, fmt.Errorf("%w: format version %d, want %d", ErrCorrupt, v, snapshotVersion)
	}
	n := d.count()
	// Two passes over the lengths (the strings follow them): the first
	// finds where the strings start, the second slices them, so no list
	// of lengths is allocated.
	lensAt, total := d.pos, 0
	for range n {
		total += int(d.small(uint64(len(raw)), "string length"))
		if total > len(raw) {
			d.fail("string table exceeds input")
		}
		if d.err != nil {
			return Data{}, d.err
		}
	}
	if total > len(raw)-d.pos {
		d.fail("string table of %d bytes exceeds input", total)
		return Data{}, d.err
	}
	blob := raw[d.pos : d.pos+total]
	d.pos += total
	d.table = make([]string, n)
	lengths := &decoder{buf: raw, pos: lensAt}
	off := 0
	for i := range d.table {
		l := int(lengths.uint())
		d.table[i] = blob[off : off+l]
		off += l
	}

	var data Data
	if prov := d.str(); d.err == nil {
		if err := json.Unmarshal([]byte(prov), &data.Provenance); err != nil {
			return Data{}, fmt.Errorf("%w: provenance: %w", ErrCorrupt, err)
		}
	}
	data.Services = make([]*Service, d.count())
	for i := range data.Services {
		data.Services[i] = d.service()
	}
	data.GlobalKeys = make([]*ConditionKey, d.count())
	keys := make([]ConditionKey, len(data.GlobalKeys))
	for i := range data.GlobalKeys {
		data.GlobalKeys[i] = d.key(&keys[i])
	}
	data.KeyPrefixes = make([]KeyPrefix, d.count())
	for i := range data.KeyPrefixes {
		data.KeyPrefixes[i] = KeyPrefix{Prefix: d.str(), Services: d.strs()}
	}
	data.EventSources = make([]EventSource, d.count())
	for i := range data.EventSources {
		data.EventSources[i] = EventSource{Source: d.str(), Prefix: d.str()}
	}
	data.EventRules = make([]EventRule, d.count())
	for i := range data.EventRules {
		data.EventRules[i] = EventRule{Prefix: d.str(), Event: d.str(), Actions: d.strs(), Kind: EventKind(d.small(uint64(EventNoAction), "event kind"))}
	}
	if d.err == nil && d.pos != len(raw) {
		d.fail("%d trailing bytes", len(raw)-d.pos)
	}
	if d.err != nil {
		return Data{}, d.err
	}
	return data, nil
}

func (d *decoder) service() *Service {
	s := &Service{Prefix: d.str(), Name: d.str(), SchemaVersion: d.str(), Updated: d.small(1, "flag") == 1}
	rts := make([]ResourceType, d.count())
	s.ResourceTypes = make([]*ResourceType, len(rts))
	for i := range rts {
		rts[i] = ResourceType{Name: d.str(), ARNFormats: d.strs(), ConditionKeys: d.strs()}
		s.ResourceTypes[i] = &rts[i]
	}
	keys := make([]ConditionKey, d.count())
	s.ConditionKeys = make([]*ConditionKey, len(keys))
	for i := range keys {
		s.ConditionKeys[i] = d.key(&keys[i])
	}
	acts := make([]Action, d.count())
	s.Actions = make([]*Action, len(acts))
	for i := range acts {
		a := &acts[i]
		a.Name, a.Description = d.str(), d.str()
		a.Access = AccessLevel(d.small(uint64(accessAll), "access level"))
		a.SupportedBy = SupportedBy(d.small(3, "supported-by flags"))
		a.DependentLegacy = d.small(1, "flag") == 1
		a.ConditionKeys, a.DependentActions = d.strs(), d.strs()
		if n := d.count(); n > 0 {
			a.Resources = make([]ActionResource, n)
			for j := range a.Resources {
				ri := d.small(uint64(max(len(rts)-1, 0)), "resource type index")
				if d.err != nil || len(rts) == 0 {
					d.fail("resource type index without resource types")
					return s
				}
				a.Resources[j] = ActionResource{Type: &rts[ri], Required: d.small(1, "flag") == 1,
					ConditionKeys: d.strs(), DependentActions: d.strs()}
			}
		}
		s.Actions[i] = a
	}
	s.Operations = make([]*Operation, d.count())
	for i := range s.Operations {
		op := &Operation{Name: d.str(), Actions: make([]AuthorizedAction, d.count())}
		for j := range op.Actions {
			aa := AuthorizedAction{Action: d.str()}
			if n := d.count(); n > 0 {
				aa.Context = make([]ContextValue, n)
				for k := range aa.Context {
					aa.Context[k] = ContextValue{Key: d.str(), Values: d.strs()}
				}
			}
			op.Actions[j] = aa
		}
		s.Operations[i] = op
	}
	if len(s.Operations) == 0 {
		s.Operations = nil
	}
	return s
}

func (d *decoder) key(k *ConditionKey) *ConditionKey {
	k.Name = d.str()
	k.Type = KeyType(d.small(uint64(keyTypeCount-1), "key type"))
	k.Description = d.str()
	k.ListedOnly = d.small(1, "flag") == 1
	k.Category = d.str()
	return k
}
