package history

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The checker orders operations by Index, so the recorder, not the
// caller, numbers them: in recording order, from 0, whatever the caller
// put there. A time the caller measured itself (a send stamped when the
// signal was sent) is kept; a missing one is the recorder's clock.
func TestRecorderStampsIndexAndTime(t *testing.T) {
	r := fixedRecorder()
	own := t0.Add(time.Hour)
	a := r.Op(Op{Index: 42, Type: Invoke, F: Send, ID: "m1"})
	b := r.Op(Op{Index: 42, Type: OK, F: Send, ID: "m1", Time: own})
	ev := r.Event(Event{Type: FaultEvent, Phase: PhaseStart, Action: "kill"})
	kept := r.Event(Event{Type: FaultEvent, Phase: PhaseEnd, Action: "kill", Time: own})

	assert.Equal(t, int64(0), a.Index)
	assert.Equal(t, int64(1), b.Index)
	assert.Equal(t, t0.Add(time.Millisecond), a.Time, "an op without a time gets the clock's")
	assert.Equal(t, own, b.Time, "an op's own time is kept")
	assert.Equal(t, t0.Add(2*time.Millisecond), ev.Time, "an event without a time gets the clock's")
	assert.Equal(t, own, kept.Time)

	// What Op and Event return is what was stored.
	snap := r.Snapshot()
	assert.Equal(t, []Op{a, b}, snap.Ops)
	assert.Equal(t, []Event{ev, kept}, snap.Events)
}

// A snapshot is the caller's to keep: records made later do not appear
// in it, and changing it does not change the recorder.
func TestSnapshotIsACopy(t *testing.T) {
	r := fixedRecorder()
	r.Op(sendOp(1))
	r.Event(Event{Type: RunEvent, Phase: PhaseStart})
	first := r.Snapshot()

	first.Ops[0].ID = "changed"
	first.Events[0].Detail = "changed"
	r.Op(sendOp(2))

	again := r.Snapshot()
	require.Len(t, again.Ops, 2)
	assert.Equal(t, "m00001", again.Ops[0].ID)
	assert.Empty(t, again.Events[0].Detail)
	assert.Len(t, first.Ops, 1, "a later op reached an earlier snapshot")

	assert.Equal(t, Run{}, NewRecorder().Snapshot(), "an empty recorder's snapshot is empty")
}

// Counts feeds the progress line: completed sends by outcome, and every
// delivery whatever its type; invocations are not outcomes.
func TestCounts(t *testing.T) {
	r := NewRecorder()
	for _, op := range []Op{
		{Process: Producer, Type: Invoke, F: Send, ID: "m1"},
		{Process: Producer, Type: OK, F: Send, ID: "m1"},
		{Process: Producer, Type: Invoke, F: Send, ID: "m2"},
		{Process: Producer, Type: Info, F: Send, ID: "m2"},
		{Process: Producer, Type: Invoke, F: Send, ID: "m3"},
		{Process: Producer, Type: Fail, F: Send, ID: "m3"},
		{Process: Producer, Type: Invoke, F: Send, ID: "m4"},
		{Process: Producer, Type: OK, F: Send, ID: "m4"},
		{Process: Consumer, Type: OK, F: Receive, ID: "m1"},
		{Process: Consumer, Type: OK, F: Receive, ID: "m1", Redelivered: true},
	} {
		r.Op(op)
	}
	ok, info, fail, delivered := r.Counts()
	assert.Equal(t, 2, ok)
	assert.Equal(t, 1, info)
	assert.Equal(t, 1, fail)
	assert.Equal(t, 2, delivered, "a redelivery is a delivery")

	ok, info, fail, delivered = NewRecorder().Counts()
	assert.Zero(t, ok+info+fail+delivered)
}

// Many goroutines record at once, as the producer, the consumer and the
// role probe do: every record is kept, indices are unique, dense and in
// slice order, and the race detector has nothing to say.
func TestRecorderFromManyGoroutines(t *testing.T) {
	r := NewRecorder()
	const workers, n = 8, 500
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				r.Op(sendOp(w*n + i))
				if i%50 == 0 {
					_, _, _, _ = r.Counts()
					_ = r.Snapshot()
				}
			}
			r.Event(Event{Type: RoleEvent, Role: Master})
		}()
	}
	wg.Wait()

	run := r.Snapshot()
	require.Len(t, run.Ops, workers*n)
	assert.Len(t, run.Events, workers)
	ids := map[string]bool{}
	for i, op := range run.Ops {
		require.Equal(t, int64(i), op.Index, "index out of order")
		ids[op.ID] = true
	}
	assert.Len(t, ids, workers*n, "an op was lost or recorded twice")
}
