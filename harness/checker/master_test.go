package checker

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file judge probe-only histories, as every run wrote
// before the brokers' log lines were recorded: they must judge as before.

func TestSingleMaster_CleanFailoverPasses(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=master", "broker2=slave")
	s.tick(11, "broker1=down", "broker2=starting")
	s.ticks(12, 40, "broker1=down", "broker2=master")

	c, overlaps := SingleMasterCheck(s.run.Events)

	require.Equal(t, Pass, c.Status, c.Detail)
	for _, p := range []string{"82 role samples", "2 master windows", "broker1 0s–10s", "broker2 12s–40s"} {
		assert.Contains(t, c.Detail, p)
	}
	assert.NotContains(t, c.Detail, "log", "a probe-only history says nothing about logs")
	assert.Nil(t, overlaps)
}

func TestSingleMaster_OverlappingWindowsFailWithEvidence(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=master", "broker2=slave")
	// broker1 is frozen but still answers; broker2 takes the lock anyway.
	s.ticks(11, 13, "broker1=master", "broker2=master")
	s.ticks(14, 20, "broker1=down", "broker2=master")

	c, overlaps := SingleMasterCheck(s.run.Events)

	require.Equal(t, Fail, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "broker1 and broker2 both master 11s–13s")
	require.Len(t, overlaps, 1)
	o := overlaps[0]
	assert.Equal(t, "broker1", o.A)
	assert.Equal(t, "broker2", o.B)
	assert.True(t, o.From.Equal(at(11)), "from %v", o.From)
	assert.True(t, o.To.Equal(at(13)), "to %v", o.To)
	assert.True(t, o.AWindow.From.Equal(at(0)))
	assert.True(t, o.BWindow.To.Equal(at(20)))
	assert.Len(t, o.SampleTimes, 3)
}

func TestSingleMaster_TwoMastersInOneTickIsAnOverlap(t *testing.T) {
	var s story
	s.ticks(0, 5, "broker1=master", "broker2=slave", "broker3=slave")
	s.tick(6, "broker1=slave", "broker2=master", "broker3=master")
	s.ticks(7, 9, "broker1=slave", "broker2=master", "broker3=slave")

	c, overlaps := SingleMasterCheck(s.run.Events)

	require.Equal(t, Fail, c.Status, c.Detail)
	require.Len(t, overlaps, 1)
	assert.Equal(t, "broker2", overlaps[0].A)
	assert.Equal(t, "broker3", overlaps[0].B)
	assert.True(t, overlaps[0].From.Equal(at(6)))
}

func TestSingleMaster_AnyOtherRoleClosesAWindow(t *testing.T) {
	var s story
	s.tick(0, "broker1=master")
	s.tick(1, "broker1=paused", "broker2=master")
	s.tick(2, "broker1=master", "broker2=down")

	ws := MasterWindows(s.run.Events)

	require.Len(t, ws, 3)
	assert.Equal(t, []string{"broker1", "broker2", "broker1"}, []string{ws[0].Node, ws[1].Node, ws[2].Node})
	c, _ := SingleMasterCheck(s.run.Events)
	assert.Equal(t, Pass, c.Status, c.Detail)
}

func TestSingleMaster_NoSamplesIsUnknown(t *testing.T) {
	var s story
	s.runStart(0)
	s.fault(1, "kill", "broker1", 5, 5)

	c, _ := SingleMasterCheck(s.run.Events)

	assert.Equal(t, Unknown, c.Status, c.Detail)
}

func TestSingleMaster_SamplesWrittenOutOfOrderAreSortedByTime(t *testing.T) {
	var s story
	s.tick(2, "broker2=master")
	s.tick(0, "broker1=master")
	s.tick(1, "broker1=down", "broker2=slave")

	c, _ := SingleMasterCheck(s.run.Events)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "broker1 0s–0s, broker2 2s–2s")
}

func TestSingleMaster_NoMasterWindowWhileAcknowledgedIsUnknown(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=unresponsive", "broker2=slave")
	s.steady("a", "broker1", 1, 9, 1)
	s.runEnd(10)

	c, overlaps := SingleMasterCheckRun(s.run)

	require.Equal(t, Unknown, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "9 sends were acknowledged, but no broker has a master window")
	assert.Nil(t, overlaps)
}

func TestSingleMaster_NoMasterWindowWithoutAcksStillPasses(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=slave", "broker2=slave")
	s.runEnd(10)

	c, _ := SingleMasterCheckRun(s.run)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "no broker seen as master in 22 role samples")
}

func TestSingleMaster_RunVariantJudgesProbeHistoryAsBefore(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 10, "broker1=master", "broker2=slave")
	s.steady("a", "broker1", 0.5, 9.5, 1)
	s.ticks(11, 13, "broker1=master", "broker2=master")
	s.runEnd(13)

	byEvents, o1 := SingleMasterCheck(s.run.Events)
	byRun, o2 := SingleMasterCheckRun(s.run)

	assert.Equal(t, byEvents, byRun)
	assert.Equal(t, o1, o2)
	assert.Equal(t, Fail, byRun.Status)
}
