package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dumped records a broker's thread dump at the run's end.
func (s *story) dumped(node string, sec float64, phase, detail, err string) {
	s.event(history.Event{Time: at(sec), Type: history.DumpEvent, Node: node, Phase: phase, Detail: detail, Error: err})
}

// The section HotSpot printed for apache/activemq#1731 (disk-full on the
// JDBC store, four producers on one queue), cut short.
const deadlockSection = `Found one Java-level deadlock:
=============================
"ActiveMQ Transport: tcp:///172.30.0.1:59660@61613":
  waiting to lock monitor 0x00007fa8c400dba0 (object 0x00000000f5fc5288, a java.util.LinkedList),
  which is held by "ActiveMQ Transport: tcp:///172.30.0.1:59676@61613"
"ActiveMQ Transport: tcp:///172.30.0.1:59676@61613":
  waiting to lock monitor 0x00007fa9244199e0 (object 0x00000000f5fc4560, a java.util.LinkedList),
  which is held by "ActiveMQ Transport: tcp:///172.30.0.1:59660@61613"
	at org.apache.activemq.broker.region.Queue.rollbackPendingCursorAdditions(Queue.java:788)
Found 1 deadlock.`

func deadlockCheck(t *testing.T, s *story) CheckResult {
	t.Helper()
	return check(t, analyzeUnguarded(s.run, fullConfig), NoDeadlock)
}

// A broker whose JVM found a deadlock fails the run, whatever the others say.
func TestNoDeadlock_ADeadlockedBrokerFails(t *testing.T) {
	s := healthyFailover()
	s.dumped("broker1", 30, history.PhaseDeadlock, deadlockSection, "")
	s.dumped("broker2", 30, history.PhaseNoDeadlock, "", "")

	c := deadlockCheck(t, s)

	require.Equal(t, Fail, c.Status, c.Detail)
	assert.Contains(t, c.Detail, `broker1's JVM at`)
	assert.Contains(t, c.Detail, `waiting to lock monitor 0x00007fa8c400dba0`)
	assert.NotContains(t, c.Detail, "====")
}

// Clean dumps pass, naming a broker that could not be dumped.
func TestNoDeadlock_CleanDumpsPass(t *testing.T) {
	s := healthyFailover()
	s.dumped("broker1", 30, history.PhaseNoDeadlock, "", "")
	s.dumped("broker2", 30, "", "", "not dumped: the broker is down")

	c := deadlockCheck(t, s)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "thread dumps of broker1")
	assert.Contains(t, c.Detail, "broker2 not dumped: the broker is down")
}

// No dump that came is no evidence either way.
func TestNoDeadlock_NoDumpThatCameIsUnknown(t *testing.T) {
	s := healthyFailover()
	s.dumped("broker1", 30, "", "", "no thread dump came within 5s")

	assert.Equal(t, Unknown, deadlockCheck(t, s).Status)
	assert.Equal(t, NotApplicable, deadlockCheck(t, healthyFailover()).Status, "a history without dumps")
}
