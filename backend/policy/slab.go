package policy

// slab hands out elements from shared chunks, so that the many small values,
// lists and statements of a document cost a few allocations instead of one
// each. Chunks are never moved, so pointers into them stay valid; a
// document keeps its chunks alive as long as it is referenced.
type slab[T any] struct {
	free []T
	next int // size of the next chunk
}

const (
	minChunk = 4
	maxChunk = 512
)

// take returns n zeroed elements. Their capacity is n, so appending to the
// slice copies it rather than overwriting a neighbour.
func (s *slab[T]) take(n int) []T {
	if len(s.free) < n {
		s.next = min(max(2*s.next, minChunk), maxChunk)
		s.free = make([]T, max(n, s.next))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// alloc returns a pointer to one zeroed element.
func (s *slab[T]) alloc() *T { return &s.take(1)[0] }
