package checker

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// Acknowledgements as evidence of mastership. ActiveMQ opens no transport
// on a slave, so a broker that acknowledged a send acted as master at some
// instant between the send's invoke and its receipt. It cannot have been
// while its container was certainly frozen: from the pause call's return
// to the resume call's start. When everything left of that stretch lies
// inside another broker's master window, the two were masters at one
// instant, whatever either broker's log says. This catches the thawed
// master whose overdue renewal gives up inside the resume call itself,
// before its own log window can reopen (the resume's stamp): its
// acknowledgements are the only trace of it as master.

// frozenStretch is a stretch in which a broker's container was certainly
// frozen.
type frozenStretch struct{ from, to time.Time }

// certainlyFrozen lists each node's frozen stretches from the pause and
// resume faults, by time.
func certainlyFrozen(events []history.Event) map[string][]frozenStretch {
	var faults []history.Event
	for _, e := range events {
		if e.Type == history.FaultEvent && e.Phase == history.PhaseStart && e.Error == "" &&
			(e.Action == "pause" || e.Action == "resume") {
			faults = append(faults, e)
		}
	}
	slices.SortStableFunc(faults, byEventTime)
	since := map[string]time.Time{}
	out := map[string][]frozenStretch{}
	for _, e := range faults {
		for _, node := range e.Nodes {
			from, frozen := since[node]
			switch {
			case e.Action == "pause" && !frozen:
				since[node] = e.Time
			case e.Action == "resume" && frozen:
				if to := faultBegan(e); to.After(from) {
					out[node] = append(out[node], frozenStretch{from, to})
				}
				delete(since, node)
			}
		}
	}
	for node, from := range since {
		out[node] = append(out[node], frozenStretch{from, runEnd(events)})
	}
	return out
}

// servedFrom is the earliest instant at which a broker can have handled a
// send invoked at invoked: invoked itself, or the end of the frozen
// stretch it fell in.
func servedFrom(frozen []frozenStretch, invoked time.Time) time.Time {
	for _, f := range frozen {
		if !invoked.Before(f.from) && invoked.Before(f.to) {
			return f.to
		}
	}
	return invoked
}

// ackOverlaps finds, for each master window, the acknowledgements by
// another broker whose handling must have fallen inside it, and words
// each broker pair's as one overlap: From..To spans the handling, AWindow
// is the acknowledging broker's stretch of it.
func ackOverlaps(ev masterEvidence, acks []ack) []MasterOverlap {
	var out []MasterOverlap
	for _, w := range ev.windows {
		k := sort.Search(len(acks), func(i int) bool { return !acks[i].at.Before(w.From) })
		byBroker := map[string]*MasterOverlap{}
		var order []string
		for ; k < len(acks) && ev.inWindow(w, acks[k].at); k++ {
			a := acks[k]
			if a.broker == "" || a.broker == w.Node || a.invoked.IsZero() {
				continue
			}
			from := servedFrom(ev.frozen[a.broker], a.invoked)
			if from.After(a.at) || !ev.inWindow(w, from) {
				continue
			}
			o, ok := byBroker[a.broker]
			if !ok {
				o = &MasterOverlap{A: a.broker, B: w.Node, From: from, To: a.at, BWindow: w, FirstAck: a.id}
				byBroker[a.broker], order = o, append(order, a.broker)
			}
			o.From, o.To = earlier(o.From, from), later(o.To, a.at)
			o.Acks++
		}
		for _, b := range order {
			o := byBroker[b]
			o.AWindow = MasterWindow{Node: o.A, From: o.From, To: o.To}
			out = append(out, *o)
		}
	}
	return out
}

// describeAckOverlaps words ackOverlaps for single-master's detail.
func describeAckOverlaps(os []MasterOverlap, base time.Time) string {
	parts := capped(len(os), func(i int) string {
		o := os[i]
		return fmt.Sprintf("%s acknowledged %d sends (first %s) that it can only have handled %s–%s, inside %s's master window %s–%s",
			o.A, o.Acks, o.FirstAck, rel(o.From, base), rel(o.To, base), o.B, rel(o.BWindow.From, base), rel(o.BWindow.To, base))
	})
	return "acknowledgements show two masters at once: " + strings.Join(parts, "; ")
}
