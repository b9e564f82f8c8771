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
	broker  string
	// process and conn are the client and connection the receipt came on.
	process string
	conn    string
}

// Failovers measures, for every disruptive fault that started, the time to
// the first acknowledged send invoked at or after the fault's start. Sends
// invoked earlier do not count: a receipt already on its way when the
// master was killed would otherwise report a failover of a millisecond.
// A fault with no later acknowledgement gets RTOms -1 and Recovered false.
// Faults are returned in the order of the events.
//
// Each Failover also carries the fault's client-visible outage in
// UnavailableMS; see Failover.
func Failovers(run history.Run) []Failover {
	return failovers(run, nil)
}

// failovers is Failovers over acks already listed by acksByTime; nil acks
// are computed here, and only if the run has a disruptive fault.
func failovers(run history.Run, acks []ack) []Failover {
	faults := disruptiveFaults(run.Events)
	if len(faults) == 0 {
		return nil
	}
	if acks == nil {
		acks = acksByTime(run.Ops)
	}
	stop := producerEnd(run)

	out := make([]Failover, 0, len(faults))
	for _, e := range faults {
		f := Failover{
			Step:     e.Step,
			Action:   e.Action,
			Target:   e.Target,
			Nodes:    e.Nodes,
			At:       e.Time,
			RTOms:    -1,
			OutageMS: -1,
		}
		// The last ack before the stamp is where clients' outage began:
		// the connection can die before the injection returns.
		from := e.Time
		if k := sort.Search(len(acks), func(i int) bool { return !acks[i].at.Before(e.Time) }); k > 0 {
			f.LastOKAt, from = acks[k-1].at, acks[k-1].at
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
			if !f.LastOKAt.IsZero() {
				f.OutageMS = f.FirstOKAt.Sub(f.LastOKAt).Milliseconds()
			}
		}
		until := stop
		if next := nextStart(faults, e.Time); !next.IsZero() && next.Before(until) {
			until = next
		}
		from, gap := longestGap(acks, from, until)
		f.UnavailableMS = gap.Milliseconds()
		if gap > 0 {
			f.UnavailableFrom = from
		}
		out = append(out, f)
	}
	return out
}

func disruptiveFaults(events []history.Event) []history.Event {
	var faults []history.Event
	for _, e := range events {
		if e.Type == history.FaultEvent && e.Phase == history.PhaseStart && e.Action.Disruptive() {
			faults = append(faults, e)
		}
	}
	return faults
}

// nextStart is the earliest fault start strictly after t, or zero.
func nextStart(faults []history.Event, t time.Time) time.Time {
	var next time.Time
	for _, e := range faults {
		if e.Time.After(t) && (next.IsZero() || e.Time.Before(next)) {
			next = e.Time
		}
	}
	return next
}

// longestGap is the longest stretch of [from, to] without an ack, and
// where it starts. An empty or inverted span has no gap.
func longestGap(acks []ack, from, to time.Time) (time.Time, time.Duration) {
	if !to.After(from) {
		return from, 0
	}
	i := sort.Search(len(acks), func(i int) bool { return !acks[i].at.Before(from) })
	prev, bestFrom, best := from, from, time.Duration(0)
	for ; i < len(acks) && !acks[i].at.After(to); i++ {
		if g := acks[i].at.Sub(prev); g > best {
			bestFrom, best = prev, g
		}
		prev = acks[i].at
	}
	if g := to.Sub(prev); g > best {
		bestFrom, best = prev, g
	}
	return bestFrom, best
}

// producerEnd is when the producer stopped: the run's drain event, else
// the run's end. No send is acknowledged after it, so outages and resume
// times are measured up to it.
func producerEnd(run history.Run) time.Time {
	for _, e := range run.Events {
		if e.Type == history.RunEvent && e.Phase == history.PhaseDrain {
			return e.Time
		}
	}
	_, end := runSpan(run)
	return end
}

// acksByTime lists acknowledged sends in completion order. The recorder
// appends ops as they happen, so the sort is normally skipped; it stays
// because several producers stamp their own times and may interleave.
func acksByTime(ops []history.Op) []ack {
	isAck := func(op *history.Op) bool {
		return op.Type == history.OK && op.F == history.Send && history.IsProducer(op.Process)
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
			op := &ops[i]
			acks = append(acks, ack{at: op.Time, invoked: invoked[op.ID], id: op.ID, broker: op.Broker, process: op.Process, conn: op.Conn})
		}
	}
	byTime := func(a, b ack) int { return a.at.Compare(b.at) }
	if !slices.IsSortedFunc(acks, byTime) {
		slices.SortStableFunc(acks, byTime)
	}
	return acks
}
