package eval

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/policy"
)

// tri is a three-valued truth value: ModeUnknown evaluates conditions on
// keys the caller could not know to unknown.
type tri uint8

const (
	triFalse tri = iota
	triUnknown
	triTrue
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func (t tri) not() tri { return triTrue - t }

func and(a, b tri) tri { return min(a, b) }

func or(a, b tri) tri { return max(a, b) }

// condEntry is one compiled condition key of an operator block.
type condEntry struct {
	op     policy.Operator
	pos    policy.BaseOperator // the positive form of op.Base (StringEquals for StringNotEquals)
	neg    bool
	block  int
	key    string // lower case
	name   string // as written
	values []condValue
	hasVar bool
}

// condValue is one policy value, parsed for the operator's type.
type condValue struct {
	text   string
	tmpl   *template
	ok     bool // parsed for the operator's type
	num    float64
	date   time.Time
	prefix netip.Prefix
	arn    [6]string
	arnOK  bool
	bin    []byte
	null   bool // Null's "true"
}

// positive maps a negated operator to the operator it negates.
var positive = map[policy.BaseOperator]policy.BaseOperator{
	policy.OpStringNotEquals: policy.OpStringEquals, policy.OpStringNotEqualsIgnoreCase: policy.OpStringEqualsIgnoreCase,
	policy.OpStringNotLike: policy.OpStringLike, policy.OpNumericNotEquals: policy.OpNumericEquals,
	policy.OpDateNotEquals: policy.OpDateEquals, policy.OpNotIPAddress: policy.OpIPAddress,
	policy.OpArnNotEquals: policy.OpArnEquals, policy.OpArnNotLike: policy.OpArnLike,
}

// variablesAllowed reports whether an operator substitutes policy
// variables in its values (String, Bool and ARN operators, per the
// condition operators page).
func variablesAllowed(op policy.BaseOperator) bool {
	switch op {
	case policy.OpStringEquals, policy.OpStringEqualsIgnoreCase, policy.OpStringLike, policy.OpBool,
		policy.OpArnEquals, policy.OpArnLike:
		return true
	}
	return false
}

func compileCondEntry(op policy.Operator, block int, e *policy.ConditionEntry, vars bool) condEntry {
	ce := condEntry{op: op, pos: op.Base, block: block, key: strings.ToLower(e.Key.Text), name: e.Key.Text}
	if p, ok := positive[op.Base]; ok {
		ce.pos, ce.neg = p, true
	}
	for _, v := range e.Values.Strings() {
		cv := condValue{text: v}
		if vars && variablesAllowed(ce.pos) {
			cv.tmpl = parseTemplate(v)
			if cv.tmpl != nil {
				ce.hasVar = true
			}
		}
		if cv.tmpl == nil {
			parseCondValue(&cv, ce.pos, v)
		}
		ce.values = append(ce.values, cv)
	}
	return ce
}

// parseCondValue parses a value (a policy value, or a resolved template)
// for op.
func parseCondValue(cv *condValue, op policy.BaseOperator, v string) {
	cv.text = v
	switch op {
	case policy.OpNumericEquals, policy.OpNumericLessThan, policy.OpNumericLessThanEquals,
		policy.OpNumericGreaterThan, policy.OpNumericGreaterThanEquals:
		cv.num, cv.ok = parseNumber(v)
	case policy.OpDateEquals, policy.OpDateLessThan, policy.OpDateLessThanEquals,
		policy.OpDateGreaterThan, policy.OpDateGreaterThanEquals:
		cv.date, cv.ok = parseDate(v)
	case policy.OpIPAddress:
		cv.prefix, cv.ok = parseCIDR(v)
	case policy.OpArnEquals, policy.OpArnLike:
		cv.arn, cv.arnOK = arnFields(v)
		cv.ok = true
	case policy.OpBinaryEquals:
		b, err := base64.StdEncoding.DecodeString(v)
		cv.bin, cv.ok = b, err == nil
	case policy.OpBool:
		cv.ok = strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
	case policy.OpNull:
		cv.null = strings.EqualFold(v, "true")
		cv.ok = cv.null || strings.EqualFold(v, "false")
	default:
		cv.ok = true
	}
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f, err == nil
}

// dateLayouts are the ISO 8601 forms AWS accepts in Date conditions.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z",
}

// parseDate parses an ISO 8601 date or a POSIX epoch in seconds.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if isEpoch(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return time.Time{}, false
		}
		sec := int64(f)
		return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), true
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func isEpoch(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && c != '.' && !(i == 0 && c == '-') {
			return false
		}
	}
	return true
}

// parseCIDR parses "203.0.113.0/24", "2001:db8::/32" or a single address.
func parseCIDR(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval evaluates the entry. absent reports that it read a key (the
// condition key, or a variable's key) the context lacks, for
// missingContext; see absentKeys.
func (e *condEntry) eval(p *prepared, buf *[]pchar) (result tri, absent bool) {
	vals, present := p.ctx.lookup(e.key)
	if !present && p.mode == ModeUnknown {
		return triUnknown, true
	}
	if e.op.Base == policy.OpNull {
		isNull := !present || len(vals) == 0
		r := false
		for i := range e.values {
			if e.values[i].ok && e.values[i].null == isNull {
				r = true
			}
		}
		return triOf(r), !present
	}
	if !present || len(vals) == 0 {
		switch {
		case e.op.IfExists:
			return triTrue, !present
		case e.op.Qualifier == policy.QualifierForAllValues:
			return triTrue, !present
		case e.op.Qualifier == policy.QualifierForAnyValue:
			return triFalse, !present
		}
		return triOf(e.neg), !present
	}
	absentVar := false
	switch e.op.Qualifier {
	case policy.QualifierForAllValues:
		r := triTrue
		for _, v := range vals {
			m, a := e.anyMatch(p, v, buf)
			absentVar = absentVar || a
			if e.neg {
				m = m.not()
			}
			r = and(r, m)
		}
		return r, absentVar
	default: // ForAnyValue, and a plain operator on one or more values
		r := triFalse
		for _, v := range vals {
			m, a := e.anyMatch(p, v, buf)
			absentVar = absentVar || a
			if e.neg && e.op.Qualifier == policy.QualifierForAnyValue {
				m = m.not()
			}
			r = or(r, m)
		}
		if e.neg && e.op.Qualifier == policy.QualifierNone {
			r = r.not()
		}
		return r, absentVar
	}
}

// absentKeys appends the keys the entry reads that ctx lacks.
func (e *condEntry) absentKeys(ctx *Context, out []string) []string {
	if _, ok := ctx.lookup(e.key); !ok {
		out = append(out, e.name)
	}
	for i := range e.values {
		if t := e.values[i].tmpl; t != nil {
			for j, k := range t.keys {
				if _, ok := ctx.lookup(k); !ok {
					out = append(out, t.names[j])
				}
			}
		}
	}
	return out
}

// anyMatch reports whether the context value v matches one of the policy
// values under the positive operator.
func (e *condEntry) anyMatch(p *prepared, v string, buf *[]pchar) (tri, bool) {
	r := triFalse
	absent := false
	for i := range e.values {
		cv := &e.values[i]
		if cv.tmpl == nil {
			if matchValue(e.pos, cv, v) {
				return triTrue, absent
			}
			continue
		}
		pat, res := cv.tmpl.resolve(p.ctx, p.mode, *buf)
		*buf = pat
		switch res {
		case unknownVar:
			r = triUnknown
			absent = true
			continue
		case unresolved:
			absent = true
			continue
		}
		if matchResolved(e.pos, pat, v) {
			return triTrue, absent
		}
	}
	return r, absent
}

// matchValue applies the positive operator op to a context value and a
// parsed policy value.
func matchValue(op policy.BaseOperator, cv *condValue, v string) bool {
	if !cv.ok {
		return false
	}
	switch op {
	case policy.OpStringEquals:
		return v == cv.text
	case policy.OpStringEqualsIgnoreCase:
		return strings.EqualFold(v, cv.text)
	case policy.OpStringLike:
		return policy.Glob(cv.text, v)
	case policy.OpNumericEquals, policy.OpNumericLessThan, policy.OpNumericLessThanEquals,
		policy.OpNumericGreaterThan, policy.OpNumericGreaterThanEquals:
		n, ok := parseNumber(v)
		return ok && compareOrdered(op, cmpFloat(n, cv.num))
	case policy.OpDateEquals, policy.OpDateLessThan, policy.OpDateLessThanEquals,
		policy.OpDateGreaterThan, policy.OpDateGreaterThanEquals:
		t, ok := parseDate(v)
		return ok && compareOrdered(op, t.Compare(cv.date))
	case policy.OpBool:
		return strings.EqualFold(v, cv.text)
	case policy.OpBinaryEquals:
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			b = []byte(v)
		}
		return bytes.Equal(b, cv.bin)
	case policy.OpIPAddress:
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		return err == nil && cv.prefix.Contains(a.Unmap())
	case policy.OpArnEquals, policy.OpArnLike:
		return matchARN(cv, v)
	}
	return false
}

func matchARN(cv *condValue, v string) bool {
	if !cv.arnOK {
		return policy.Glob(cv.text, v)
	}
	f, ok := arnFields(v)
	if !ok {
		return false
	}
	for i := range f {
		if !policy.Glob(cv.arn[i], f[i]) {
			return false
		}
	}
	return true
}

// matchResolved applies op to a context value and a policy value whose
// variables have been substituted.
func matchResolved(op policy.BaseOperator, pat []pchar, v string) bool {
	switch op {
	case policy.OpStringLike:
		return pglob(pat, v, false)
	case policy.OpArnEquals, policy.OpArnLike:
		return matchARNPattern(pat, v)
	}
	var cv condValue
	parseCondValue(&cv, op, pstring(pat))
	return matchValue(op, &cv, v)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareOrdered applies a Numeric or Date operator to a comparison result
// (context value against policy value).
func compareOrdered(op policy.BaseOperator, c int) bool {
	switch op {
	case policy.OpNumericEquals, policy.OpDateEquals:
		return c == 0
	case policy.OpNumericLessThan, policy.OpDateLessThan:
		return c < 0
	case policy.OpNumericLessThanEquals, policy.OpDateLessThanEquals:
		return c <= 0
	case policy.OpNumericGreaterThan, policy.OpDateGreaterThan:
		return c > 0
	case policy.OpNumericGreaterThanEquals, policy.OpDateGreaterThanEquals:
		return c >= 0
	}
	return false
}
