package eval

import (
	"syscall"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
)

// managedSet compiles the named AWS managed policies as identity policies.
func managedSet(tb testing.TB, names ...string) []*Policy {
	tb.Helper()
	all, err := corpus.ManagedPolicies()
	if err != nil {
		tb.Fatal(err)
	}
	byName := map[string]corpus.ManagedPolicy{}
	for _, mp := range all {
		byName[mp.Name] = mp
	}
	var out []*Policy
	for _, n := range names {
		mp, ok := byName[n]
		if !ok {
			tb.Fatalf("no managed policy %q", n)
		}
		doc, err := policy.Parse(n, mp.Document, policy.KindIdentity)
		if err != nil {
			tb.Fatal(err)
		}
		p, err := Compile(n, doc)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// TestCompileManagedCorpus compiles every AWS managed policy and evaluates
// one request against each, so no real-world policy trips the compiler or
// the evaluator.
func TestCompileManagedCorpus(t *testing.T) {
	all, err := corpus.ManagedPolicies()
	if err != nil {
		t.Fatal(err)
	}
	req := &Request{Principal: "arn:aws:iam::111122223333:role/app", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	var ev Evaluator
	allowed := 0
	for _, mp := range all {
		doc, err := policy.Parse(mp.Name, mp.Document, policy.KindIdentity)
		if err != nil {
			t.Errorf("%s: %v", mp.Name, err)
			continue
		}
		p, err := Compile(mp.Name, doc)
		if err != nil {
			t.Errorf("%s: %v", mp.Name, err)
			continue
		}
		r, err := ev.Evaluate(&Input{Identity: []*Policy{p}}, req, ModeAWS)
		if err != nil {
			t.Fatal(err)
		}
		if r.Decision == Allowed {
			allowed++
		}
	}
	t.Logf("%d managed policies compiled; %d allow s3:GetObject unconditionally", len(all), allowed)
}

// typicalInput is a role with four common managed policies, a boundary-free
// identity request for an S3 object.
func typicalInput(tb testing.TB) (*Input, *Request) {
	ids := managedSet(tb, "AmazonS3ReadOnlyAccess", "AmazonDynamoDBReadOnlyAccess", "CloudWatchLogsFullAccess", "AmazonSQSFullAccess")
	req := &Request{Principal: "arn:aws:sts::111122223333:assumed-role/app/i-0123", Action: "s3:GetObject",
		Resource: "arn:aws:s3:::amzn-s3-demo-bucket/data/2026/11/28/part-0001.parquet"}
	req.Context.Set("aws:SourceIp", "10.1.2.3")
	req.Context.Set("aws:RequestedRegion", "eu-west-1")
	return &Input{Identity: ids}, req
}

// BenchmarkEvaluateTypical measures decisions per second on one core for a
// typical identity-policy request against compiled managed policies.
func BenchmarkEvaluateTypical(b *testing.B) {
	in, req := typicalInput(b)
	var ev Evaluator
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := ev.Evaluate(in, req, ModeAWS); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, cpu, "decisions")
}

// BenchmarkEvaluateReadOnlyAccess evaluates against ReadOnlyAccess, one of
// the largest managed policies (thousands of action patterns), with an SCP
// level and a boundary.
func BenchmarkEvaluateReadOnlyAccess(b *testing.B) {
	ids := managedSet(b, "ReadOnlyAccess")
	full := managedSet(b, "AdministratorAccess")
	in := &Input{Identity: ids, Boundary: full[0], SCPs: [][]*Policy{full, full}}
	req := &Request{Principal: "arn:aws:iam::111122223333:user/alice", Action: "ec2:DescribeInstances", Resource: "*"}
	var ev Evaluator
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := ev.Evaluate(in, req, ModeAWS); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, cpu, "decisions")
}

// BenchmarkBatchCases measures the simulate batch path end to end per case:
// JSON decoding, compile-cache lookups, evaluation and JSON encoding.
func BenchmarkBatchCases(b *testing.B) {
	line := []byte(`{"request": {"principal": "arn:aws:iam::111122223333:role/app", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "resourceAccount": "111122223333", "context": {"aws:SourceIp": "10.1.2.3", "aws:TagKeys": ["a", "b"]}}, "identityPolicies": [{"name": "p1", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}}], "resourcePolicy": null, "permissionsBoundary": null, "sessionPolicy": null, "scps": [[{"name": "FullAWSAccess", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]], "rcps": []}`)
	cache := NewCache()
	dec := NewCaseDecoder()
	var ev Evaluator
	var out []byte
	b.ReportAllocs()
	cpu := cpuTime()
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		c, err := dec.Decode(line)
		if err != nil {
			b.Fatal(err)
		}
		r, err := c.Run(&ev, cache)
		if err != nil {
			b.Fatal(err)
		}
		out = r.AppendJSON(out[:0])
	}
	reportRates(b, cpu, "cases")
}

// cpuTime is the process's user+system CPU time. The benchmarks report
// throughput per wall second and per CPU second: on a shared machine the
// wall figure understates what one core does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportRates(b *testing.B, cpuStart time.Duration, unit string) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
	if d := cpuTime() - cpuStart; d > 0 {
		b.ReportMetric(float64(b.N)/d.Seconds(), unit+"/cpu-s")
	}
}

// BenchmarkContainsReadOnlyAccess compares ReadOnlyAccess with a
// scoped-down copy of itself.
func BenchmarkContainsReadOnlyAccess(b *testing.B) {
	db := embeddedDB(b)
	oldP := managedSet(b, "ReadOnlyAccess")
	newP, err := Compile("scoped", scopeDown(oldP[0].Doc))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Contains(db, oldP, []*Policy{newP})
	}
}
