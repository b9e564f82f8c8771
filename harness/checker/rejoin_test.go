package checker

import (
	"testing"
	"time"
)

// killAndRestart is the usual story: broker1 is master, gets killed at 10s,
// broker2 takes over at 12s, broker1 is restarted at 20s–22s.
func killAndRestart() *story {
	s := &story{}
	s.runStart(0)
	s.ticks(0, 9, "broker1=master", "broker2=slave")
	s.fault(1, "kill", "broker1", 10, 10)
	s.ticks(10, 11, "broker1=down", "broker2=starting")
	s.ticks(12, 21, "broker1=down", "broker2=master")
	s.fault(2, "restart", "broker1", 20, 22)
	return s
}

func TestRejoin_RestartedBrokerComesBackAsSlave(t *testing.T) {
	s := killAndRestart()
	s.ticks(22, 24, "broker1=starting", "broker2=master")
	s.ticks(25, 40, "broker1=slave", "broker2=master")

	c := RejoinCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "broker1 (step 2 restart at 20s): slave 5s after", "until run end")
}

func TestRejoin_RestartedBrokerThatBecomesMasterFails(t *testing.T) {
	s := killAndRestart()
	s.ticks(22, 24, "broker1=slave", "broker2=master")
	s.ticks(25, 30, "broker1=master", "broker2=master")

	c := RejoinCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "broker1", "master at 25s")
}

func TestRejoin_MasterAfterTheNextDisruptiveFaultIsFine(t *testing.T) {
	s := killAndRestart()
	s.ticks(23, 29, "broker1=slave", "broker2=master")
	s.fault(3, "kill", "broker2", 30, 30)
	s.ticks(31, 35, "broker1=master", "broker2=down")

	c := RejoinCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "next disruptive fault at 30s")
}

func TestRejoin_NeverSlaveWithinTheBoundFails(t *testing.T) {
	s := killAndRestart()
	s.ticks(22, 35, "broker1=starting", "broker2=master")
	s.ticks(36, 40, "broker1=slave", "broker2=master")

	c := RejoinCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "not seen as slave within 10s", "first at 36s")
}

func TestRejoin_SamplesDuringTheRestartAreTheOldProcess(t *testing.T) {
	var s story
	s.ticks(0, 5, "broker1=master", "broker2=slave")
	s.fault(1, "restart", "broker1", 6, 9)
	s.tick(7, "broker1=master", "broker2=slave") // still shutting down
	s.ticks(10, 15, "broker1=slave", "broker2=master")

	c := RejoinCheck(s.run.Events, 5*time.Second)

	wantStatus(t, c, Pass)
}

func TestRejoin_NoRestartIsNotApplicable(t *testing.T) {
	var s story
	s.ticks(0, 5, "broker1=master", "broker2=slave")
	s.fault(1, "kill", "broker1", 6, 6)

	wantStatus(t, RejoinCheck(s.run.Events, time.Second), NotApplicable)
}

func TestRejoin_NoSamplesAfterTheRestartIsUnknown(t *testing.T) {
	s := killAndRestart()
	s.run.Events = s.run.Events[:len(s.run.Events)-2] // drop the restart...
	s.fault(2, "restart", "broker1", 30, 32)          // ...and move it after the probe stopped

	c := RejoinCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Unknown)
	wantDetail(t, c, "no role sample after its return")
}

func TestRejoin_SamplingStoppedBeforeTheBoundIsUnknown(t *testing.T) {
	s := killAndRestart()
	s.ticks(22, 25, "broker1=starting", "broker2=master")

	c := RejoinCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Unknown)
	wantDetail(t, c, "sampling stopped at 25s")
}

// zkRestart: the leader zk3 is killed at 10s, zk1 takes over, and zk3 is
// restarted at 20s–21s.
func zkRestart() *story {
	s := &story{}
	s.runStart(0)
	s.ticks(0, 9, "zk1=follower", "zk2=follower", "zk3=leader", "broker1=master")
	s.fault(1, "kill", "zk3", 10, 10)
	s.ticks(10, 11, "zk1=looking", "zk2=looking", "zk3=down", "broker1=master")
	s.ticks(12, 21, "zk1=leader", "zk2=follower", "zk3=down", "broker1=master")
	s.fault(2, "restart", "zk3", 20, 21)
	return s
}

func TestRejoinFollower_RestartedZooKeeperFollows(t *testing.T) {
	s := zkRestart()
	s.ticks(22, 23, "zk1=leader", "zk2=follower", "zk3=looking", "broker1=master")
	s.ticks(24, 40, "zk1=leader", "zk2=follower", "zk3=follower", "broker1=master")

	c := RejoinFollowerCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "zk3 (step 2 restart at 20s): follower 4s after, no leader sample until run end")
	wantStatus(t, RejoinCheck(s.run.Events, 10*time.Second), NotApplicable) // no broker came back
}

func TestRejoinFollower_RestartedZooKeeperThatLeadsFails(t *testing.T) {
	s := zkRestart()
	s.ticks(22, 30, "zk1=follower", "zk2=follower", "zk3=leader", "broker1=master")

	c := RejoinFollowerCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "zk3", "leader at 22s")
}

func TestRejoinFollower_LeadingAfterTheNextDisruptiveFaultIsFine(t *testing.T) {
	s := zkRestart()
	s.ticks(22, 29, "zk1=leader", "zk2=follower", "zk3=follower", "broker1=master")
	s.fault(3, "kill", "zk1", 30, 30)
	s.ticks(31, 35, "zk1=down", "zk2=follower", "zk3=leader", "broker1=master")

	wantStatus(t, RejoinFollowerCheck(s.run.Events, 10*time.Second), Pass)
}

func TestRejoinFollower_RestartedDatabaseMustBeAReplica(t *testing.T) {
	var s story
	s.ticks(0, 9, "pg1=primary", "pg2=replica")
	s.fault(1, "stop", "pg1", 10, 10)
	s.ticks(10, 19, "pg1=down", "pg2=primary")
	s.fault(2, "start", "pg1", 20, 21)
	s.ticks(22, 40, "pg1=starting", "pg2=primary")

	c := RejoinFollowerCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "pg1", "not seen as replica within 10s")
}

func TestRejoinFollower_OnlyBrokersRestartedIsNotApplicable(t *testing.T) {
	s := killAndRestart()
	s.ticks(22, 30, "broker1=slave", "broker2=master")

	c := RejoinFollowerCheck(s.run.Events, 10*time.Second)

	wantStatus(t, c, NotApplicable)
	wantDetail(t, c, "no restart or start of a zk or pg node")
	wantStatus(t, RejoinCheck(s.run.Events, 10*time.Second), Pass)
}
