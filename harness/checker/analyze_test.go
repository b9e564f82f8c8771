package checker

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fullConfig = Config{MaxFailover: 10 * time.Second, RejoinWithin: 10 * time.Second, SingleMaster: true}

// healthyFailover: broker1 is killed at 10s, broker2 serves from 13s,
// broker1 is restarted and rejoins as a slave; every message arrives once.
func healthyFailover() *story {
	s := killAndRestart()
	s.ticks(22, 23, "broker1=starting", "broker2=master")
	s.ticks(24, 30, "broker1=slave", "broker2=master")
	s.ackBy("m1", "broker1", 1.01)
	s.ackBy("m2", "broker1", 9.01)
	s.send("m3", 9.9, 11, history.Info)
	s.ackBy("m4", "broker2", 13.01)
	for _, id := range []string{"m1", "m2", "m3", "m4"} {
		s.deliver(id, 25)
	}
	s.runEnd(31)
	return s
}

func TestAnalyze_HealthyFailoverPassesEveryCheckInOrder(t *testing.T) {
	res := analyzeUnguarded(healthyFailover().run, fullConfig)

	var names []Check
	for _, c := range res.Checks {
		names = append(names, c.Name)
		switch c.Name {
		case NoDuplicates, Ordered, Availability: // they cannot fail as configured
			wantStatus(t, c, Info)
		case NoStranded, NoDeadlock: // no JDBC store, no thread dump in this run
			wantStatus(t, c, NotApplicable)
		default:
			wantStatus(t, c, Pass)
		}
	}
	want := []Check{NoLoss, NoUnexpected, NoDuplicates, NoStranded, NoDeadlock, Ordered, MaxFailover, Availability, SingleMaster, RejoinAsSlave}
	require.Equal(t, want, names, "checks")
	require.Equal(t, 3, res.Counts.SentOK, "counts %+v", res.Counts)
	require.Equal(t, 1, res.Counts.Recovered, "counts %+v", res.Counts)
	require.Equal(t, res.Counts, res.Queue.Counts, "the queue's counts are the run's")
	require.Len(t, res.Failover, 1, "failover %+v, want 3010ms", res.Failover)
	require.Equal(t, int64(3010), res.Failover[0].RTOms, "failover %+v", res.Failover)
	require.True(t, res.Start.Equal(at(0)), "span starts at %v, want the run marker", res.Start)
	require.True(t, res.End.Equal(at(31)), "span ends at %v, want the run marker", res.End)
	require.NoError(t, Judge(&res, nil))
	require.Equal(t, Pass, res.Verdict, "verdict")
}

func TestAnalyze_DisabledChecksAreAbsent(t *testing.T) {
	var s story
	s.ok("m1", 1)
	s.deliver("m1", 2)

	res := analyzeUnguarded(s.run, Config{})

	require.Len(t, res.Checks, 7, "checks %+v, want only the queue checks, the dumps, ordering and availability", res.Checks)
	require.True(t, res.Start.Equal(at(1)), "without run markers the span starts at the first op, not %v", res.Start)
	require.True(t, res.End.Equal(at(2)), "without run markers the span ends at the last op, not %v", res.End)
}

func TestAnalyze_LossFailsAndNamesTheIDs(t *testing.T) {
	s := healthyFailover()
	s.ok("m5", 14)
	s.ok("m6", 15)

	c := check(t, analyzeUnguarded(s.run, Config{}), NoLoss)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "2 of 5 acknowledged sends never delivered: m5, m6")
}

func TestAnalyze_NothingAcknowledgedIsUnknownLoss(t *testing.T) {
	var s story
	s.send("m1", 1, 30, history.Info)

	wantStatus(t, check(t, analyzeUnguarded(s.run, Config{}), NoLoss), Unknown)
}

func TestAnalyze_UnexpectedDeliveryFails(t *testing.T) {
	s := healthyFailover()
	s.send("refused", 11, 11.5, history.Fail)
	s.deliver("refused", 26)

	c := check(t, analyzeUnguarded(s.run, Config{}), NoUnexpected)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "refused")
}

func TestAnalyze_DuplicatesAreReportedUnlessConfiguredToFail(t *testing.T) {
	s := healthyFailover()
	s.deliver("m2", 26)

	lenient := check(t, analyzeUnguarded(s.run, Config{}), NoDuplicates)
	strict := check(t, analyzeUnguarded(s.run, Config{FailOnDuplicates: true}), NoDuplicates)

	wantStatus(t, lenient, Info)
	wantDetail(t, lenient, "1 duplicated (reported, not failed)", "m2")
	wantStatus(t, strict, Fail)
}

func TestAnalyze_MaxFailover(t *testing.T) {
	t.Run("over budget", func(t *testing.T) {
		c := check(t, analyzeUnguarded(healthyFailover().run, Config{MaxFailover: 2 * time.Second}), MaxFailover)
		wantStatus(t, c, Fail)
		wantDetail(t, c, "step 1 kill broker1: 3.01s")
	})
	t.Run("never recovered", func(t *testing.T) {
		var s story
		s.ok("m1", 1)
		s.deliver("m1", 2)
		s.fault(1, "kill", "broker1", 5, 5)
		s.send("m2", 6, 60, history.Info)
		c := check(t, analyzeUnguarded(s.run, Config{MaxFailover: time.Minute}), MaxFailover)
		wantStatus(t, c, Fail)
		wantDetail(t, c, "no send acknowledged afterwards")
	})
	t.Run("no disruptive fault", func(t *testing.T) {
		var s story
		s.ok("m1", 1)
		s.fault(1, "restart", "broker2", 5, 6)
		wantStatus(t, check(t, analyzeUnguarded(s.run, Config{MaxFailover: time.Second}), MaxFailover), NotApplicable)
	})
}

func TestAnalyze_SplitBrainIsReportedAsOverlaps(t *testing.T) {
	s := healthyFailover()
	s.tick(30.5, "broker1=master", "broker2=master")

	res := analyzeUnguarded(s.run, fullConfig)

	wantStatus(t, check(t, res, SingleMaster), Fail)
	wantStatus(t, check(t, res, RejoinAsSlave), Fail)
	require.Len(t, res.Overlaps, 1, "overlaps %+v", res.Overlaps)
	require.Equal(t, "broker2", res.Overlaps[0].A, "overlaps %+v", res.Overlaps)
	require.Equal(t, "broker1", res.Overlaps[0].B, "overlaps %+v", res.Overlaps)
}

func TestJudge_ExpectedFailureMakesTheVerdictPass(t *testing.T) {
	s := healthyFailover()
	s.ok("lost", 14)
	res := analyzeUnguarded(s.run, fullConfig)

	require.NoError(t, Judge(&res, []Check{NoLoss}))
	require.Equal(t, Pass, res.Verdict, "verdict, checks %+v", res.Checks)
	require.Equal(t, Fail, check(t, res, NoLoss).Expected, "no-loss expected, checks %+v", res.Checks)
	require.Equal(t, Pass, check(t, res, NoUnexpected).Expected, "no-unexpected expected, checks %+v", res.Checks)
}

func TestJudge_UnmetExpectedFailureFails(t *testing.T) {
	res := analyzeUnguarded(healthyFailover().run, fullConfig)

	require.NoError(t, Judge(&res, []Check{NoLoss}))
	require.Equal(t, Fail, res.Verdict, "a scenario expecting loss must fail without it")
}

func TestJudge_TypoIsAnError(t *testing.T) {
	res := analyzeUnguarded(healthyFailover().run, fullConfig)

	err := Judge(&res, []Check{"no-los"})

	require.ErrorContains(t, err, "no-los")
	require.Equal(t, Fail, res.Verdict, "verdict")
}

func TestJudge_StatusesAgainstExpectations(t *testing.T) {
	for _, tc := range []struct {
		status     Status
		expectFail bool
		verdict    Status
	}{
		{Pass, false, Pass},
		{Fail, false, Fail},
		{Fail, true, Pass},
		{Pass, true, Fail},
		{NotApplicable, false, Pass},
		{NotApplicable, true, Fail},
		{Unknown, false, Unknown},
		{Unknown, true, Unknown},
		{Info, false, Pass},
		{Info, true, Fail},
	} {
		res := Result{Checks: []CheckResult{{Name: NoLoss, Status: Pass}, {Name: MaxFailover, Status: tc.status}}}
		var expect []Check
		if tc.expectFail {
			expect = []Check{MaxFailover}
		}
		require.NoError(t, Judge(&res, expect))
		assert.Equal(t, tc.verdict, res.Verdict, "%s with expectFail=%v: verdict", tc.status, tc.expectFail)
	}
}

func TestJudge_NothingCheckedFails(t *testing.T) {
	var res Result
	require.NoError(t, Judge(&res, nil))
	require.Equal(t, Fail, res.Verdict, "verdict")
	require.Error(t, Judge(nil, nil), "Judge(nil) must be an error")
}

// Other packages and result.json readers rely on these spellings.
func TestResultJSONNamesAreStable(t *testing.T) {
	res := analyzeUnguarded(healthyFailover().run, fullConfig)
	res.Overlaps = []MasterOverlap{{A: "broker1"}}
	require.NoError(t, Judge(&res, nil))
	b, err := json.Marshal(res)
	require.NoError(t, err)
	for _, key := range []string{
		`"verdict":"pass"`, `"checks":`, `"counts":`, `"failover":`, `"queue":`, `"master_overlaps":`,
		`"sent_ok":`, `"sent_fail":`, `"sent_info":`, `"delivered":`, `"lost":`, `"duplicated":`,
		`"unexpected":`, `"recovered":`, `"rto_ms":3010`, `"expected":"pass"`, `"status":"pass"`,
		`"name":"no-loss"`, `"detail":`, `"start":`, `"end":`, `"scenario":`, `"profile":`,
	} {
		assert.Contains(t, string(b), key, "result.json lacks %s", key)
	}
}

var everyCheck = Config{MaxFailover: 10 * time.Second, RejoinWithin: 10 * time.Second, SingleMaster: true,
	SplitBrainAcks: true, QuorumBlocking: true, RejoinFollowerWithin: 10 * time.Second}

func TestAnalyze_EveryCheckInOrder(t *testing.T) {
	res := analyzeUnguarded(healthyFailover().run, everyCheck)

	var names []Check
	for _, c := range res.Checks {
		names = append(names, c.Name)
		assert.Contains(t, []Status{Pass, NotApplicable, Info}, c.Status, "%s: %s (%s)", c.Name, c.Status, c.Detail)
	}
	want := []Check{NoLoss, NoUnexpected, NoDuplicates, NoStranded, NoDeadlock, Ordered, MaxFailover, Availability, SingleMaster,
		SplitBrainAcks, QuorumBlocking, RejoinAsSlave, RejoinAsFollower}
	require.Equal(t, want, names, "checks")
	require.NoError(t, Judge(&res, nil))
	require.Equal(t, Pass, res.Verdict, "verdict")
}

// Without a drain marker the producer is taken to run until the run's end,
// so the quiet after the last send counts as outage.
func TestAnalyze_MaxUnavailableAloneEnablesAvailability(t *testing.T) {
	c := check(t, analyzeUnguarded(healthyFailover().run, Config{MaxUnavailable: time.Second}), Availability)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "step 1 kill broker1: 17.99s from 13.01s")
}

func TestAnalyze_NewEvidenceJSONNames(t *testing.T) {
	s := frozenMaster()
	s.ackBy("stale", "broker1", 20.3)
	s.fault(2, "kill", "broker2", 31, 31)
	res := analyzeUnguarded(s.run, Config{SplitBrainAcks: true, QuorumBlocking: true,
		Quorum: &QuorumSpec{Members: []string{"broker1", "broker2"}, Size: 2}})
	b, err := json.Marshal(res)
	require.NoError(t, err)
	for _, key := range []string{`"split_brain_acks":[{"id":"stale","broker":"broker1"`, `"other":"broker2"`,
		`"other_window":`, `"other_ack_id":"b-10"`, `"unavailable_ms":`, `"no_quorum_windows":[{"from":`, `"resume_ms":`} {
		assert.Contains(t, string(b), key, "result.json lacks %s", key)
	}
}
