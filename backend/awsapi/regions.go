package awsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// EnabledRegions lists the regions enabled for the account, the ones that
// need no opt-in and the ones opted in, in the order EC2 returns them:
// `aws ec2 describe-regions`. Regional data (event history, resource
// policies) lives only there.
func (s Session) EnabledRegions(ctx context.Context) ([]string, error) {
	out, err := ec2.NewFromConfig(s.cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(false)})
	if err != nil {
		return nil, fmt.Errorf("ec2 DescribeRegions: %w", err)
	}
	regions := []string{}
	for _, r := range out.Regions {
		if st := aws.ToString(r.OptInStatus); st == "opt-in-not-required" || st == "opted-in" || st == "" {
			regions = append(regions, aws.ToString(r.RegionName))
		}
	}
	return regions, nil
}
