package app

import (
	"math"
	"sync"
	"time"
)

// progress sends one run's AuditProgress events: at most one per percent
// of a step, each with the step's ETA at its pace so far.
type progress struct {
	emit Emitter
	now  func() time.Time

	mu          sync.Mutex
	phase, step string
	// started is when the step began: the previous report, since a step's
	// first report comes after its first unit of work.
	started, last time.Time
	percent       int // the last percent sent for the step
}

func newProgress(emit Emitter, now func() time.Time) *progress {
	return &progress{emit: emit, now: now}
}

// report sends done of total units of step in phase.
func (p *progress) report(phase, step string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.last.IsZero() {
		p.last = now
	}
	if phase != p.phase || step != p.step {
		p.phase, p.step, p.started, p.percent = phase, step, p.last, -1
	}
	p.last = now
	percent := 100
	if total > 0 {
		percent = done * 100 / total
	}
	if percent == p.percent {
		return
	}
	p.percent = percent
	eta := -1
	switch {
	case done >= total:
		eta = 0
	case done > 0:
		eta = max(1, int(math.Ceil(now.Sub(p.started).Seconds()*float64(total-done)/float64(done))))
	}
	p.emit.Emit(EventAuditProgress, AuditProgress{Phase: phase, Step: step, Done: done, Total: total, ETASeconds: eta})
}
