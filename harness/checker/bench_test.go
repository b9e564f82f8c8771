package checker

import (
	"fmt"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syntheticRun builds a long soak: `sends` acknowledged sends, one every
// step, each delivered once; three kill/restart rounds at 100s, 200s and
// 300s; and a 1 Hz role timeline of 3 brokers.
func syntheticRun(sends int, step time.Duration) history.Run {
	const brokers = 3
	ops := make([]history.Op, 0, 3*sends)
	// The broker serving a send is the master of the moment: it changes at
	// each kill, at 100.5s, 200.5s and 300.5s.
	serving := func(t time.Time) string {
		n := 0
		for k := 1; k <= 3; k++ {
			if !t.Before(at(float64(k*100) + 0.5)) {
				n++
			}
		}
		return fmt.Sprintf("broker%d", n%brokers+1)
	}
	for i := range sends {
		id := fmt.Sprintf("m%07d", i)
		t := t0.Add(time.Duration(i) * step)
		b := serving(t.Add(step / 2))
		ops = append(ops,
			history.Op{Time: t, Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id},
			history.Op{Time: t.Add(step / 2), Process: history.Producer, Type: history.OK, F: history.Send, ID: id, Broker: b},
			history.Op{Time: t.Add(step), Process: history.Consumer, Type: history.OK, F: history.Receive, ID: id, Broker: b},
		)
	}
	for i := range ops {
		ops[i].Index = int64(i)
	}

	dur := time.Duration(sends) * step
	s := story{run: history.Run{Ops: ops}}
	s.runStart(0)
	master := 0
	for sec := 0; time.Duration(sec)*time.Second < dur; sec++ {
		roles := make([]string, brokers)
		for b := range brokers {
			role := "slave"
			if b == master {
				role = "master"
			}
			roles[b] = fmt.Sprintf("broker%d=%s", b+1, role)
		}
		s.tick(float64(sec), roles...)
		if sec > 0 && sec%100 == 0 && sec/100 <= 3 {
			victim := fmt.Sprintf("broker%d", master+1)
			s.fault(2*(sec/100)-1, "kill", victim, float64(sec)+0.5, float64(sec)+0.5)
			s.fault(2*(sec/100), "restart", victim, float64(sec)+5, float64(sec)+6)
			master = (master + 1) % brokers
		}
	}
	s.event(history.Event{Time: t0.Add(dur), Type: history.RunEvent, Phase: history.PhaseDrain})
	s.event(history.Event{Time: t0.Add(dur + 500*time.Millisecond), Type: history.RunEvent, Phase: history.PhaseDrained})
	s.runEnd(dur.Seconds() + 1)
	return s.run
}

// syntheticPlan is the timeline behind syntheticRun: three kills of the
// master, each restarted 4.5 s later.
func syntheticPlan() []PlannedStep {
	var out []PlannedStep
	for k := 1; k <= 3; k++ {
		out = append(out,
			PlannedStep{Step: 2*k - 1, Action: fault.Kill, Target: "master", Offset: time.Duration(k*100)*time.Second + 500*time.Millisecond},
			PlannedStep{Step: 2 * k, Action: fault.Restart, Target: "previous", Offset: time.Duration(k*100+5) * time.Second})
	}
	return out
}

// benchConfig enables every check; the brokers stand in for a quorum so
// that quorum-blocking runs its sweep rather than reporting n/a.
var benchConfig = Config{MaxFailover: 30 * time.Second, RejoinWithin: 30 * time.Second, SingleMaster: true,
	SplitBrainAcks: true, MaxUnavailable: 30 * time.Second,
	QuorumBlocking: true, Quorum: &QuorumSpec{Members: []string{"broker1", "broker2", "broker3"}, Size: 2, Resume: 30 * time.Second},
	RejoinFollowerWithin: 30 * time.Second}

func BenchmarkAnalyze1M(b *testing.B) {
	run := syntheticRun(333_334, time.Millisecond) // 1,000,002 ops
	cfg := benchConfig
	cfg.Timeline = syntheticPlan()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := Analyze(run, cfg)
		if res.Counts.Delivered != 333_334 || res.Counts.Lost != 0 || len(res.Failover) != 3 {
			b.Fatalf("unexpected analysis: %+v, failovers %d", res.Counts, len(res.Failover))
		}
	}
}

// The benchmark's history must itself be judged healthy, or it measures
// the wrong path.
func TestSyntheticRunPasses(t *testing.T) {
	res := Analyze(syntheticRun(4000, 100*time.Millisecond), Config{MaxFailover: 30 * time.Second, RejoinWithin: 30 * time.Second, SingleMaster: true, Timeline: syntheticPlan()})
	require.Len(t, res.Checks, 11, "checks %+v", res.Checks)
	require.Len(t, res.Failover, 3, "failovers %+v", res.Failover)
	require.NoError(t, Judge(&res, nil))
	require.Equal(t, Pass, res.Verdict, "verdict, checks %+v", res.Checks)
}

func TestSyntheticRunPassesEveryCheck(t *testing.T) {
	cfg := benchConfig
	cfg.Timeline = syntheticPlan()
	res := Analyze(syntheticRun(4000, 100*time.Millisecond), cfg)
	require.Len(t, res.Checks, 14, "checks %+v", res.Checks)
	require.NoError(t, Judge(&res, nil))
	require.Equal(t, Pass, res.Verdict, "verdict, checks %+v", res.Checks)
	assert.Contains(t, check(t, res, SplitBrainAcks).Detail, "4000 acks checked", "split-brain-acks checked the wrong acks")
}
