package checker

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/history"
)

var fullConfig = Config{MaxFailover: 10 * time.Second, RejoinWithin: 10 * time.Second, SingleMaster: true}

// healthyFailover: broker1 is killed at 10s, broker2 serves from 13s,
// broker1 is restarted and rejoins as a slave; every message arrives once.
func healthyFailover() *story {
	s := killAndRestart()
	s.ticks(22, 23, "broker1=starting", "broker2=master")
	s.ticks(24, 30, "broker1=slave", "broker2=master")
	s.ok("m1", 1)
	s.ok("m2", 9)
	s.send("m3", 9.9, 11, history.Info)
	s.ok("m4", 13)
	for _, id := range []string{"m1", "m2", "m3", "m4"} {
		s.deliver(id, 25)
	}
	s.runEnd(31)
	return s
}

func TestAnalyze_HealthyFailoverPassesEveryCheckInOrder(t *testing.T) {
	res := Analyze(healthyFailover().run, fullConfig)

	var names []string
	for _, c := range res.Checks {
		names = append(names, c.Name)
		wantStatus(t, c, Pass)
	}
	want := []string{NoLoss, NoUnexpected, NoDuplicates, MaxFailover, SingleMaster, RejoinAsSlave}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("checks %v, want %v", names, want)
	}
	if res.Counts.SentOK != 3 || res.Counts.Recovered != 1 || res.Queue.Counts != res.Counts {
		t.Fatalf("counts %+v", res.Counts)
	}
	if len(res.Failover) != 1 || res.Failover[0].RTOms != 3010 {
		t.Fatalf("failover %+v, want 3010ms", res.Failover)
	}
	if !res.Start.Equal(at(0)) || !res.End.Equal(at(31)) {
		t.Fatalf("span %v–%v, want the run markers", res.Start, res.End)
	}
	if err := Judge(&res, nil); err != nil || res.Verdict != Pass {
		t.Fatalf("verdict %s, err %v", res.Verdict, err)
	}
}

func TestAnalyze_DisabledChecksAreAbsent(t *testing.T) {
	var s story
	s.ok("m1", 1)
	s.deliver("m1", 2)

	res := Analyze(s.run, Config{})

	if len(res.Checks) != 3 {
		t.Fatalf("checks %+v, want only the queue checks", res.Checks)
	}
	if !res.Start.Equal(at(1)) || !res.End.Equal(at(2)) {
		t.Fatalf("without run markers the span is the ops': %v–%v", res.Start, res.End)
	}
}

func TestAnalyze_LossFailsAndNamesTheIDs(t *testing.T) {
	s := healthyFailover()
	s.ok("m5", 14)
	s.ok("m6", 15)

	c := check(t, Analyze(s.run, Config{}), NoLoss)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "2 of 5 acknowledged sends never delivered: m5, m6")
}

func TestAnalyze_NothingAcknowledgedIsUnknownLoss(t *testing.T) {
	var s story
	s.send("m1", 1, 30, history.Info)

	wantStatus(t, check(t, Analyze(s.run, Config{}), NoLoss), Unknown)
}

func TestAnalyze_UnexpectedDeliveryFails(t *testing.T) {
	s := healthyFailover()
	s.send("refused", 11, 11.5, history.Fail)
	s.deliver("refused", 26)

	c := check(t, Analyze(s.run, Config{}), NoUnexpected)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "refused")
}

func TestAnalyze_DuplicatesAreReportedUnlessConfiguredToFail(t *testing.T) {
	s := healthyFailover()
	s.deliver("m2", 26)

	lenient := check(t, Analyze(s.run, Config{}), NoDuplicates)
	strict := check(t, Analyze(s.run, Config{FailOnDuplicates: true}), NoDuplicates)

	wantStatus(t, lenient, Pass)
	wantDetail(t, lenient, "1 duplicated (reported, not failed)", "m2")
	wantStatus(t, strict, Fail)
}

func TestAnalyze_MaxFailover(t *testing.T) {
	t.Run("over budget", func(t *testing.T) {
		c := check(t, Analyze(healthyFailover().run, Config{MaxFailover: 2 * time.Second}), MaxFailover)
		wantStatus(t, c, Fail)
		wantDetail(t, c, "step 1 kill broker1: 3.01s")
	})
	t.Run("never recovered", func(t *testing.T) {
		var s story
		s.ok("m1", 1)
		s.deliver("m1", 2)
		s.fault(1, "kill", "broker1", 5, 5)
		s.send("m2", 6, 60, history.Info)
		c := check(t, Analyze(s.run, Config{MaxFailover: time.Minute}), MaxFailover)
		wantStatus(t, c, Fail)
		wantDetail(t, c, "no send acknowledged afterwards")
	})
	t.Run("no disruptive fault", func(t *testing.T) {
		var s story
		s.ok("m1", 1)
		s.fault(1, "restart", "broker2", 5, 6)
		wantStatus(t, check(t, Analyze(s.run, Config{MaxFailover: time.Second}), MaxFailover), NotApplicable)
	})
}

func TestAnalyze_SplitBrainIsReportedAsOverlaps(t *testing.T) {
	s := healthyFailover()
	s.tick(30.5, "broker1=master", "broker2=master")

	res := Analyze(s.run, fullConfig)

	wantStatus(t, check(t, res, SingleMaster), Fail)
	wantStatus(t, check(t, res, RejoinAsSlave), Fail)
	if len(res.Overlaps) != 1 || res.Overlaps[0].A != "broker2" || res.Overlaps[0].B != "broker1" {
		t.Fatalf("overlaps %+v", res.Overlaps)
	}
}

func TestJudge_ExpectedFailureMakesTheVerdictPass(t *testing.T) {
	s := healthyFailover()
	s.ok("lost", 14)
	res := Analyze(s.run, fullConfig)

	if err := Judge(&res, []string{NoLoss}); err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Pass || check(t, res, NoLoss).Expected != Fail || check(t, res, NoUnexpected).Expected != Pass {
		t.Fatalf("verdict %s, checks %+v", res.Verdict, res.Checks)
	}
}

func TestJudge_UnmetExpectedFailureFails(t *testing.T) {
	res := Analyze(healthyFailover().run, fullConfig)

	if err := Judge(&res, []string{NoLoss}); err != nil || res.Verdict != Fail {
		t.Fatalf("verdict %s, err %v: a scenario expecting loss must fail without it", res.Verdict, err)
	}
}

func TestJudge_TypoIsAnError(t *testing.T) {
	res := Analyze(healthyFailover().run, fullConfig)

	err := Judge(&res, []string{"no-los"})

	if err == nil || !strings.Contains(err.Error(), "no-los") || res.Verdict != Fail {
		t.Fatalf("err %v, verdict %s", err, res.Verdict)
	}
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
		{Unknown, false, Fail},
		{Unknown, true, Fail},
	} {
		res := Result{Checks: []CheckResult{{Name: NoLoss, Status: Pass}, {Name: MaxFailover, Status: tc.status}}}
		var expect []string
		if tc.expectFail {
			expect = []string{MaxFailover}
		}
		if err := Judge(&res, expect); err != nil {
			t.Fatal(err)
		}
		if res.Verdict != tc.verdict {
			t.Errorf("%s with expectFail=%v: verdict %s, want %s", tc.status, tc.expectFail, res.Verdict, tc.verdict)
		}
	}
}

func TestJudge_NothingCheckedFails(t *testing.T) {
	var res Result
	if err := Judge(&res, nil); err != nil || res.Verdict != Fail {
		t.Fatalf("verdict %s, err %v", res.Verdict, err)
	}
	if Judge(nil, nil) == nil {
		t.Fatal("Judge(nil) must be an error")
	}
}

// Other packages and result.json readers rely on these spellings.
func TestResultJSONNamesAreStable(t *testing.T) {
	res := Analyze(healthyFailover().run, fullConfig)
	res.Overlaps = []MasterOverlap{{A: "broker1"}}
	if err := Judge(&res, nil); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		`"verdict":"pass"`, `"checks":`, `"counts":`, `"failover":`, `"queue":`, `"master_overlaps":`,
		`"sent_ok":`, `"sent_fail":`, `"sent_info":`, `"delivered":`, `"lost":`, `"duplicated":`,
		`"unexpected":`, `"recovered":`, `"rto_ms":3010`, `"expected":"pass"`, `"status":"pass"`,
		`"name":"no-loss"`, `"detail":`, `"start":`, `"end":`, `"scenario":`, `"profile":`,
	} {
		if !strings.Contains(string(b), key) {
			t.Errorf("result.json lacks %s", key)
		}
	}
}

var everyCheck = Config{MaxFailover: 10 * time.Second, RejoinWithin: 10 * time.Second, SingleMaster: true,
	SplitBrainAcks: true, Availability: true, QuorumBlocking: true, RejoinFollowerWithin: 10 * time.Second}

func TestAnalyze_EveryCheckInOrder(t *testing.T) {
	res := Analyze(healthyFailover().run, everyCheck)

	var names []string
	for _, c := range res.Checks {
		names = append(names, c.Name)
		if c.Status != Pass && c.Status != NotApplicable {
			t.Errorf("%s: %s (%s)", c.Name, c.Status, c.Detail)
		}
	}
	want := []string{NoLoss, NoUnexpected, NoDuplicates, MaxFailover, Availability, SingleMaster,
		SplitBrainAcks, QuorumBlocking, RejoinAsSlave, RejoinAsFollower}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("checks %v, want %v", names, want)
	}
	if err := Judge(&res, nil); err != nil || res.Verdict != Pass {
		t.Fatalf("verdict %s, err %v", res.Verdict, err)
	}
}

// Without a drain marker the producer is taken to run until the run's end,
// so the quiet after the last send counts as outage.
func TestAnalyze_MaxUnavailableAloneEnablesAvailability(t *testing.T) {
	c := check(t, Analyze(healthyFailover().run, Config{MaxUnavailable: time.Second}), Availability)

	wantStatus(t, c, Fail)
	wantDetail(t, c, "step 1 kill broker1: 17.99s from 13.01s")
}

func TestAnalyze_NewEvidenceJSONNames(t *testing.T) {
	s := frozenMaster()
	s.ackBy("stale", "broker1", 20.3)
	s.fault(2, "kill", "broker2", 31, 31)
	res := Analyze(s.run, Config{SplitBrainAcks: true, QuorumBlocking: true,
		Quorum: &QuorumSpec{Members: []string{"broker1", "broker2"}, Size: 2}})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"split_brain_acks":[{"id":"stale","broker":"broker1"`, `"other":"broker2"`,
		`"other_window":`, `"other_ack_id":"b-10"`, `"unavailable_ms":`, `"no_quorum_windows":[{"from":`, `"resume_ms":`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("result.json lacks %s", key)
		}
	}
}
