package source

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/aegis-iam/aegis/backend/policy"
)

func TestWalkErrors(t *testing.T) {
	t.Run("missing path", func(t *testing.T) {
		_, errs := Walk(context.Background(), filepath.Join("testdata", "no-such-dir"), Options{})
		if len(errs) != 1 || !errors.Is(errs[0], fs.ErrNotExist) {
			t.Errorf("Walk(missing) errors = %v, want one wrapping fs.ErrNotExist", errs)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		docs, errs := Walk(ctx, filepath.Join("testdata", "cfn"), Options{})
		if len(docs) != 0 || len(errs) == 0 || !errors.Is(errs[len(errs)-1], context.Canceled) {
			t.Errorf("Walk(cancelled) = %d documents, errors %v; want none and context.Canceled", len(docs), errs)
		}
	})
	t.Run("forced kind applies to raw policies", func(t *testing.T) {
		docs, errs := Walk(context.Background(), filepath.Join("testdata", "raw", "identity.json"), Options{Kind: policy.KindSCP})
		if len(errs) != 0 || len(docs) != 1 || docs[0].Kind != policy.KindSCP {
			t.Errorf("Walk(identity.json, scp) = %+v, %v; want one scp document", docs, errs)
		}
	})
}
