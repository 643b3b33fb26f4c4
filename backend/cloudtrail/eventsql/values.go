package eventsql

import (
	"regexp"
	"strings"
)

// The values a query names (the accounts and regions it reads) end up
// inside SQL literals: anything outside the shapes AWS documents is
// refused rather than escaped.
var (
	accountRE = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
)

// ValidAccount reports whether s is an AWS account ID: twelve digits.
func ValidAccount(s string) bool { return accountRE.MatchString(s) }

// ValidRegion reports whether s has the shape of an AWS region's name
// (us-east-1, us-gov-west-1).
func ValidRegion(s string) bool { return regionRE.MatchString(s) }

// QuoteList is vals as SQL string literals, comma-separated, for IN (…).
// The values are not escaped: they are ones ValidAccount or ValidRegion
// accepts, which hold no quote.
func QuoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + v + "'"
	}
	return strings.Join(q, ", ")
}
