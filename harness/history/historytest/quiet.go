// Package historytest builds small, complete synthetic histories for the
// tests of the packages that judge or save runs.
package historytest

import (
	"fmt"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// Quiet is a complete fault-free run starting at t0: 20 sends, each
// acknowledged by broker1 and delivered once, under a steady master, with
// every run marker the checker's completeness guard asks for.
func Quiet(t0 time.Time, profile string) history.Run {
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	run := history.Run{Events: []history.Event{
		{Time: at(0), Type: history.RunEvent, Phase: history.PhaseStart, Detail: "quiet on " + profile},
		{Time: at(0.5), Type: history.RunEvent, Phase: history.PhaseBaseline, Detail: "cluster " + profile + "#1, scenario 1 on it, ready in 1s"}}}
	for i := range 20 {
		id, ts := fmt.Sprintf("m%03d", i), at(1+float64(i)*0.1)
		run.Ops = append(run.Ops,
			history.Op{Time: ts, Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id},
			history.Op{Time: ts.Add(10 * time.Millisecond), Process: history.Producer, Type: history.OK, F: history.Send, ID: id, Broker: "broker1"},
			history.Op{Time: ts.Add(50 * time.Millisecond), Process: history.Consumer, Type: history.OK, F: history.Receive, ID: id, Broker: "broker1"})
	}
	for i := range run.Ops {
		run.Ops[i].Index = int64(i)
	}
	for s := range 5 {
		run.Events = append(run.Events,
			history.Event{Time: at(float64(s)), Type: history.RoleEvent, Node: "broker1", Role: history.Master},
			history.Event{Time: at(float64(s)), Type: history.RoleEvent, Node: "broker2", Role: history.Slave})
	}
	run.Events = append(run.Events,
		history.Event{Time: at(4), Type: history.RunEvent, Phase: history.PhaseDrain},
		history.Event{Time: at(4.5), Type: history.RunEvent, Phase: history.PhaseDrained},
		history.Event{Time: at(5), Type: history.RunEvent, Phase: history.PhaseEnd})
	return run
}
