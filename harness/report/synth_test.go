package report

import (
	"fmt"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// smallRun is a 20 s run: broker1 is master until it is killed at 8 s,
// broker2 takes over at 9.4 s, broker1 restarts at 12 s and rejoins as
// slave; broker3's probe goes silent from 15 s to 19 s and broker3 is
// paused at 16 s with no end event. m-0050 is acknowledged but never
// delivered, m-0020 is delivered twice and ghost-1 was never sent.
func smallRun() (history.Run, checker.Result) {
	var run history.Run
	ev := func(e history.Event) { run.Events = append(run.Events, e) }
	ev(history.Event{Time: at(0), Type: history.RunEvent, Phase: history.PhaseStart})
	roles := map[string]func(d time.Duration) history.Role{
		"broker1": func(d time.Duration) history.Role {
			switch {
			case d < ms(8000):
				return history.Master
			case d < ms(12000):
				return history.Down
			case d < ms(13000):
				return history.Starting
			}
			return history.Slave
		},
		"broker2": func(d time.Duration) history.Role {
			if d < ms(9400) {
				return history.Slave
			}
			return history.Master
		},
		"broker3": func(d time.Duration) history.Role { return history.Slave },
	}
	for d := ms(100); d < ms(20000); d += ms(200) {
		for _, n := range []string{"broker1", "broker2", "broker3"} {
			if n == "broker3" && d > ms(15000) && d < ms(19000) {
				continue
			}
			ev(history.Event{Time: at(d), Type: history.RoleEvent, Node: n, Role: roles[n](d)})
		}
	}
	faultEvent := func(d time.Duration, phase string, step int, action fault.Action, node string) {
		ev(history.Event{Time: at(d), Type: history.FaultEvent, Phase: phase, Step: step,
			Action: action, Target: "master", Nodes: []string{node}})
	}
	faultEvent(ms(8000), history.PhaseStart, 1, "kill", "broker1")
	faultEvent(ms(8100), history.PhaseEnd, 1, "kill", "broker1")
	faultEvent(ms(12000), history.PhaseStart, 2, "restart", "broker1")
	faultEvent(ms(12500), history.PhaseEnd, 2, "restart", "broker1")
	faultEvent(ms(16000), history.PhaseStart, 3, "pause", "broker3")
	ev(history.Event{Time: at(ms(20000)), Type: history.RunEvent, Phase: history.PhaseEnd})

	var idx int64
	op := func(d time.Duration, proc string, typ history.OpType, f history.Func, id, broker, errText string) {
		idx++
		run.Ops = append(run.Ops, history.Op{Index: idx, Time: at(d), Process: proc, Type: typ, F: f,
			ID: id, Broker: broker, Error: errText})
	}
	counts := checker.Counts{}
	for i := 0; i < 180; i++ {
		d := ms(i * 100)
		id := fmt.Sprintf("m-%04d", i)
		op(d, history.Producer, history.Invoke, history.Send, id, "", "")
		switch {
		case i == 179:
			continue // never completes
		case d >= ms(8000) && d < ms(9400):
			op(d+ms(1500), history.Producer, history.Info, history.Send, id, "", "receipt timeout")
			counts.SentInfo++
			continue
		case i == 100:
			op(d+ms(30), history.Producer, history.Fail, history.Send, id, "", "connection refused")
			counts.SentFail++
			continue
		}
		broker := "broker1"
		if d >= ms(9400) {
			broker = "broker2"
		}
		op(d+ms(5+i%7), history.Producer, history.OK, history.Send, id, broker, "")
		counts.SentOK++
		if i == 50 {
			continue
		}
		op(d+ms(40), history.Consumer, history.OK, history.Receive, id, broker, "")
		counts.Delivered++
		if i == 20 {
			op(d+ms(60), history.Consumer, history.OK, history.Receive, id, broker, "")
			counts.Delivered++
		}
	}
	op(ms(15000), history.Consumer, history.OK, history.Receive, "ghost-1", "broker2", "")
	counts.Delivered++
	counts.Lost, counts.Duplicated, counts.Unexpected = 1, 1, 1

	res := checker.Result{
		Scenario: "kill-master", Profile: "shared-kahadb", Verdict: checker.Fail,
		Checks: []checker.CheckResult{
			{Name: checker.NoLoss, Status: checker.Fail, Detail: "1 acknowledged message never delivered: m-0050"},
			{Name: checker.NoUnexpected, Status: checker.Fail, Expected: checker.Fail, Detail: "1 unexpected"},
			{Name: checker.NoDuplicates, Status: checker.Pass, Detail: "1 duplicate (reported only)"},
			{Name: checker.MaxFailover, Status: checker.Pass, Detail: "worst 1.5s <= 30s"},
			{Name: checker.SingleMaster, Status: checker.Unknown, Detail: "probe gap"},
			{Name: checker.RejoinAsSlave, Status: checker.NotApplicable},
		},
		Counts: counts,
		Failover: []checker.Failover{
			{Step: 1, Action: "kill", Target: "master", Nodes: []string{"broker1"}, At: at(ms(8000)),
				RTOms: 1505, Recovered: true, FirstOKID: "m-0094"},
			{Step: 3, Action: "pause", Target: "slave", Nodes: []string{"broker3"}, At: at(ms(16000)), RTOms: -1},
		},
		Queue: checker.QueueResult{Counts: counts, Lost: []string{"m-0050"},
			Duplicated: []string{"m-0020"}, Unexpected: []string{"ghost-1"}},
		Start: at(0), End: at(ms(20000)),
	}
	return run, res
}

// bigRun is a synthetic run of n operations over 30 minutes with one kill
// and a 5 s outage, for the benchmark.
func bigRun(n int) (history.Run, checker.Result) {
	var run history.Run
	span := 30 * time.Minute
	sends := n / 3
	run.Ops = make([]history.Op, 0, n)
	step := span / time.Duration(sends)
	kill := 10 * time.Minute
	var lost []string
	counts := checker.Counts{}
	for i := 0; i < sends; i++ {
		d := time.Duration(i) * step
		id := fmt.Sprintf("msg-%07d", i)
		run.Ops = append(run.Ops, history.Op{Time: at(d), Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id})
		typ := history.OK
		done := d + ms(2+i%11)
		if d >= kill && d < kill+5*time.Second {
			typ, done = history.Info, kill+5*time.Second
		}
		run.Ops = append(run.Ops, history.Op{Time: at(done), Process: history.Producer, Type: typ, F: history.Send, ID: id, Broker: "broker1"})
		if typ == history.OK {
			counts.SentOK++
		} else {
			counts.SentInfo++
		}
		if i%997 == 0 {
			lost = append(lost, id)
			continue
		}
		run.Ops = append(run.Ops, history.Op{Time: at(done + ms(3)), Process: history.Consumer, Type: history.OK, F: history.Receive, ID: id, Broker: "broker1"})
		counts.Delivered++
	}
	for i := range run.Ops {
		run.Ops[i].Index = int64(i)
	}
	run.Events = append(run.Events, history.Event{Time: at(0), Type: history.RunEvent, Phase: history.PhaseStart})
	for d := time.Duration(0); d < span; d += 200 * time.Millisecond {
		for _, n := range []string{"broker1", "broker2", "broker3"} {
			r := history.Slave
			switch {
			case n == "broker1" && d < kill, n == "broker2" && d >= kill:
				r = history.Master
			case n == "broker1":
				r = history.Down
			}
			run.Events = append(run.Events, history.Event{Time: at(d), Type: history.RoleEvent, Node: n, Role: r})
		}
	}
	run.Events = append(run.Events,
		history.Event{Time: at(kill), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1, Action: "kill", Nodes: []string{"broker1"}},
		history.Event{Time: at(kill + ms(50)), Type: history.FaultEvent, Phase: history.PhaseEnd, Step: 1, Action: "kill", Nodes: []string{"broker1"}},
		history.Event{Time: at(span), Type: history.RunEvent, Phase: history.PhaseEnd})
	counts.Lost = len(lost)
	res := checker.Result{Scenario: "big", Profile: "p", Verdict: checker.Fail, Counts: counts,
		Checks:   []checker.CheckResult{{Name: checker.NoLoss, Status: checker.Fail, Detail: "lost"}},
		Failover: []checker.Failover{{Step: 1, Action: "kill", Nodes: []string{"broker1"}, At: at(kill), RTOms: 5000, Recovered: true}},
		Queue:    checker.QueueResult{Counts: counts, Lost: lost},
		Start:    at(0), End: at(span)}
	return run, res
}
