package checker

import (
	"fmt"
	"testing"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// frozenMaster: broker1 is paused at 10s, broker2 takes the lock at 15s,
// broker1 is resumed at 20s. The probe sees broker1 as a slave afterwards,
// but the producer's old connection to it is still open.
func frozenMaster() *story {
	s := &story{}
	s.runStart(0)
	s.ticks(0, 9, "broker1=master", "broker2=slave")
	s.steady("a", "broker1", 0, 9.5, 0.5)
	s.fault(1, "pause", "broker1", 10, 20)
	s.ticks(10, 14, "broker1=paused", "broker2=slave")
	s.ticks(15, 19, "broker1=paused", "broker2=master")
	s.ticks(20, 30, "broker1=slave", "broker2=master")
	s.steady("b", "broker2", 15.5, 30, 0.5)
	return s
}

func TestSplitBrainAcks_CleanFailoverPasses(t *testing.T) {
	s := frozenMaster()

	c, ev := SplitBrainAcksCheck(s.run)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "50 acks checked against 2 probe master windows")
	assert.Nil(t, ev)
}

func TestSplitBrainAcks_AckFromTheDeposedMasterFails(t *testing.T) {
	s := frozenMaster()
	s.ackBy("stale", "broker1", 20.3) // on the connection opened before the pause

	c, ev := SplitBrainAcksCheck(s.run)
	sm, _ := SingleMasterCheck(s.run.Events)

	assert.Equal(t, Pass, sm.Status, sm.Detail) // the probe never saw two masters...
	require.Equal(t, Fail, c.Status, c.Detail)  // ...but a client was told "stored" by the wrong one
	for _, p := range []string{"1 of 51 acks", "stale acknowledged by broker1 at 20.3s while broker2 was master (15s–30s)",
		"broker2 acknowledged b-10 at 20.5s"} {
		assert.Contains(t, c.Detail, p)
	}
	require.Len(t, ev, 1)
	e := ev[0]
	assert.Equal(t, "stale", e.ID)
	assert.Equal(t, "broker1", e.Broker)
	assert.True(t, e.At.Equal(at(20.3)))
	assert.Equal(t, "broker2", e.Other)
	assert.True(t, e.OtherWindow.From.Equal(at(15)))
	assert.True(t, e.OtherWindow.To.Equal(at(30)))
	assert.Equal(t, "b-10", e.OtherAckID)
	assert.True(t, e.OtherAckAt.Equal(at(20.5)))
}

func TestSplitBrainAcks_EvidenceIsCapped(t *testing.T) {
	s := frozenMaster()
	for i := range 150 {
		s.ackBy(fmt.Sprintf("stale-%d", i), "broker1", 20.01+float64(i)*0.05)
	}

	c, ev := SplitBrainAcksCheck(s.run)

	require.Equal(t, Fail, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "150 of 200 acks")
	assert.Contains(t, c.Detail, "150 pairs; evidence capped at 100")
	assert.Len(t, ev, 100)
}

func TestSplitBrainAcks_NoSamplesIsUnknown(t *testing.T) {
	var s story
	s.ackBy("m1", "broker1", 1)

	c, _ := SplitBrainAcksCheck(s.run)

	assert.Equal(t, Unknown, c.Status, c.Detail)
}

func TestSplitBrainAcks_AcksWithoutBrokerAreUnknown(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=master", "broker2=slave")
	for i := range 5 {
		id := fmt.Sprintf("m%d", i)
		s.op(history.Op{Time: at(float64(i)), Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id})
		s.op(history.Op{Time: at(float64(i) + 0.01), Process: history.Producer, Type: history.OK, F: history.Send, ID: id})
	}

	c, ev := SplitBrainAcksCheck(s.run)

	require.Equal(t, Unknown, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "none of the 5 acknowledged sends names the broker")
	assert.Nil(t, ev)
}

func TestSplitBrainAcks_SomeAcksWithoutBrokerAreSkipped(t *testing.T) {
	s := frozenMaster()
	s.op(history.Op{Time: at(25), Process: history.Producer, Type: history.Invoke, F: history.Send, ID: "anon"})
	s.op(history.Op{Time: at(25.01), Process: history.Producer, Type: history.OK, F: history.Send, ID: "anon"})

	c, _ := SplitBrainAcksCheck(s.run)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "(1 acks without a broker not checked)")
}

func TestSplitBrainAcks_NoAcksIsUnknown(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=master", "broker2=slave")

	c, _ := SplitBrainAcksCheck(s.run)

	require.Equal(t, Unknown, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "no send was acknowledged")
}

func TestSplitBrainAcks_ProbeOnlyCallerJudgesAsBefore(t *testing.T) {
	s := frozenMaster()
	s.ackBy("stale", "broker1", 20.3)

	byRun, ev1 := SplitBrainAcksCheck(s.run)
	bySamples, ev2 := splitBrainAcksCheck(roleSamples(s.run.Events), acksByTime(s.run.Ops), runStart(s.run.Events, at(0)))

	assert.Equal(t, byRun, bySamples)
	assert.Equal(t, ev1, ev2)
}
