package checker

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// maxReorders caps the reordered deliveries result.json quotes.
const maxReorders = 20

// Stream is what one consumer received of one producer's sends to one
// queue: JMS orders messages per producer and destination, and only as one
// consumer sees them, so that is the unit the order is judged in.
type Stream struct {
	Consumer string `json:"consumer"`
	Producer string `json:"producer"`
	Queue    string `json:"queue,omitempty"`
	// Delivered counts first deliveries: a message this consumer had
	// already received is a duplicate, which no-duplicates judges.
	Delivered int `json:"delivered"`
	Reordered int `json:"reordered"`
}

// Reorder is one delivery that came after a message its producer sent
// later: ID was sent before After, and After reached the consumer first.
type Reorder struct {
	Consumer string    `json:"consumer"`
	Producer string    `json:"producer"`
	Queue    string    `json:"queue,omitempty"`
	ID       string    `json:"id"`
	After    string    `json:"after"`
	At       time.Time `json:"at"`
	// Redelivered is the broker's flag on ID's delivery: ActiveMQ marks a
	// message it dispatches again after the consumer that had it went away.
	Redelivered bool   `json:"redelivered,omitempty"`
	Broker      string `json:"broker,omitempty"`
}

// OrderResult is the ordering analysis, in the manner of Jepsen's
// non-monotonic checks: every stream, and the first reordered deliveries.
type OrderResult struct {
	Streams   []Stream  `json:"streams"`
	Reordered int       `json:"reordered"`
	Reorders  []Reorder `json:"reorders,omitempty"`
}

// sent is a send's place in its producer's order, and which consumers
// have had it (bit c for the c-th consumer seen; a run has a handful).
type sent struct {
	stream int32
	rank   int32
	seenBy uint64
}

// streamState is how far one consumer has got in one producer's stream:
// the latest-sent message it received so far.
type streamState struct {
	Stream
	maxRank int32
	maxID   string
}

type streamKey struct {
	consumer int
	stream   int32
}

// Ordering ranks every send by its producer's invoke order per queue and
// walks each consumer's deliveries: a delivery ranked below one the same
// consumer already had from that producer and queue is reordered. Ids
// never sent are left to no-unexpected, and so are deliveries to a
// consumer past the 64th, which a run does not have.
func Ordering(ops []history.Op) OrderResult {
	index, sends, streams := sendOrder(ops)
	consumers := map[string]int{}
	states := map[streamKey]*streamState{}
	var res OrderResult
	for i := range ops {
		op := &ops[i]
		if op.F != history.Receive || op.Type != history.OK {
			continue
		}
		j, ok := index[op.ID]
		if !ok {
			continue
		}
		c, ok := consumers[op.Process]
		if !ok {
			c = len(consumers)
			consumers[op.Process] = c
		}
		s := &sends[j]
		if c >= 64 || s.seenBy&(1<<c) != 0 {
			continue
		}
		s.seenBy |= 1 << c
		k := streamKey{c, s.stream}
		st := states[k]
		if st == nil {
			pq := streams[s.stream]
			st = &streamState{Stream: Stream{Consumer: op.Process, Producer: pq[0], Queue: pq[1]}, maxRank: -1}
			states[k] = st
		}
		st.Delivered++
		if s.rank > st.maxRank {
			st.maxRank, st.maxID = s.rank, op.ID
			continue
		}
		st.Reordered++
		res.Reordered++
		if len(res.Reorders) < maxReorders {
			res.Reorders = append(res.Reorders, Reorder{Consumer: op.Process, Producer: st.Producer, Queue: st.Queue,
				ID: op.ID, After: st.maxID, At: op.Time, Redelivered: op.Redelivered, Broker: op.Broker})
		}
	}
	for _, st := range states {
		res.Streams = append(res.Streams, st.Stream)
	}
	slices.SortFunc(res.Streams, func(a, b Stream) int {
		return cmp.Or(strings.Compare(a.Consumer, b.Consumer), strings.Compare(a.Producer, b.Producer), strings.Compare(a.Queue, b.Queue))
	})
	return res
}

// sendOrder ranks each send id within its producer and queue by the order
// of the invokes, which the producer issues one after another; streams
// names each (producer, queue) by its index.
func sendOrder(ops []history.Op) (map[string]int32, []sent, [][2]string) {
	n := 0
	for i := range ops {
		if ops[i].F == history.Send && ops[i].Type == history.Invoke {
			n++
		}
	}
	byStream := map[[2]string]int32{}
	var streams [][2]string
	var next []int32
	index := make(map[string]int32, n)
	sends := make([]sent, 0, n)
	for i := range ops {
		op := &ops[i]
		if op.F != history.Send || op.Type != history.Invoke {
			continue
		}
		if _, dup := index[op.ID]; dup {
			continue
		}
		k := [2]string{op.Process, op.Queue}
		st, ok := byStream[k]
		if !ok {
			st = int32(len(streams))
			byStream[k] = st
			streams = append(streams, k)
			next = append(next, 0)
		}
		index[op.ID] = int32(len(sends))
		sends = append(sends, sent{stream: st, rank: next[st]})
		next[st]++
	}
	return index, sends, streams
}

// orderCheck fails on the first reordered delivery; whether that fails the
// run is the scenario's choice (expect.ordered), since ActiveMQ redelivers
// in-flight messages after a failover behind newer ones.
func orderCheck(o OrderResult, required bool, base time.Time) CheckResult {
	c := CheckResult{Name: Ordered, Status: Pass}
	delivered := 0
	for _, s := range o.Streams {
		delivered += s.Delivered
	}
	switch {
	case delivered == 0:
		c.Status = Unknown
		c.Detail = "nothing was delivered, so order cannot be judged"
	case o.Reordered > 0:
		r := o.Reorders[0]
		c.Detail = fmt.Sprintf("%d of %d deliveries out of their producer's order; first: %s got %s at %s after %s, which %s sent later%s",
			o.Reordered, delivered, r.Consumer, r.ID, rel(r.At, base), r.After, r.Producer, queueNote(r.Queue, r.Redelivered))
		if required {
			c.Status = Fail
		} else {
			c.Detail += " (reported, not failed)"
		}
	default:
		c.Detail = fmt.Sprintf("%d deliveries in %d streams (consumer, producer, queue), each in its producer's order", delivered, len(o.Streams))
	}
	return c
}

func queueNote(queue string, redelivered bool) string {
	out := ""
	if queue != "" {
		out = " on " + queue
	}
	if redelivered {
		out += " (flagged redelivered)"
	}
	return out
}
