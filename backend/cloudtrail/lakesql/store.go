package lakesql

import (
	"fmt"
	"regexp"

	"github.com/aegis-iam/aegis/backend/cloudtrail/eventsql"
)

// Store names a CloudTrail Lake event data store. A store given by its ARN
// also knows its partition, region and account, which its IAM policy
// needs; a store given by its ID alone does not.
type Store struct {
	// ID is the store's ID, the last part of its ARN: what a query's FROM
	// names.
	ID string
	// Partition, Region and Account come from the ARN; empty for an ID.
	Partition, Region, Account string
}

var (
	// idRE is an event data store ID: a UUID in practice; letters, digits
	// and hyphens is what is safe to write unquoted in FROM.
	idRE     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{2,127}$`)
	storeARN = regexp.MustCompile(`^arn:(aws[a-z-]*):cloudtrail:([a-z0-9-]+):([0-9]{12}):eventdatastore/(.+)$`)
)

// ParseStore reads an event data store's ID or ARN
// (arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID).
func ParseStore(s string) (Store, error) {
	if m := storeARN.FindStringSubmatch(s); m != nil {
		if !idRE.MatchString(m[4]) || !eventsql.ValidRegion(m[2]) {
			return Store{}, fmt.Errorf("event data store %q: malformed ARN", s)
		}
		return Store{ID: m[4], Partition: m[1], Region: m[2], Account: m[3]}, nil
	}
	if !idRE.MatchString(s) {
		return Store{}, fmt.Errorf("event data store %q: want its ID or its ARN (arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID)", s)
	}
	return Store{ID: s}, nil
}

// ARN is the store's ARN; empty when it was given by ID.
func (s Store) ARN() string {
	if s.Account == "" {
		return ""
	}
	return "arn:" + s.Partition + ":cloudtrail:" + s.Region + ":" + s.Account + ":eventdatastore/" + s.ID
}

// String is the ARN when known, else the ID.
func (s Store) String() string {
	if a := s.ARN(); a != "" {
		return a
	}
	return s.ID
}
