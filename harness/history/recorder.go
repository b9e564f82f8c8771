package history

import (
	"sync"
	"sync/atomic"
	"time"
)

// Recorder collects a run's operations and events from many goroutines,
// and can stream them to disk as they come (see Stream).
type Recorder struct {
	mu     sync.Mutex
	ops    []Op
	events []Event
	now    func() time.Time

	// life serialises Stream and Close; st is the stream, nil until
	// Stream. st is atomic so that Flush, called from a signal handler,
	// needs neither lock.
	life sync.Mutex
	st   atomic.Pointer[stream]
}

// NewRecorder returns an empty recorder that stamps records with the wall clock.
func NewRecorder() *Recorder { return &Recorder{now: time.Now} }

// Op appends an operation, stamping its index and, when unset, its time.
func (r *Recorder) Op(op Op) Op {
	r.mu.Lock()
	defer r.mu.Unlock()
	if op.Time.IsZero() {
		op.Time = r.now()
	}
	op.Index = int64(len(r.ops))
	r.ops = append(r.ops, op)
	return op
}

// Event appends an event, stamping its time when unset.
func (r *Recorder) Event(ev Event) Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev.Time.IsZero() {
		ev.Time = r.now()
	}
	if ev.Type == RunEvent {
		ev.Ops = int64(len(r.ops))
	}
	r.events = append(r.events, ev)
	return ev
}

// Snapshot returns a copy of everything recorded so far.
func (r *Recorder) Snapshot() Run {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Run{
		Ops:    append([]Op(nil), r.ops...),
		Events: append([]Event(nil), r.events...),
	}
}

// Counts returns the completed sends by outcome and the deliveries so far,
// for progress lines.
func (r *Recorder) Counts() (ok, info, fail, delivered int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.ops {
		op := &r.ops[i]
		switch {
		case op.F == Receive:
			delivered++
		case op.Type == OK:
			ok++
		case op.Type == Info:
			info++
		case op.Type == Fail:
			fail++
		}
	}
	return
}
