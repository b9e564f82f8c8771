package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/report"
	"github.com/amqha/amqha/harness/scenario"
)

// judgeBase is when the synthetic runs of these tests start.
var judgeBase = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func judgeAt(sec float64) time.Time {
	return judgeBase.Add(time.Duration(sec * float64(time.Second)))
}

// judgeFile parses a scenario as the runner would load it; body is the
// file without its name line.
func judgeFile(t *testing.T, name, body string) *scenario.File {
	t.Helper()
	f, err := scenario.Parse(filepath.Join("judge", name+".yaml"), []byte("name: "+name+"\n"+body))
	require.NoError(t, err)
	return f
}

// quietRun is a complete run with no fault, recorded as the runner
// records one: start, baseline, 60 sends over 6 s each acknowledged by
// ackBy and delivered once except those in lost, a role sample of every
// node every 200 ms, then drain, drained and end. The records go through a
// Recorder in time order, so indices and the run events' operation counts
// are the real ones.
func quietRun(profile, ackBy string, roles map[string]history.Role, lost ...string) history.Run {
	type rec struct {
		at time.Time
		op *history.Op
		ev *history.Event
	}
	var recs []rec
	op := func(o history.Op) { recs = append(recs, rec{at: o.Time, op: &o}) }
	ev := func(e history.Event) { recs = append(recs, rec{at: e.Time, ev: &e}) }

	ev(history.Event{Time: judgeAt(0), Type: history.RunEvent, Phase: history.PhaseStart, Detail: "quiet on " + profile})
	ev(history.Event{Time: judgeAt(0.5), Type: history.RunEvent, Phase: history.PhaseBaseline, Detail: "cluster " + profile + "#1"})
	const sends = 60
	for i := range sends {
		id := fmt.Sprintf("m%04d", i)
		sent := judgeAt(1 + float64(i)*0.1)
		op(history.Op{Time: sent, Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id})
		op(history.Op{Time: sent.Add(10 * time.Millisecond), Process: history.Producer, Type: history.OK, F: history.Send, ID: id, Broker: ackBy})
		if !slices.Contains(lost, id) {
			op(history.Op{Time: sent.Add(50 * time.Millisecond), Process: history.Consumer, Type: history.OK, F: history.Receive, ID: id, Broker: ackBy})
		}
	}
	end := 1 + sends*0.1 + 1.5
	nodes := make([]string, 0, len(roles))
	for n := range roles {
		nodes = append(nodes, n)
	}
	slices.Sort(nodes)
	for s := 0.1; s < end; s += 0.2 {
		for _, n := range nodes {
			ev(history.Event{Time: judgeAt(s), Type: history.RoleEvent, Node: n, Role: roles[n]})
		}
	}
	ev(history.Event{Time: judgeAt(end - 1), Type: history.RunEvent, Phase: history.PhaseDrain})
	ev(history.Event{Time: judgeAt(end - 0.5), Type: history.RunEvent, Phase: history.PhaseDrained, Detail: "every consumer and subscriber went quiet"})
	ev(history.Event{Time: judgeAt(end), Type: history.RunEvent, Phase: history.PhaseEnd})

	slices.SortStableFunc(recs, func(a, b rec) int { return a.at.Compare(b.at) })
	r := history.NewRecorder()
	for _, x := range recs {
		if x.op != nil {
			r.Op(*x.op)
		} else {
			r.Event(*x.ev)
		}
	}
	return r.Snapshot()
}

// brokers is a steady broker cluster: broker1 master, the others slaves.
var brokers = map[string]history.Role{"broker1": history.Master, "broker2": history.Slave, "broker3": history.Slave}

// check returns the named check of res, failing the test without it.
func check(t *testing.T, res checker.Result, name checker.Check) checker.CheckResult {
	t.Helper()
	for _, c := range res.Checks {
		if c.Name == name {
			return c
		}
	}
	require.Failf(t, "no such check", "%s is not among %+v", name, res.Checks)
	return checker.CheckResult{}
}

// The control case: a quiet, complete run passes every check, and the
// result names the scenario and the profile it was judged on.
func TestJudgeQuietRunPasses(t *testing.T) {
	f := judgeFile(t, "quiet", "description: no faults\nprofiles: [shared-kahadb]\n")
	res, err := Judge(f, "shared-kahadb", quietRun("shared-kahadb", "broker1", brokers))
	require.NoError(t, err)
	assert.Equal(t, checker.Pass, res.Verdict, "checks: %+v", res.Checks)
	assert.Equal(t, "quiet", res.Scenario)
	assert.Equal(t, "shared-kahadb", res.Profile)
	for _, c := range res.Checks {
		assert.Equal(t, checker.Pass, c.Expected, "%s: nothing is expected to fail", c.Name)
		assert.NotEqual(t, checker.Fail, c.Status, "%s: %s", c.Name, c.Detail)
	}
	assert.Equal(t, 60, res.Counts.SentOK)
	assert.Equal(t, 60, res.Counts.Delivered)
}

// One acknowledged message that never arrives fails the run, and says
// which one.
func TestJudgeLossFails(t *testing.T) {
	f := judgeFile(t, "quiet", "description: no faults\nprofiles: [shared-kahadb]\n")
	res, err := Judge(f, "shared-kahadb", quietRun("shared-kahadb", "broker1", brokers, "m0017"))
	require.NoError(t, err)
	assert.Equal(t, checker.Fail, res.Verdict)
	loss := check(t, res, checker.NoLoss)
	assert.Equal(t, checker.Fail, loss.Status)
	assert.Equal(t, []string{"m0017"}, res.Queue.Lost)
	require.NotEmpty(t, Mismatches(res))
	assert.Contains(t, Mismatches(res)[0], "no-loss: fail (expected pass)")
}

// A known finding: the scenario lists no-loss among its expected
// failures. The lossy run then passes, with the failure still shown;
// the same scenario on a run without loss fails, because the finding it
// documents did not appear (a negative control that stopped failing).
func TestJudgeAppliesExpectedFailures(t *testing.T) {
	f := judgeFile(t, "lossy", "description: known loss\nprofiles: [shared-kahadb]\nexpect:\n  failures: [no-loss]\n")

	res, err := Judge(f, "shared-kahadb", quietRun("shared-kahadb", "broker1", brokers, "m0017"))
	require.NoError(t, err)
	assert.Equal(t, checker.Pass, res.Verdict, "checks: %+v", res.Checks)
	loss := check(t, res, checker.NoLoss)
	assert.Equal(t, checker.Fail, loss.Status)
	assert.Equal(t, checker.Fail, loss.Expected)

	res, err = Judge(f, "shared-kahadb", quietRun("shared-kahadb", "broker1", brokers))
	require.NoError(t, err)
	assert.Equal(t, checker.Fail, res.Verdict, "an expected failure that did not happen")
	assert.Contains(t, Mismatches(res), "  no-loss: pass (expected fail): "+check(t, res, checker.NoLoss).Detail)
}

// An expected failure of a check the run does not have is a broken
// scenario, not a verdict: the error names the file.
func TestJudgeRefusesAnExpectedFailureOfAMissingCheck(t *testing.T) {
	f := judgeFile(t, "quiet", "description: no faults\nprofiles: [shared-kahadb]\n")
	f.Expect.Failures = append(f.Expect.Failures, "no-such-check")
	res, err := Judge(f, "shared-kahadb", quietRun("shared-kahadb", "broker1", brokers))
	require.Error(t, err)
	assert.Contains(t, err.Error(), f.Path)
	assert.Contains(t, err.Error(), "expect.failures")
	assert.Contains(t, err.Error(), "no-such-check")
	assert.Equal(t, checker.Fail, res.Verdict, "a result returned with the error is no pass")
}

// The quorum comes from the profile, not the file: judged on a profile
// without one the quorum check has nothing to judge; on one with a
// quorum it judges the members the run sampled.
func TestJudgeTakesTheQuorumFromTheProfile(t *testing.T) {
	f := judgeFile(t, "quiet", "description: no faults\nprofiles: [shared-kahadb, zookeeper]\n")

	res, err := Judge(f, "shared-kahadb", quietRun("shared-kahadb", "broker1", brokers))
	require.NoError(t, err)
	assert.Equal(t, checker.NotApplicable, check(t, res, checker.QuorumBlocking).Status)

	zk := map[string]history.Role{"zk1": history.Follower, "zk2": history.Leader, "zk3": history.Follower}
	res, err = Judge(f, "zookeeper", quietRun("zookeeper", "zk2", zk))
	require.NoError(t, err)
	q := check(t, res, checker.QuorumBlocking)
	assert.NotEqual(t, checker.NotApplicable, q.Status, "zookeeper has a quorum: %+v", q)
	assert.NotEqual(t, checker.Fail, q.Status, "a quorate ensemble throughout: %+v", q)
	assert.Equal(t, checker.Pass, res.Verdict, "checks: %+v", res.Checks)

	// With the check switched off, a quorum profile does not run it.
	off := judgeFile(t, "quiet", "description: no faults\nprofiles: [zookeeper]\nexpect:\n  quorum-blocking: false\n")
	res, err = Judge(off, "zookeeper", quietRun("zookeeper", "zk2", zk))
	require.NoError(t, err)
	for _, c := range res.Checks {
		assert.NotEqual(t, checker.QuorumBlocking, c.Name, "quorum-blocking ran while switched off")
	}
}

// CheckConfig carries the scenario's expectations to the checker
// unchanged: what the file sets, and the defaults for what it leaves out.
func TestCheckConfigCarriesTheExpectations(t *testing.T) {
	f := judgeFile(t, "tuned", `description: every expectation set
profiles: [replicated]
timeline:
  - at: 6s
    action: kill
    target: master
  - at: 15s
    action: restart
    target: previous
expect:
  single-master: false
  split-brain-acks: false
  quorum-blocking: false
  max-failover: 15s
  max-unavailable: 20s
  rejoin-as-slave: 25s
  rejoin-as-follower: 35s
  duplicates: fail
`)
	cfg := CheckConfig(f)
	assert.False(t, cfg.SingleMaster)
	assert.False(t, cfg.SplitBrainAcks)
	assert.False(t, cfg.QuorumBlocking)
	assert.Equal(t, 15*time.Second, cfg.MaxFailover)
	assert.Equal(t, 20*time.Second, cfg.MaxUnavailable)
	assert.Equal(t, 25*time.Second, cfg.RejoinWithin)
	assert.Equal(t, 35*time.Second, cfg.RejoinFollowerWithin)
	assert.True(t, cfg.FailOnDuplicates)
	assert.Nil(t, cfg.Quorum, "the quorum is the profile's: Judge adds it")
	require.Len(t, cfg.Timeline, 2, "the timeline the fault events must reconcile with")
	assert.Equal(t, 6*time.Second, cfg.Timeline[0].Offset)
	assert.Equal(t, "master", cfg.Timeline[0].Target)
	assert.Equal(t, 2, cfg.Timeline[1].Step, "steps are numbered from 1, as fault events number them")

	d := CheckConfig(judgeFile(t, "plain", "description: defaults\nprofiles: [jdbc]\n"))
	assert.True(t, d.SingleMaster)
	assert.True(t, d.SplitBrainAcks)
	assert.True(t, d.QuorumBlocking)
	assert.Equal(t, scenario.DefaultMaxFailover, d.MaxFailover)
	assert.Equal(t, scenario.DefaultRejoinWithin, d.RejoinWithin)
	assert.Equal(t, scenario.DefaultRejoinFollowerWithin, d.RejoinFollowerWithin)
	assert.Zero(t, d.MaxUnavailable, "availability reports only unless bounded")
	assert.False(t, d.FailOnDuplicates, "duplicates are reported, not failed, by default")
	assert.Empty(t, d.Timeline)
}

// The report links the container logs the run left beside its history,
// one per node, named by the file; anything else is not a log.
func TestLogFilesAreTheFoldersNodeLogs(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"broker1.log", "zk2.log", "history.jsonl", "broker1.log.old"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "archive.log"), 0o755))
	assert.Equal(t, []report.LogFile{{Node: "broker1", Path: "broker1.log"}, {Node: "zk2", Path: "zk2.log"}}, logFiles(dir))
	assert.Empty(t, logFiles(t.TempDir()))
}
