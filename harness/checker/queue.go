package checker

import (
	"slices"

	"github.com/amqha/amqha/harness/history"
)

// Per-id facts gathered in one pass over the history, packed into one
// integer: the low bits flag which send phases were seen, the rest count
// deliveries. Flags rather than a single state let contradictory histories
// (two completions for one send) resolve by precedence instead of by
// whichever line came last; packing lets `m[id] |= f` and `m[id] +=
// oneDelivery` compile to a single map lookup each, and keeps the map
// pointer-free for the garbage collector.
const (
	sentInvoked idState = 1 << iota
	sentOK
	sentFail
	sentInfo

	flagBits    = 4
	oneDelivery = idState(1) << flagBits
)

type idState uint64

func (s idState) deliveries() uint64 { return uint64(s >> flagBits) }

// outcome classifies a send by its strongest completion. An acknowledgement
// wins over everything: the broker took responsibility for the message.
// A send that was invoked but never completed is as unknown as an info one.
func (s idState) outcome() history.OpType {
	switch {
	case s&sentOK != 0:
		return history.OK
	case s&sentInfo != 0:
		return history.Info
	case s&sentFail != 0:
		return history.Fail
	case s&sentInvoked != 0:
		return history.Info
	}
	return ""
}

// TotalQueue applies Jepsen's total-queue semantics to the client history.
//
// A send is a producer "send" invoke followed by one ok, fail or info
// completion with the same ID; a delivery is any ok "receive". Then:
//   - lost: acknowledged (ok) sends never delivered;
//   - unexpected: deliveries of ids never sent, or whose send failed — a
//     failed send that shows up anyway means the client was lied to;
//   - duplicated: sent ids delivered more than once;
//   - recovered: sends with an unknown outcome (info, or never completed)
//     that were delivered, so they are neither lost nor unexpected.
//
// Counts.Delivered is the number of delivery operations, duplicates
// included; the other counts are distinct ids. Every id list is sorted.
func TotalQueue(ops []history.Op) QueueResult {
	// Pre-size from a cheap counting pass: growing a map through 300k+
	// inserts rehashes it repeatedly and dominates the run time.
	invokes := 0
	for i := range ops {
		if ops[i].Type == history.Invoke && ops[i].F == history.Send {
			invokes++
		}
	}
	ids := make(map[string]idState, invokes+invokes/8)

	var c Counts
	for i := range ops {
		op := &ops[i]
		switch {
		case op.F == history.Receive && op.Type == history.OK:
			c.Delivered++
			ids[op.ID] += oneDelivery
		case op.F == history.Send && history.IsProducer(op.Process):
			var f idState
			switch op.Type {
			case history.Invoke:
				f = sentInvoked
			case history.OK:
				f = sentOK
			case history.Fail:
				f = sentFail
			case history.Info:
				f = sentInfo
			default:
				continue
			}
			ids[op.ID] |= f
		}
	}

	var q QueueResult
	for id, s := range ids {
		sent := s&sentInvoked != 0
		out := s.outcome()
		switch out {
		case history.OK:
			c.SentOK++
		case history.Fail:
			c.SentFail++
		case history.Info:
			c.SentInfo++
		}
		if s.deliveries() == 0 {
			if out == history.OK {
				q.Lost = append(q.Lost, id)
			}
			continue
		}
		// A completion without its invoke is not a send we attempted, so
		// its delivery is as unexplained as one nobody sent.
		if !sent || out == history.Fail {
			q.Unexpected = append(q.Unexpected, id)
			continue
		}
		if s.deliveries() > 1 {
			q.Duplicated = append(q.Duplicated, id)
		}
		if out == history.Info {
			q.Recovered = append(q.Recovered, id)
		}
	}
	slices.Sort(q.Lost)
	slices.Sort(q.Duplicated)
	slices.Sort(q.Unexpected)
	slices.Sort(q.Recovered)
	c.Lost = len(q.Lost)
	c.Duplicated = len(q.Duplicated)
	c.Unexpected = len(q.Unexpected)
	c.Recovered = len(q.Recovered)
	q.Counts = c
	return q
}
