package generate

import (
	"sync"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

var (
	engineOnce sync.Once
	testEngine *Engine
	engineErr  error
)

// newTestEngine returns one engine over the embedded database and every
// built-in rule, shared by the package's tests.
func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	engineOnce.Do(func() {
		db, err := iamdb.Embedded()
		if err != nil {
			engineErr = err
			return
		}
		reg, err := check.NewRegistry(rules.All()...)
		if err != nil {
			engineErr = err
			return
		}
		testEngine = New(db, reg)
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return testEngine
}
