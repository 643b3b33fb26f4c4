package remediate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/audit/rightsize"
	"github.com/aegis-iam/aegis/backend/awsapi"
)

// Status is where a remediation stands.
type Status string

// Statuses, in the order a remediation goes through them.
const (
	Previewed      Status = "previewed"       // planned; nothing written
	Applied        Status = "applied"         // every call made; see Apply.Verified
	ApplyFailed    Status = "apply-failed"    // a call failed: the calls before it were made
	RolledBack     Status = "rolled-back"     // the saved state restored; see Rollback.Verified
	RollbackFailed Status = "rollback-failed" // a rollback call failed: roll back again
)

// Record is one remediation as the store keeps it: the plan, the state
// saved before any write, and what apply and rollback did.
type Record struct {
	ID        string    `json:"id"`
	AuditID   string    `json:"auditId,omitempty"`
	Principal Principal `json:"principal"`
	CreatedAt time.Time `json:"createdAt"`
	Status    Status    `json:"status"`
	// Before is the live state the plan was made from; Apply saves it
	// again, re-read, before its first write. Rollback restores it.
	Before State `json:"before"`
	// Target is the state the plan leads to; Apply verifies against it.
	Target State  `json:"target"`
	Steps  []Step `json:"steps"`
	// Token confirms an apply of exactly this plan from exactly Before.
	Token string   `json:"token"`
	Notes []string `json:"notes"`
	// Removed are the permissions the recommendation drops (unused in the
	// audit); BaselineDenied the actions the audit already saw denied.
	Removed        []string `json:"removed"`
	BaselineDenied []string `json:"baselineDenied"`
	Apply          *Run     `json:"apply,omitempty"`
	Rollback       *Run     `json:"rollback,omitempty"`
}

// Run is one execution of calls: those made (the last one failed when
// Error is set), those not attempted, and the read-back verification.
type Run struct {
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished"`
	Done     []StepResult `json:"done"`
	Pending  []Step       `json:"pending"`
	Error    string       `json:"error,omitempty"`
	// Verified is true when the state read back equals the one wanted;
	// Mismatches say how it differs otherwise.
	Verified   bool     `json:"verified"`
	Mismatches []string `json:"mismatches"`
}

// StepResult is one call made: its outcome, the AWS error code when it
// failed (AccessDenied, LimitExceeded, NoSuchEntity…) and what IAM
// assigned (a version ID, an ARN).
type StepResult struct {
	Step
	OK     bool              `json:"ok"`
	Code   string            `json:"code,omitempty"`
	Error  string            `json:"error,omitempty"`
	Output map[string]string `json:"output,omitempty"`
}

// Records is where remediation records are kept; store.Remediations
// implements it.
type Records interface {
	Put(id string, r Record) error
	Get(id string) (Record, error)
	List() ([]Record, error)
}

// Remediator previews, applies and rolls back remediations, keeping each
// in Records.
type Remediator struct {
	records Records
	now     func() time.Time
	newID   func(time.Time) (string, error)
}

// New returns a Remediator keeping records in records, with the clock now
// and IDs from newID.
func New(records Records, now func() time.Time, newID func(time.Time) (string, error)) *Remediator {
	return &Remediator{records: records, now: now, newID: newID}
}

// ErrToken says an apply did not carry the preview's confirmation token.
var ErrToken = errors.New("the confirmation token does not match the preview")

// Preview reads the live state of an audited principal and plans the
// calls that apply its recommendation; it writes nothing to AWS and saves
// the plan as a Previewed record.
func (r *Remediator) Preview(ctx context.Context, iam IAM, auditID string, ap *result.Principal) (Record, error) {
	p, err := principalOf(ap.ARN)
	if err != nil {
		return Record{}, err
	}
	c, err := changeOf(p, ap)
	if err != nil {
		return Record{}, err
	}
	before, err := read(ctx, iam, p, c.scope())
	if err != nil {
		return Record{}, fmt.Errorf("reading %s: %w", p.ARN, err)
	}
	target, notes, err := c.target(before)
	if err != nil {
		return Record{}, err
	}
	now := r.now().UTC()
	id, err := r.newID(now)
	if err != nil {
		return Record{}, err
	}
	rec := Record{ID: id, AuditID: auditID, Principal: p, CreatedAt: now, Status: Previewed, Before: before, Target: target,
		Steps: converge(p, before, target), Notes: nonNil(notes), Removed: nonNil(ap.Permissions.Unused), BaselineDenied: nonNil(ap.Permissions.Denied)}
	if attaches := countOperation(rec.Steps, "Attach"); detachFirst(before, attaches) {
		rec.Notes = append(rec.Notes, fmt.Sprintf("%s has %d managed policies attached and IAM's default quota is %d: the policies are detached before the new ones are attached, so for a moment it lacks their permissions",
			p.Name, before.AttachedTotal, rightsize.ManagedPerEntity))
	}
	if ap.Recommendation != nil {
		rec.Notes = append(rec.Notes, ap.Recommendation.Notes...)
	}
	if rec.Token, err = token(rec); err != nil {
		return Record{}, err
	}
	if err := r.records.Put(rec.ID, rec); err != nil {
		return Record{}, fmt.Errorf("saving the remediation: %w", err)
	}
	return rec, nil
}

// countOperation counts the steps whose operation starts with prefix.
func countOperation(steps []Step, prefix string) int {
	n := 0
	for _, s := range steps {
		if strings.HasPrefix(s.Call.Operation, prefix) {
			n++
		}
	}
	return n
}

// token hashes what a confirmation approves: the principal, the state
// read and the calls.
func token(rec Record) (string, error) {
	data, err := json.Marshal(struct {
		Principal Principal
		Before    State
		Steps     []Step
	}{rec.Principal, rec.Before, rec.Steps})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8]), nil
}

// Apply makes a previewed remediation's calls. The token must be the
// preview's; the live state must still be the previewed one (ErrStale
// otherwise). The state is saved before the first write and the record
// after every call; a failed call stops the apply (ApplyFailed, with the
// calls made, the failure and the calls not attempted) and Rollback
// undoes whatever was made. After the last call the state is read back and
// compared with the target.
func (r *Remediator) Apply(ctx context.Context, iam IAM, id, tok string) (Record, error) {
	rec, err := r.records.Get(id)
	if err != nil {
		return Record{}, err
	}
	if rec.Status != Previewed {
		return rec, fmt.Errorf("remediation %s is %s: only a previewed remediation can be applied", id, rec.Status)
	}
	if tok != rec.Token {
		return rec, ErrToken
	}
	live, err := read(ctx, iam, rec.Principal, scopeOf(rec.Before))
	if err != nil {
		return rec, fmt.Errorf("reading %s: %w", rec.Principal.ARN, err)
	}
	if d := diff(live, rec.Before); len(d) > 0 {
		return rec, fmt.Errorf("%w since the preview: %s: preview again", ErrStale, strings.Join(d, "; "))
	}
	rec.Before = live
	rec.Apply = &Run{Started: r.now().UTC(), Done: []StepResult{}, Pending: rec.Steps, Mismatches: []string{}}
	if err := r.records.Put(rec.ID, rec); err != nil {
		return rec, fmt.Errorf("saving the state before applying: %w", err)
	}
	if err := r.execute(ctx, iam, &rec, rec.Apply, rec.Target); err != nil {
		rec.Status = ApplyFailed
	} else {
		rec.Status = Applied
	}
	return rec, r.save(rec)
}

// Rollback restores the state saved before an apply, whatever part of it
// was made: it reads the live state, makes the calls that converge it to
// the saved one and verifies it. A remediation rolled back already, or
// never applied, is refused.
func (r *Remediator) Rollback(ctx context.Context, iam IAM, id string) (Record, error) {
	rec, err := r.records.Get(id)
	if err != nil {
		return Record{}, err
	}
	switch rec.Status {
	case Applied, ApplyFailed, RollbackFailed:
	default:
		return rec, fmt.Errorf("remediation %s is %s: there is nothing to roll back", id, rec.Status)
	}
	live, err := read(ctx, iam, rec.Principal, scopeOf(rec.Before))
	if err != nil {
		return rec, fmt.Errorf("reading %s: %w", rec.Principal.ARN, err)
	}
	steps := converge(rec.Principal, live, rec.Before)
	rec.Rollback = &Run{Started: r.now().UTC(), Done: []StepResult{}, Pending: steps, Mismatches: []string{}}
	if err := r.records.Put(rec.ID, rec); err != nil {
		return rec, fmt.Errorf("saving the rollback plan: %w", err)
	}
	if err := r.execute(ctx, iam, &rec, rec.Rollback, rec.Before); err != nil {
		rec.Status = RollbackFailed
	} else {
		rec.Status = RolledBack
	}
	return rec, r.save(rec)
}

func (r *Remediator) save(rec Record) error {
	if err := r.records.Put(rec.ID, rec); err != nil {
		return fmt.Errorf("saving remediation %s: %w", rec.ID, err)
	}
	return nil
}

// execute makes run's pending calls in order, saving rec after each, then
// verifies the live state against want. It returns the first failure.
func (r *Remediator) execute(ctx context.Context, iam IAM, rec *Record, run *Run, want State) error {
	for len(run.Pending) > 0 {
		s := run.Pending[0]
		out, err := iam.Do(ctx, s.Call)
		res := StepResult{Step: s, OK: err == nil, Output: out}
		if err != nil {
			res.Code, res.Error = awsapi.ErrorCode(err), err.Error()
		}
		run.Done = append(run.Done, res)
		run.Pending = run.Pending[1:]
		if err != nil {
			run.Error = fmt.Sprintf("%s failed after %d of %d calls: %v", s.Call.Operation, len(run.Done)-1, len(run.Done)+len(run.Pending), err)
			run.Finished = r.now().UTC()
			return err
		}
		if err := r.records.Put(rec.ID, *rec); err != nil {
			run.Error = fmt.Sprintf("saving progress: %v", err)
			return err
		}
	}
	run.Finished = r.now().UTC()
	live, err := read(ctx, iam, rec.Principal, scopeOf(want))
	if err != nil {
		run.Error = fmt.Sprintf("reading the state back: %v", err)
		return err
	}
	run.Mismatches = nonNil(diff(live, want))
	run.Verified = len(run.Mismatches) == 0
	return nil
}

// List returns every remediation record, newest first.
func (r *Remediator) List() ([]Record, error) { return r.records.List() }

// Get returns one remediation record.
func (r *Remediator) Get(id string) (Record, error) { return r.records.Get(id) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
