package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// heldBy records a send invoked at from that broker acknowledged at to.
func (s *story) heldBy(id, broker string, from, to float64) {
	s.op(history.Op{Time: at(from), Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id})
	s.op(history.Op{Time: at(to), Process: history.Producer, Type: history.OK, F: history.Send, ID: id, Broker: broker})
}

// The thawed master gives up 15 ms into the resume call, before its log
// window could reopen, so the logs show no overlap. But it acknowledged a
// send invoked while it was certainly frozen: it handled it after the thaw,
// inside broker2's window, so two brokers acted as master at once.
func TestSingleMaster_AnAckByTheThawedMasterShowsTheOverlapItsLogCannot(t *testing.T) {
	s := thawedLeaseMaster(20.995)
	s.steady("b", "broker2", 12.5, 20.5, 0.5)
	s.heldBy("m-frozen", "broker1", 8, 20.99)

	c, overlaps := SingleMasterCheckRun(s.run)

	require.Equal(t, Fail, c.Status, c.Detail)
	require.Len(t, overlaps, 1)
	o := overlaps[0]
	assert.Equal(t, []any{"broker1", "broker2", 1, "m-frozen"}, []any{o.A, o.B, o.Acks, o.FirstAck})
	assert.True(t, o.From.Equal(at(20.98)), "handled no earlier than the resume call's start, got %s", o.From)
	assert.Contains(t, c.Detail, "broker1 acknowledged 1 sends (first m-frozen) that it can only have handled 20.98s–20.99s, inside broker2's master window 12s–30s")
}

// A send invoked during the pause call may have been handled before the
// freeze landed, its receipt held in the frozen broker: no evidence.
func TestSingleMaster_AnAckThatMayPrecedeTheFreezeIsNoEvidence(t *testing.T) {
	s := thawedLeaseMaster(20.995)
	s.heldBy("m-early", "broker1", 5.995, 20.99)

	c, overlaps := SingleMasterCheckRun(s.run)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Empty(t, overlaps)
}

// Acks by the legitimate master, and by a broker handled before another's
// window opened, never count.
func TestSingleMaster_AcksInsideTheirOwnBrokersWindowAreNoEvidence(t *testing.T) {
	s := thawedLeaseMaster(20.995)
	s.heldBy("m-before", "broker1", 5.5, 12.5) // invoked before broker2's window
	s.steady("b", "broker2", 12.5, 29.5, 0.5)

	c, _ := SingleMasterCheckRun(s.run)

	require.Equal(t, Pass, c.Status, c.Detail)
}
