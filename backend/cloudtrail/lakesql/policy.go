package lakesql

import (
	"encoding/json"
	"fmt"
)

// Actions are the CloudTrail Lake calls Aegis makes on an event data
// store: start its queries, poll them, read their results, and cancel one
// whose caller gave up.
var Actions = []string{"cloudtrail:CancelQuery", "cloudtrail:DescribeQuery", "cloudtrail:GetQueryResults", "cloudtrail:StartQuery"}

// Policy returns the identity policy that running Aegis's queries on the
// store needs, and nothing more: Actions on the store's ARN (each of them
// takes the eventdatastore resource type,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html),
// and ListEventDataStores, which takes no resource, for aegis audit
// lake-stores. The store must be given by its ARN.
func Policy(s Store) ([]byte, error) {
	if s.ARN() == "" {
		return nil, fmt.Errorf("event data store %s: the policy needs its ARN (arn:aws:cloudtrail:REGION:ACCOUNT:eventdatastore/ID)", s.ID)
	}
	type statement struct {
		Sid      string   `json:"Sid"`
		Effect   string   `json:"Effect"`
		Action   []string `json:"Action"`
		Resource []string `json:"Resource"`
	}
	return json.MarshalIndent(struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{"2012-10-17", []statement{
		{Sid: "QueryCloudTrailLake", Effect: "Allow", Action: Actions, Resource: []string{s.ARN()}},
		{Sid: "FindEventDataStores", Effect: "Allow", Action: []string{"cloudtrail:ListEventDataStores"}, Resource: []string{"*"}},
	}}, "", "    ")
}
