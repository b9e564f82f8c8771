package checker

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/fault"
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

// firstSample is the earliest role sample, else the earliest event: the
// base of a detail's times when the run's start is missing.
func firstSample(events []history.Event) time.Time {
	var t time.Time
	for _, e := range events {
		if e.Type == history.RoleEvent && (t.IsZero() || e.Time.Before(t)) {
			t = e.Time
		}
	}
	if t.IsZero() {
		return firstTime(events)
	}
	return t
}

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
// returns the evidence for every overlapping pair of master windows. The
// windows are the brokers' log windows when the history has them and the
// role probe agrees (see logwindows.go), else the probe's.
//
// Probe windows span first to last master sample, closed on both ends, so
// two nodes sampled master at the same instant always overlap: a probe
// that stamps one tick's samples with one time turns a two-master tick
// into an overlap by construction. With per-sample stamps, a one-sample
// window that merely precedes the other node's first master sample is not
// evidence, because a fast failover looks exactly like that. Log windows
// are half-open, so any overlap of positive length counts, and a
// millisecond is enough.
//
// The status is Unknown without any role sample or log window: no
// evidence either way. Without the run's operations it cannot tell a
// quiet run from one whose masters went unseen; SingleMasterCheckRun can.
func SingleMasterCheck(events []history.Event) (CheckResult, []MasterOverlap) {
	return singleMaster(masterEvidenceOf(events, runStart(events, firstSample(events))), nil)
}

// SingleMasterCheckRun is SingleMasterCheck over a whole run: it also
// fails on an acknowledgement its broker can only have handled inside
// another broker's master window (see ackOverlaps), and it is Unknown
// when sends were acknowledged but no broker has a master window at all,
// neither in the probe's samples nor in the logs, since somebody answered
// those clients unseen.
func SingleMasterCheckRun(run history.Run) (CheckResult, []MasterOverlap) {
	return singleMaster(masterEvidenceOf(run.Events, runStart(run.Events, firstSample(run.Events))), acksByTime(run.Ops))
}

// singleMaster judges the master evidence, which split-brain-acks shares.
func singleMaster(ev masterEvidence, acks []ack) (CheckResult, []MasterOverlap) {
	res := CheckResult{Name: SingleMaster}
	samples, ws, base := ev.samples, ev.windows, ev.base
	if len(samples) == 0 && !ev.fromLog {
		res.Status = Unknown
		res.Detail = "no role samples recorded"
		return res, nil
	}
	note := ""
	if ev.note != "" {
		note = "; " + ev.note
	}
	if len(ws) == 0 && !ev.fromLog && !sampledBrokers(samples) {
		res.Status = NotApplicable
		res.Detail = fmt.Sprintf("no broker in the run's %d role samples: the profile has none", len(samples))
		return res, nil
	}
	if len(ws) == 0 {
		res.Status = Pass
		res.Detail = fmt.Sprintf("no broker seen as master in %d role samples%s", len(samples), note)
		if len(acks) > 0 {
			res.Status = Unknown
			res.Detail = fmt.Sprintf("%d sends were acknowledged, but no broker has a master window: no master among %d role samples and no master log line%s",
				len(acks), len(samples), note)
		}
		return res, nil
	}
	overlaps := findOverlaps(ev, ws, samples)
	byAcks := ackOverlaps(ev, acks)

	if len(overlaps) == 0 && len(byAcks) == 0 {
		res.Status = Pass
		res.Detail = fmt.Sprintf("no two brokers master at once across %d role samples; %d master windows (%s)%s",
			len(samples), len(ws), listWindows(ws, base), note)
		if ev.unsure != "" {
			res.Status = Unknown
			res.Detail = ev.unsure + "; " + res.Detail
		}
		return res, nil
	}
	res.Status = Fail
	if len(overlaps) == 0 {
		res.Detail = fmt.Sprintf("%s; %d %s master windows (%s)%s", describeAckOverlaps(byAcks, base), len(ws), ev.source(), listWindows(ws, base), note)
		return res, byAcks
	}
	if len(byAcks) > 0 {
		note = "; " + describeAckOverlaps(byAcks, base) + note
	}
	parts := capped(len(overlaps), func(i int) string {
		o := overlaps[i]
		when := "at " + rel(o.From, base)
		if o.To.After(o.From) {
			when = rel(o.From, base) + "–" + rel(o.To, base)
		}
		if ev.fromLog {
			when += " (" + o.To.Sub(o.From).Round(time.Millisecond).String() + ")"
		}
		return fmt.Sprintf("%s and %s both master %s (%s window %s–%s, %s window %s–%s)",
			o.A, o.B, when,
			o.A, rel(o.AWindow.From, base), rel(o.AWindow.To, base),
			o.B, rel(o.BWindow.From, base), rel(o.BWindow.To, base))
	})
	res.Detail = fmt.Sprintf("two masters at once in %d %s window pairs: %s%s", len(overlaps), ev.source(), strings.Join(parts, "; "), note)
	return res, append(overlaps, byAcks...)
}

// findOverlaps sweeps windows in start order: once a later window starts
// after this one ends, no further window can overlap it.
func findOverlaps(ev masterEvidence, ws []MasterWindow, samples []history.Event) []MasterOverlap {
	var out []MasterOverlap
	for i := range ws {
		for j := i + 1; j < len(ws) && ev.meets(ws[j].From, ws[i].To); j++ {
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

// capped words the first maxListed of n items and counts the rest, so a
// detail stays readable however much evidence there is.
func capped(n int, word func(i int) string) []string {
	parts := make([]string, 0, min(n, maxListed)+1)
	for i := range min(n, maxListed) {
		parts = append(parts, word(i))
	}
	if n > maxListed {
		parts = append(parts, fmt.Sprintf("and %d more", n-maxListed))
	}
	return parts
}

func listWindows(ws []MasterWindow, base time.Time) string {
	parts := capped(len(ws), func(i int) string {
		return fmt.Sprintf("%s %s–%s", ws[i].Node, rel(ws[i].From, base), rel(ws[i].To, base))
	})
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

// sampledBrokers reports whether any role sample is of a broker.
func sampledBrokers(samples []history.Event) bool {
	for _, e := range samples {
		if k, _ := fault.KindOf(e.Node); k == fault.Broker {
			return true
		}
	}
	return false
}
