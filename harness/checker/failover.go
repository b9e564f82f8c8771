package checker

import (
	"slices"
	"sort"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// ack is one acknowledged send: the moment the broker confirmed it.
type ack struct {
	at      time.Time
	invoked time.Time
	id      string
}

// Failovers measures, for every disruptive fault that started, the time to
// the first acknowledged send invoked at or after the fault's start. Sends
// invoked earlier do not count: a receipt already on its way when the
// master was killed would otherwise report a failover of a millisecond.
// A fault with no later acknowledgement gets RTOms -1 and Recovered false.
// Faults are returned in the order of the events.
func Failovers(run history.Run) []Failover {
	var faults []history.Event
	for _, e := range run.Events {
		if e.Type == history.FaultEvent && e.Phase == history.PhaseStart && history.Disruptive(e.Action) {
			faults = append(faults, e)
		}
	}
	if len(faults) == 0 {
		return nil
	}
	acks := acksByTime(run.Ops)

	out := make([]Failover, 0, len(faults))
	for _, e := range faults {
		f := Failover{
			Step:   e.Step,
			Action: e.Action,
			Target: e.Target,
			Nodes:  e.Nodes,
			At:     e.Time,
			RTOms:  -1,
		}
		i := sort.Search(len(acks), func(i int) bool { return acks[i].at.After(e.Time) })
		for i < len(acks) && acks[i].invoked.Before(e.Time) {
			i++
		}
		if i < len(acks) {
			f.RTOms = acks[i].at.Sub(e.Time).Milliseconds()
			f.Recovered = true
			f.FirstOKID = acks[i].id
			f.FirstOKAt = acks[i].at
		}
		out = append(out, f)
	}
	return out
}

// acksByTime lists acknowledged sends in completion order. The recorder
// appends ops as they happen, so the sort is normally skipped; it stays
// because several producers stamp their own times and may interleave.
func acksByTime(ops []history.Op) []ack {
	isAck := func(op *history.Op) bool {
		return op.Type == history.OK && op.F == history.Send && op.Process == history.Producer
	}
	// Counting first costs one cheap pass and saves the doubling copies of
	// a slice that holds a third of a long history.
	n := 0
	for i := range ops {
		if isAck(&ops[i]) {
			n++
		}
	}
	invoked := make(map[string]time.Time, n)
	for i := range ops {
		op := &ops[i]
		if op.Type == history.Invoke && op.F == history.Send {
			invoked[op.ID] = op.Time
		}
	}
	acks := make([]ack, 0, n)
	for i := range ops {
		if isAck(&ops[i]) {
			acks = append(acks, ack{at: ops[i].Time, invoked: invoked[ops[i].ID], id: ops[i].ID})
		}
	}
	byTime := func(a, b ack) int { return a.at.Compare(b.at) }
	if !slices.IsSortedFunc(acks, byTime) {
		slices.SortStableFunc(acks, byTime)
	}
	return acks
}
