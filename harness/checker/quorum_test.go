package checker

import (
	"strings"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/require"
)

var zkQuorum = QuorumSpec{Members: []string{"zk1", "zk2", "zk3"}, Size: 2, Resume: 30 * time.Second}

// zkOutage: zk1 and zk2 are killed at 10s and restarted at 15s. The probe
// sees them down from 10.2s and following again at 16s. broker1 serves
// until 10s, one receipt in flight lands at 10.4s, and sends are
// acknowledged again from 18.1s.
func zkOutage(resumeAt float64) *story {
	s := &story{}
	s.runStart(0)
	s.ticks(0, 10, "zk1=follower", "zk2=follower", "zk3=leader")
	s.fault(1, "kill", "zk1", 10, 10)
	s.fault(2, "kill", "zk2", 10, 10)
	s.tick(10.2, "zk1=down", "zk2=down", "zk3=looking")
	s.ticks(11, 15, "zk1=down", "zk2=down", "zk3=looking")
	s.fault(3, "restart", "zk1", 15, 15)
	s.fault(4, "restart", "zk2", 15, 15)
	s.ticks(16, 40, "zk1=follower", "zk2=follower", "zk3=leader")
	s.steady("a", "broker1", 0, 10, 0.5)
	s.ackBy("in-flight", "broker1", 10.4)
	if resumeAt > 0 {
		s.steady("b", "broker1", resumeAt, 39.5, 0.5)
	}
	s.drain(40)
	s.runEnd(45)
	return s
}

func TestQuorum_WritesStopWithoutQuorumAndComeBack(t *testing.T) {
	c, ws := QuorumCheck(zkOutage(18.1).run, &zkQuorum)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "1 no-quorum windows (total 5.8 s)", "10.2s–16s without zk1, zk2",
		"0 acks inside", "traffic resumed after 2.1 s", "within 250ms of a window opening are ignored")
	require.Len(t, ws, 1, "windows %+v", ws)
	require.Equal(t, int64(2100), ws[0].ResumeMS, "windows %+v", ws)
	require.Equal(t, "b-0", ws[0].FirstOKID, "windows %+v", ws)
	require.False(t, ws[0].Open, "windows %+v", ws)
}

func TestQuorum_AckWithoutQuorumFails(t *testing.T) {
	s := zkOutage(18.1)
	s.ackBy("impossible", "broker1", 12)

	c, ws := QuorumCheck(s.run, &zkQuorum)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "1 acks inside: 1 in 10.2s–16s: impossible by broker1 at 12s")
	require.Equal(t, 1, ws[0].AcksInside, "window %+v", ws[0])
	require.Equal(t, "impossible", ws[0].Acks[0].ID, "window %+v", ws[0])
	require.Equal(t, "broker1", ws[0].Acks[0].Broker, "window %+v", ws[0])
}

func TestQuorum_TrafficMustResumeInTime(t *testing.T) {
	t.Run("late", func(t *testing.T) {
		spec := zkQuorum
		spec.Resume = time.Second
		c, _ := QuorumCheck(zkOutage(18.1).run, &spec)
		wantStatus(t, c, Fail)
		wantDetail(t, c, "acknowledged traffic did not resume within 1s after quorum returned at 16s (first ack b-0 2.1 s later)")
	})
	t.Run("never", func(t *testing.T) {
		spec := zkQuorum
		spec.Resume = 10 * time.Second
		c, _ := QuorumCheck(zkOutage(0).run, &spec)
		wantStatus(t, c, Fail)
		wantDetail(t, c, "did not resume within 10s after quorum returned at 16s (none before 40s)")
	})
	t.Run("producer stopped before the bound ran out", func(t *testing.T) {
		c, _ := QuorumCheck(zkOutage(0).run, &zkQuorum)
		wantStatus(t, c, Pass)
		wantDetail(t, c, "resume not judged after quorum returned at 16s: no ack before the producer stopped at 40s, 24.0 s later, short of the 30s bound")
	})
	t.Run("no bound", func(t *testing.T) {
		spec := zkQuorum
		spec.Resume = 0
		c, _ := QuorumCheck(zkOutage(0).run, &spec)
		wantStatus(t, c, Pass)
	})
}

// The probe still sees zk2 running; the partition cuts it from its peers,
// and with zk1 down that takes quorum away, from its start to its end.
func TestQuorum_PartitionedMembersAreUnavailable(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 30, "zk1=down", "zk2=follower", "zk3=leader")
	s.event(history.Event{Time: at(10), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1,
		Action: "partition", Target: "node:2", Nodes: []string{"broker2", "zk2"}})
	s.event(history.Event{Time: at(15), Type: history.FaultEvent, Phase: history.PhaseEnd, Step: 1,
		Action: "partition", Target: "node:2", Nodes: []string{"broker2", "zk2"}})
	s.ackBy("during", "broker3", 12)
	s.ackBy("after", "broker3", 16)
	s.runEnd(30)

	c, ws := QuorumCheck(s.run, &zkQuorum)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "10s–15s without zk1, zk2", "during by broker3 at 12s")
	require.Len(t, ws, 1, "windows %+v", ws)
	require.Equal(t, int64(1000), ws[0].ResumeMS, "windows %+v", ws)
}

// Partitioning two of three servers away from the third leaves the two
// together: they keep the quorum, and the lone third is the one cut off.
func TestQuorum_TheSmallerSideOfAPartitionIsTheOneLost(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 30, "zk1=follower", "zk2=follower", "zk3=leader")
	s.event(history.Event{Time: at(10), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1,
		Action: "partition", Target: "majority", Nodes: []string{"zk1", "zk2"}})
	s.event(history.Event{Time: at(15), Type: history.FaultEvent, Phase: history.PhaseEnd, Step: 1,
		Action: "partition", Target: "majority", Nodes: []string{"zk1", "zk2"}})
	s.ackBy("during", "zk1", 12)
	s.runEnd(30)

	c, ws := QuorumCheck(s.run, &zkQuorum)

	wantStatus(t, c, Pass)
	require.Empty(t, ws, "windows, want none")
}

// A bridge cuts two servers from each other, but the third reaches both.
func TestQuorum_ABridgeIsolatesNobody(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 30, "zk1=leader", "zk2=follower", "zk3=follower")
	s.event(history.Event{Time: at(10), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1,
		Action: "partition", Target: "bridge", Nodes: []string{"zk1", "zk2"}})
	s.ackBy("during", "zk1", 12)
	s.runEnd(30)

	c, _ := QuorumCheck(s.run, &zkQuorum)

	wantStatus(t, c, Pass)
}

func TestQuorum_StillWithoutQuorumAtTheEnd(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 9, "zk1=follower", "zk2=follower", "zk3=leader")
	s.ticks(10, 30, "zk1=paused", "zk2=down", "zk3=looking")
	s.ackBy("late", "broker1", 25)
	s.runEnd(31)

	c, ws := QuorumCheck(s.run, &zkQuorum)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "10s–31s", "late by broker1 at 25s", "still without quorum")
	require.Len(t, ws, 1, "windows %+v", ws)
	require.True(t, ws[0].Open, "windows %+v", ws)
}

func TestQuorum_NotApplicableOrUnknown(t *testing.T) {
	s := zkOutage(18.1)

	res := analyzeUnguarded(s.run, Config{QuorumBlocking: true})
	c := check(t, res, QuorumBlocking)
	wantStatus(t, c, NotApplicable)
	wantDetail(t, c, "profile has no quorum")

	c, _ = QuorumCheck(s.run, &QuorumSpec{Members: []string{"etcd1", "etcd2", "etcd3"}, Size: 2})
	wantStatus(t, c, Unknown)

	c, _ = QuorumCheck(s.run, &QuorumSpec{Size: 2})
	wantStatus(t, c, Unknown)
	wantDetail(t, c, "members are unknown")
}

func TestSampledNodes_NamesTheQuorumFromTheRun(t *testing.T) {
	s := zkOutage(18.1)
	s.tick(41, "broker1=master")

	got := SampledNodes(s.run.Events, "zk")

	require.Equal(t, "zk1,zk2,zk3", strings.Join(got, ","), "got %v", got)
}

// The replicated profile's writes need both the databases' quorum and the
// ensemble's: losing two ZooKeeper servers is a loss of quorum even with
// every database up, and an ack then is a violation.
func TestQuorum_EveryGroupMustBeQuorate(t *testing.T) {
	s := &story{}
	s.runStart(0)
	s.ticks(0, 10, "pg1=primary", "pg2=replica", "pg3=replica", "zk1=follower", "zk2=follower", "zk3=leader")
	s.ticks(10.2, 20, "pg1=primary", "pg2=replica", "pg3=replica", "zk1=down", "zk2=down", "zk3=looking")
	s.steady("a", "broker1", 0, 9.5, 0.5)
	s.ackBy("during", "broker1", 12)
	s.drain(20)
	s.runEnd(21)
	spec := &QuorumSpec{Members: []string{"pg1", "pg2", "pg3"}, Size: 2,
		Also: []QuorumSpec{{Members: []string{"zk1", "zk2", "zk3"}, Size: 2}}}

	c, ws := QuorumCheck(s.run, spec)

	require.Equal(t, Fail, c.Status, "status (%s), want fail", c.Detail)
	require.Len(t, ws, 1, "want one no-quorum window (%s)", c.Detail)
}

// A member whose probe times out while it starts is not a lost member:
// only Docker's own down and paused, and partitions, take one away.
func TestQuorum_AnUnresponsiveProbeIsNotALostMember(t *testing.T) {
	var s story
	s.runStart(0)
	s.ticks(0, 9, "zk1=follower", "zk2=follower", "zk3=leader")
	s.ticks(10, 12, "zk1=down", "zk2=unresponsive", "zk3=leader")
	s.ackBy("slow-probe", "broker1", 11)
	s.runEnd(13)

	c, _ := QuorumCheck(s.run, &zkQuorum)

	wantStatus(t, c, Pass)
}
