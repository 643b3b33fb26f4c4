package iamdb

import "fmt"

// KeyType is the value type of a condition key, as the Service
// Authorization Reference names it.
type KeyType uint8

// Condition key types. KeyUnknown is the zero value.
const (
	KeyUnknown KeyType = iota
	KeyString
	KeyArrayOfString
	KeyARN
	KeyArrayOfARN
	KeyBool
	KeyArrayOfBool
	KeyNumeric
	KeyArrayOfNumeric
	KeyDate
	KeyArrayOfDate
	KeyIPAddress
	KeyArrayOfIPAddress
	KeyBinary
	KeyArrayOfBinary
	keyTypeCount
)

var keyTypeNames = [keyTypeCount]string{
	KeyUnknown:          "",
	KeyString:           "String",
	KeyArrayOfString:    "ArrayOfString",
	KeyARN:              "ARN",
	KeyArrayOfARN:       "ArrayOfARN",
	KeyBool:             "Bool",
	KeyArrayOfBool:      "ArrayOfBool",
	KeyNumeric:          "Numeric",
	KeyArrayOfNumeric:   "ArrayOfNumeric",
	KeyDate:             "Date",
	KeyArrayOfDate:      "ArrayOfDate",
	KeyIPAddress:        "IPAddress",
	KeyArrayOfIPAddress: "ArrayOfIPAddress",
	KeyBinary:           "Binary",
	KeyArrayOfBinary:    "ArrayOfBinary",
}

// String returns AWS's name of the type ("ArrayOfString").
func (t KeyType) String() string {
	if t < keyTypeCount {
		return keyTypeNames[t]
	}
	return fmt.Sprintf("KeyType(%d)", uint8(t))
}

// IsArray reports whether the key is multivalued (needs ForAnyValue /
// ForAllValues set operators).
func (t KeyType) IsArray() bool {
	switch t {
	case KeyArrayOfString, KeyArrayOfARN, KeyArrayOfBool, KeyArrayOfNumeric, KeyArrayOfDate, KeyArrayOfIPAddress, KeyArrayOfBinary:
		return true
	}
	return false
}

// Elem returns the element type of an array type, and t itself otherwise.
func (t KeyType) Elem() KeyType {
	if t.IsArray() {
		return t - 1
	}
	return t
}

// ParseKeyType parses AWS's type name. Besides the Service Authorization
// Reference spellings it accepts "Boolean", "Long" and "Integer", which the
// service reference JSON uses for a few keys.
func ParseKeyType(s string) (KeyType, error) {
	for t := KeyString; t < keyTypeCount; t++ {
		if keyTypeNames[t] == s {
			return t, nil
		}
	}
	switch s {
	case "Boolean":
		return KeyBool, nil
	case "Long", "Integer":
		return KeyNumeric, nil
	case "ArrayOfLong", "ArrayOfInteger":
		return KeyArrayOfNumeric, nil
	}
	return KeyUnknown, fmt.Errorf("unknown condition key type %q", s)
}
