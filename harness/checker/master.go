package checker

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// maxOverlapSamples caps MasterOverlap.SampleTimes; maxListed caps how many
// windows or overlaps a detail string names. A detail is read by a person.
const (
	maxOverlapSamples = 10
	maxListed         = 5
)

// roleSamples returns the role events in time order. The probe may write
// nodes from separate goroutines, so file order is not trusted; the sort is
// stable so samples sharing a timestamp keep their recorded order.
func roleSamples(events []history.Event) []history.Event {
	var s []history.Event
	for _, e := range events {
		if e.Type == history.RoleEvent {
			s = append(s, e)
		}
	}
	if !slices.IsSortedFunc(s, byEventTime) {
		slices.SortStableFunc(s, byEventTime)
	}
	return s
}

func byEventTime(a, b history.Event) int { return a.Time.Compare(b.Time) }

// MasterWindows lists every broker's master windows in order of their
// start. A window is a maximal run of one node's consecutive master
// samples; any other sample of that node (slave, down, paused...) closes it.
func MasterWindows(events []history.Event) []MasterWindow {
	return masterWindows(roleSamples(events))
}

func masterWindows(samples []history.Event) []MasterWindow {
	var ws []MasterWindow
	open := map[string]int{} // node -> index in ws of its open window
	for _, e := range samples {
		if e.Role != history.Master {
			delete(open, e.Node)
			continue
		}
		if i, ok := open[e.Node]; ok {
			ws[i].To = e.Time
			ws[i].Samples++
			continue
		}
		open[e.Node] = len(ws)
		ws = append(ws, MasterWindow{Node: e.Node, From: e.Time, To: e.Time, Samples: 1})
	}
	return ws
}

// SingleMasterCheck verifies that no two brokers were master at once, and
// returns the evidence for every overlapping pair of master windows.
//
// Windows span first to last master sample, closed on both ends, so two
// nodes sampled master at the same instant always overlap: a probe that
// stamps one tick's samples with one time turns a two-master tick into an
// overlap by construction. With per-sample stamps, a one-sample window that
// merely precedes the other node's first master sample is not evidence,
// because a fast failover looks exactly like that.
//
// The status is Unknown without any role sample: no evidence either way.
func SingleMasterCheck(events []history.Event) (CheckResult, []MasterOverlap) {
	res := CheckResult{Name: SingleMaster}
	samples := roleSamples(events)
	if len(samples) == 0 {
		res.Status = Unknown
		res.Detail = "no role samples recorded"
		return res, nil
	}
	base := runStart(events, samples[0].Time)
	ws := masterWindows(samples)
	overlaps := findOverlaps(ws, samples)

	if len(overlaps) == 0 {
		res.Status = Pass
		res.Detail = fmt.Sprintf("no two brokers master at once across %d role samples; %d master windows (%s)",
			len(samples), len(ws), listWindows(ws, base))
		if len(ws) == 0 {
			res.Detail = fmt.Sprintf("no broker seen as master in %d role samples", len(samples))
		}
		return res, nil
	}
	res.Status = Fail
	parts := make([]string, 0, maxListed)
	for i, o := range overlaps {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(overlaps)-maxListed))
			break
		}
		when := "at " + rel(o.From, base)
		if o.To.After(o.From) {
			when = rel(o.From, base) + "–" + rel(o.To, base)
		}
		parts = append(parts, fmt.Sprintf("%s and %s both master %s (%s window %s–%s, %s window %s–%s)",
			o.A, o.B, when,
			o.A, rel(o.AWindow.From, base), rel(o.AWindow.To, base),
			o.B, rel(o.BWindow.From, base), rel(o.BWindow.To, base)))
	}
	res.Detail = fmt.Sprintf("two masters at once in %d window pairs: %s", len(overlaps), strings.Join(parts, "; "))
	return res, overlaps
}

// findOverlaps sweeps windows in start order: once a later window starts
// after this one ends, no further window can overlap it.
func findOverlaps(ws []MasterWindow, samples []history.Event) []MasterOverlap {
	var out []MasterOverlap
	for i := range ws {
		for j := i + 1; j < len(ws) && !ws[j].From.After(ws[i].To); j++ {
			if ws[i].Node == ws[j].Node {
				continue
			}
			o := MasterOverlap{
				A: ws[i].Node, B: ws[j].Node,
				From: ws[j].From, To: earlier(ws[i].To, ws[j].To),
				AWindow: ws[i], BWindow: ws[j],
			}
			o.SampleTimes = overlapSamples(samples, o)
			out = append(out, o)
		}
	}
	return out
}

// overlapSamples picks the instants inside the overlap at which the probe
// saw either broker as master. Both nodes sampled in one tick often share a
// stamp; one entry per instant is enough evidence.
func overlapSamples(samples []history.Event, o MasterOverlap) []time.Time {
	var ts []time.Time
	k := sort.Search(len(samples), func(i int) bool { return !samples[i].Time.Before(o.From) })
	for ; k < len(samples) && !samples[k].Time.After(o.To) && len(ts) < maxOverlapSamples; k++ {
		e := samples[k]
		if e.Role != history.Master || (e.Node != o.A && e.Node != o.B) {
			continue
		}
		if n := len(ts); n == 0 || !ts[n-1].Equal(e.Time) {
			ts = append(ts, e.Time)
		}
	}
	return ts
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func listWindows(ws []MasterWindow, base time.Time) string {
	parts := make([]string, 0, maxListed+1)
	for i, w := range ws {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(ws)-maxListed))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s–%s", w.Node, rel(w.From, base), rel(w.To, base)))
	}
	return strings.Join(parts, ", ")
}

// runStart is the run's start event, else the given fallback: details show
// times relative to it because wall-clock stamps are unreadable in a table.
func runStart(events []history.Event, fallback time.Time) time.Time {
	for _, e := range events {
		if e.Type == history.RunEvent && e.Phase == history.PhaseStart {
			return e.Time
		}
	}
	return fallback
}

// rel formats t as an offset from base, to the millisecond.
func rel(t, base time.Time) string {
	return t.Sub(base).Round(time.Millisecond).String()
}
