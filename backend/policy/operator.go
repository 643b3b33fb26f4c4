package policy

import (
	"fmt"
	"strings"
)

// Qualifier is the set operator prefix of a condition operator.
type Qualifier uint8

const (
	QualifierNone         Qualifier = iota
	QualifierForAllValues           // ForAllValues:
	QualifierForAnyValue            // ForAnyValue:
)

// BaseOperator is a condition operator without its set qualifier and without
// the IfExists suffix.
type BaseOperator uint8

// The condition operators of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
const (
	OpInvalid BaseOperator = iota
	OpStringEquals
	OpStringNotEquals
	OpStringEqualsIgnoreCase
	OpStringNotEqualsIgnoreCase
	OpStringLike
	OpStringNotLike
	OpNumericEquals
	OpNumericNotEquals
	OpNumericLessThan
	OpNumericLessThanEquals
	OpNumericGreaterThan
	OpNumericGreaterThanEquals
	OpDateEquals
	OpDateNotEquals
	OpDateLessThan
	OpDateLessThanEquals
	OpDateGreaterThan
	OpDateGreaterThanEquals
	OpBool
	OpBinaryEquals
	OpIPAddress
	OpNotIPAddress
	OpArnEquals
	OpArnNotEquals
	OpArnLike
	OpArnNotLike
	OpNull
)

var baseOperatorNames = [...]string{
	OpInvalid: "", OpStringEquals: "StringEquals", OpStringNotEquals: "StringNotEquals",
	OpStringEqualsIgnoreCase: "StringEqualsIgnoreCase", OpStringNotEqualsIgnoreCase: "StringNotEqualsIgnoreCase",
	OpStringLike: "StringLike", OpStringNotLike: "StringNotLike",
	OpNumericEquals: "NumericEquals", OpNumericNotEquals: "NumericNotEquals",
	OpNumericLessThan: "NumericLessThan", OpNumericLessThanEquals: "NumericLessThanEquals",
	OpNumericGreaterThan: "NumericGreaterThan", OpNumericGreaterThanEquals: "NumericGreaterThanEquals",
	OpDateEquals: "DateEquals", OpDateNotEquals: "DateNotEquals",
	OpDateLessThan: "DateLessThan", OpDateLessThanEquals: "DateLessThanEquals",
	OpDateGreaterThan: "DateGreaterThan", OpDateGreaterThanEquals: "DateGreaterThanEquals",
	OpBool: "Bool", OpBinaryEquals: "BinaryEquals",
	OpIPAddress: "IpAddress", OpNotIPAddress: "NotIpAddress",
	OpArnEquals: "ArnEquals", OpArnNotEquals: "ArnNotEquals", OpArnLike: "ArnLike", OpArnNotLike: "ArnNotLike",
	OpNull: "Null",
}

func (o BaseOperator) String() string {
	if int(o) < len(baseOperatorNames) {
		return baseOperatorNames[o]
	}
	return fmt.Sprintf("BaseOperator(%d)", o)
}

// IsNegated reports whether the operator is one of the negated forms
// (StringNotEquals, NotIpAddress, ArnNotLike...), which AWS evaluates as the
// negation of the positive form: with ForAllValues/ForAnyValue they behave as
// documented for "negated matching operators".
func (o BaseOperator) IsNegated() bool {
	switch o {
	case OpStringNotEquals, OpStringNotEqualsIgnoreCase, OpStringNotLike, OpNumericNotEquals,
		OpDateNotEquals, OpNotIPAddress, OpArnNotEquals, OpArnNotLike:
		return true
	}
	return false
}

// Operator is a parsed condition operator such as
// "ForAnyValue:StringLikeIfExists".
type Operator struct {
	Qualifier Qualifier
	Base      BaseOperator
	IfExists  bool
}

func (o Operator) String() string {
	var b strings.Builder
	switch o.Qualifier {
	case QualifierForAllValues:
		b.WriteString("ForAllValues:")
	case QualifierForAnyValue:
		b.WriteString("ForAnyValue:")
	}
	b.WriteString(o.Base.String())
	if o.IfExists {
		b.WriteString("IfExists")
	}
	return b.String()
}

// ParseOperator parses a condition operator name. Operator names are
// case-sensitive in AWS (a misspelt case is rejected by IAM), and so they are
// here. Null takes no IfExists suffix.
func ParseOperator(s string) (Operator, error) {
	var op Operator
	name := s
	switch {
	case strings.HasPrefix(name, "ForAllValues:"):
		op.Qualifier, name = QualifierForAllValues, name[len("ForAllValues:"):]
	case strings.HasPrefix(name, "ForAnyValue:"):
		op.Qualifier, name = QualifierForAnyValue, name[len("ForAnyValue:"):]
	}
	if base, ok := strings.CutSuffix(name, "IfExists"); ok && base != "Null" {
		op.IfExists, name = true, base
	}
	for i, n := range baseOperatorNames {
		if i != int(OpInvalid) && n == name {
			op.Base = BaseOperator(i)
			return op, nil
		}
	}
	return Operator{}, fmt.Errorf("unknown condition operator %q", s)
}
