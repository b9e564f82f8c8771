package cluster

import "sync"

// latched is what a broker's log follower last noted about its JVM, for
// the restore to read; a restart of the JVM resets it.
type latched[T any] struct {
	mu sync.Mutex
	v  T
}

func (l *latched[T]) set(v T) {
	l.mu.Lock()
	l.v = v
	l.mu.Unlock()
}

func (l *latched[T]) get() T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.v
}

func (l *latched[T]) reset() {
	var zero T
	l.set(zero)
}
