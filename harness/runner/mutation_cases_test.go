package runner

import (
	"fmt"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/scenario"
)

// Shorthands for the table.
const (
	pass    = checker.Pass
	fail    = checker.Fail
	unknown = checker.Unknown
	info    = checker.Info
)

type checks = map[checker.Check]checker.Status

func mutations() []mutation {
	return []mutation{
		{name: "dropped delivery", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			id := firstAck(t, *run).ID
			dropOps(run, func(op history.Op) bool { return op.F == history.Receive && op.ID == id })
		}, want: checks{checker.NoLoss: fail, checker.CompleteEvidence: pass}, verdict: fail},

		{name: "an undelivered send still in the store", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			id := firstAck(t, *run).ID
			dropOps(run, func(op history.Op) bool { return op.F == history.Receive && op.ID == id })
			storeHolds(t, run, id)
		}, want: checks{checker.NoLoss: pass, checker.NoStranded: fail}, verdict: fail},

		{name: "an undelivered send gone from the store", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			id := firstAck(t, *run).ID
			dropOps(run, func(op history.Op) bool { return op.F == history.Receive && op.ID == id })
			storeHolds(t, run)
		}, want: checks{checker.NoLoss: fail, checker.NoStranded: pass}, verdict: fail},

		{name: "no store lookup", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			dropEvents(run, func(e history.Event) bool { return e.Type == history.StoreEvent })
		}, want: checks{checker.NoStranded: unknown, checker.NoLoss: pass}, verdict: unknown},

		{name: "duplicated delivery", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			deliverTwice(t, run)
		}, want: checks{checker.NoDuplicates: info, checker.NoLoss: pass}, verdict: pass},

		{name: "duplicated delivery under duplicates: fail", edit: func(t *testing.T, f *scenario.File, run *history.Run) {
			f.Expect.FailOnDuplicates = true
			deliverTwice(t, run)
		}, want: checks{checker.NoDuplicates: fail}, verdict: fail},

		{name: "two deliveries swapped", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			swapDeliveries(t, run)
		}, want: checks{checker.Ordered: info, checker.NoLoss: pass}, verdict: pass},

		{name: "two deliveries swapped under ordered: true", edit: func(t *testing.T, f *scenario.File, run *history.Run) {
			f.Expect.RequireOrder = true
			swapDeliveries(t, run)
		}, want: checks{checker.Ordered: fail, checker.NoLoss: pass}, verdict: fail},

		{name: "unexpected delivery", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			op := firstAck(t, *run)
			insertOp(run, history.Op{Time: op.Time, Process: history.Consumer, Type: history.OK, F: history.Receive, ID: "ghost", Broker: op.Broker})
		}, want: checks{checker.NoUnexpected: fail}, verdict: fail},

		{name: "acknowledged send flipped to failed", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			id := firstAck(t, *run).ID
			for i := range run.Ops {
				if op := &run.Ops[i]; op.F == history.Send && op.Type == history.OK && op.ID == id {
					op.Type = history.Fail
				}
			}
		}, want: checks{checker.NoUnexpected: fail}, verdict: fail},

		{name: "unknown outcome flipped to acknowledged, never delivered", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			op := firstAck(t, *run)
			at := op.Time.Add(time.Millisecond)
			insertOp(run, history.Op{Time: at, Process: history.Producer, Type: history.Invoke, F: history.Send, ID: "phantom"})
			insertOp(run, history.Op{Time: at.Add(time.Millisecond), Process: history.Producer, Type: history.OK, F: history.Send, ID: "phantom", Broker: op.Broker})
		}, want: checks{checker.NoLoss: fail}, verdict: fail},

		{name: "acks with no broker", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			for i := range run.Ops {
				if run.Ops[i].F == history.Send {
					run.Ops[i].Broker = ""
				}
			}
		}, want: checks{checker.SplitBrainAcks: unknown}, verdict: unknown},

		{name: "no master samples", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			dropEvents(run, func(e history.Event) bool {
				return e.Type == history.RoleEvent && e.Role == history.Master
			})
		}, want: checks{checker.SingleMaster: unknown}, verdict: unknown, starves: []checker.Evidence{}},

		{name: "no role samples at all", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			dropEvents(run, func(e history.Event) bool { return e.Type == history.RoleEvent })
		}, want: checks{checker.CompleteEvidence: unknown, checker.SingleMaster: unknown, checker.RejoinAsSlave: unknown},
			verdict: unknown, starves: []checker.Evidence{checker.Roles}},

		{name: "fault events missing", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			dropEvents(run, func(e history.Event) bool { return e.Type == history.FaultEvent })
		}, want: checks{checker.CompleteEvidence: unknown, checker.MaxFailover: unknown, checker.RejoinAsSlave: unknown},
			verdict: unknown, starves: []checker.Evidence{checker.Faults}},

		{name: "a fault's end missing", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			dropEvents(run, func(e history.Event) bool {
				return e.Type == history.FaultEvent && e.Phase == history.PhaseEnd && e.Step == 2
			})
		}, want: checks{checker.CompleteEvidence: unknown, checker.RejoinAsSlave: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Faults}},

		{name: "a fault the timeline does not have", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			e := faultStart(t, *run, 1)
			e.Step, e.Action, e.Time = 3, fault.Pause, e.Time.Add(2*time.Second)
			insertEvent(run, e)
		}, want: checks{checker.CompleteEvidence: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Faults}},

		{name: "a failed injection", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			for i := range run.Events {
				if e := &run.Events[i]; e.Type == history.FaultEvent && e.Step == 1 && e.Phase == history.PhaseStart {
					e.Error = "docker kill: no such container"
				}
			}
		}, want: checks{checker.CompleteEvidence: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Faults}},

		{name: "history cut at half, at a line boundary", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			run.Ops = run.Ops[:len(run.Ops)/2]
		}, want: checks{checker.CompleteEvidence: unknown, checker.NoLoss: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Coverage}},

		{name: "lines missing in the middle", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			n := len(run.Ops)
			run.Ops = append(run.Ops[:n/3], run.Ops[n/3+10:]...)
		}, want: checks{checker.CompleteEvidence: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Coverage}},

		{name: "no drained and end markers", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			dropEvents(run, func(e history.Event) bool {
				return e.Type == history.RunEvent && (e.Phase == history.PhaseDrained || e.Phase == history.PhaseEnd)
			})
		}, want: checks{checker.CompleteEvidence: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Coverage}},

		{name: "a quiet run: five sends", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			kept := map[string]bool{}
			for _, op := range run.Ops {
				if op.F == history.Send && op.Type == history.Invoke && len(kept) < 5 {
					kept[op.ID] = true
				}
			}
			dropOps(run, func(op history.Op) bool { return !kept[op.ID] })
		}, want: checks{checker.CompleteEvidence: unknown, checker.NoLoss: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Traffic}},

		{name: "no faults and one message", edit: func(_ *testing.T, f *scenario.File, run *history.Run) {
			f.Timeline = nil
			dropEvents(run, func(e history.Event) bool { return e.Type == history.FaultEvent })
			var first string
			for _, op := range run.Ops {
				if op.F == history.Send {
					first = op.ID
					break
				}
			}
			dropOps(run, func(op history.Op) bool { return op.ID != first })
		}, want: checks{checker.CompleteEvidence: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Traffic}},

		{name: "the producer stalled after the restart", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			from := faultStart(t, *run, 2).Time.Add(8 * time.Second)
			dropOps(run, func(op history.Op) bool { return op.Process == history.Producer && op.Time.After(from) })
		}, verdict: unknown, starves: []checker.Evidence{checker.Coverage}},

		{name: "empty quorum group", edit: func(_ *testing.T, _ *scenario.File, run *history.Run) {
			dropEvents(run, func(e history.Event) bool {
				k, _ := fault.KindOf(e.Node)
				return e.Type == history.RoleEvent && k == fault.ZooKeeper
			})
		}, want: checks{checker.QuorumBlocking: unknown}, verdict: unknown},

		{name: "acks while the ensemble lost its quorum", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			// zk1 and zk2 shown down for 3 s while the brokers kept
			// acknowledging: writes without a quorum of the DCS.
			from := faultStart(t, *run, 2).Time.Add(8 * time.Second)
			to := from.Add(3 * time.Second)
			for i := range run.Events {
				e := &run.Events[i]
				if e.Type == history.RoleEvent && (e.Node == "zk1" || e.Node == "zk2") && !e.Time.Before(from) && e.Time.Before(to) {
					e.Role = history.Down
				}
			}
		}, want: checks{checker.QuorumBlocking: fail}, verdict: fail},

		{name: "a late master after the rejoin", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			// The restarted broker's own samples say master for a second,
			// while the log shows the other broker holding the lease.
			back := faultStart(t, *run, 2)
			from := back.Time.Add(8 * time.Second)
			for i := range run.Events {
				e := &run.Events[i]
				if e.Type == history.RoleEvent && e.Node == back.Nodes[0] && !e.Time.Before(from) && e.Time.Before(from.Add(time.Second)) {
					e.Role = history.Master
				}
			}
		}, want: checks{checker.RejoinAsSlave: fail, checker.SingleMaster: fail}, verdict: fail},

		{name: "reused ids", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			first := firstAck(t, *run).ID
			var second string
			for _, op := range run.Ops {
				if op.F == history.Send && op.Type == history.OK && op.ID != first {
					second = op.ID
					break
				}
			}
			for i := range run.Ops {
				if run.Ops[i].ID == second {
					run.Ops[i].ID = first
				}
			}
		}, want: checks{checker.CompleteEvidence: unknown}, verdict: unknown, starves: []checker.Evidence{checker.Coverage}},

		{name: "failover over the budget", edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
			kill := faultStart(t, *run, 1).Time
			sent := map[string]bool{}
			for _, op := range run.Ops {
				if op.F == history.Send && op.Type == history.Invoke && op.Time.After(kill) && op.Time.Before(kill.Add(21*time.Second)) {
					sent[op.ID] = true
				}
			}
			// Offered but never acknowledged, never delivered: a cluster
			// that did not serve again.
			dropOps(run, func(op history.Op) bool { return sent[op.ID] && op.F == history.Receive })
			for i := range run.Ops {
				if op := &run.Ops[i]; sent[op.ID] && op.Type == history.OK {
					op.Type, op.Broker, op.Error = history.Info, "", "no receipt within 10s"
				}
			}
		}, want: checks{checker.MaxFailover: fail, checker.CompleteEvidence: pass}, verdict: fail},
	}
}

// storeHolds makes the run's store lookup find exactly ids.
func storeHolds(t *testing.T, run *history.Run, ids ...string) {
	for i := range run.Events {
		if run.Events[i].Type == history.StoreEvent {
			run.Events[i].IDs = ids
			return
		}
	}
	t.Fatal("the fixture has no store lookup")
}

// deliverTwice delivers the first acknowledged send a second time.
func deliverTwice(t *testing.T, run *history.Run) {
	id := firstAck(t, *run).ID
	for _, op := range run.Ops {
		if op.F == history.Receive && op.ID == id {
			op.Time = op.Time.Add(time.Millisecond)
			insertOp(run, op)
			return
		}
	}
	t.Fatal("the fixture never delivered its first acknowledged send")
}

// swapDeliveries makes the consumer receive the first two messages in
// the reverse of their send order.
func swapDeliveries(t *testing.T, run *history.Run) {
	var first *history.Op
	for i := range run.Ops {
		op := &run.Ops[i]
		if op.F != history.Receive || op.Type != history.OK {
			continue
		}
		if first == nil {
			first = op
			continue
		}
		first.ID, op.ID = op.ID, first.ID
		return
	}
	t.Fatal("the fixture delivered fewer than two messages")
}

func overlapName(d time.Duration) string { return fmt.Sprintf("overlap of %s", d) }

// overlapMutations put the broker that is not master into a master log
// window of d inside the master's, at 20 phases against the 200 ms probe
// grid; its probe samples in that window say master too, as a real probe
// would. Each must make single-master fail.
func overlapMutations() []mutation {
	var out []mutation
	for _, d := range []time.Duration{50 * time.Millisecond, 150 * time.Millisecond, 250 * time.Millisecond, 400 * time.Millisecond} {
		for phase := range 20 {
			out = append(out, mutation{name: fmt.Sprintf("%s, phase %d", overlapName(d), phase),
				edit: func(t *testing.T, _ *scenario.File, run *history.Run) {
					master, from := masterAfter(t, *run, faultStart(t, *run, 2).Time)
					other := "broker2"
					if master == other {
						other = "broker3"
					}
					from = from.Add(2*time.Second + time.Duration(phase)*10*time.Millisecond)
					to := from.Add(d)
					insertEvent(run, history.Event{Time: from, Type: history.LogEvent, Phase: history.PhaseMasterStart, Node: other, Detail: "Connector stomp started (injected)"})
					insertEvent(run, history.Event{Time: to, Type: history.LogEvent, Phase: history.PhaseMasterEnd, Node: other, Detail: "Connector stomp stopped (injected)"})
					for i := range run.Events {
						e := &run.Events[i]
						if e.Type == history.RoleEvent && e.Node == other && !e.Time.Before(from) && e.Time.Before(to) {
							e.Role = history.Master
						}
					}
				}, want: checks{checker.SingleMaster: fail}, verdict: fail})
		}
	}
	return out
}

// masterAfter is the broker whose master log window opened last before t
// ... or, if none, the first after it, and when.
func masterAfter(t *testing.T, run history.Run, at time.Time) (string, time.Time) {
	var node string
	var when time.Time
	for _, e := range run.Events {
		if e.Type == history.LogEvent && e.Phase == history.PhaseMasterStart {
			node, when = e.Node, e.Time
			if e.Time.After(at) {
				break
			}
		}
	}
	if node == "" {
		t.Fatal("the fixture has no master log window")
	}
	return node, when
}
