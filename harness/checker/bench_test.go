package checker

import (
	"fmt"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// syntheticRun builds a long soak: `sends` acknowledged sends, one every
// step, each delivered once; three kill/restart rounds at 100s, 200s and
// 300s; and a 1 Hz role timeline of 3 brokers.
func syntheticRun(sends int, step time.Duration) history.Run {
	const brokers = 3
	ops := make([]history.Op, 0, 3*sends)
	for i := range sends {
		id := fmt.Sprintf("m%07d", i)
		t := t0.Add(time.Duration(i) * step)
		ops = append(ops,
			history.Op{Time: t, Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id},
			history.Op{Time: t.Add(step / 2), Process: history.Producer, Type: history.OK, F: history.Send, ID: id, Broker: "broker1"},
			history.Op{Time: t.Add(step), Process: history.Consumer, Type: history.OK, F: history.Receive, ID: id, Broker: "broker1"},
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
	s.runEnd(dur.Seconds() + 1)
	return s.run
}

func BenchmarkAnalyze1M(b *testing.B) {
	run := syntheticRun(333_334, time.Millisecond) // 1,000,002 ops
	cfg := Config{MaxFailover: 30 * time.Second, RejoinWithin: 30 * time.Second, SingleMaster: true}
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
	res := Analyze(syntheticRun(4000, 100*time.Millisecond), Config{MaxFailover: 30 * time.Second, RejoinWithin: 30 * time.Second, SingleMaster: true})
	if len(res.Checks) != 6 || len(res.Failover) != 3 {
		t.Fatalf("checks %+v, failovers %+v", res.Checks, res.Failover)
	}
	if err := Judge(&res, nil); err != nil || res.Verdict != Pass {
		t.Fatalf("verdict %s, err %v, checks %+v", res.Verdict, err, res.Checks)
	}
}
