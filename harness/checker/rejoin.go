package checker

import (
	"fmt"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// RejoinCheck verifies that every broker brought back by a rejoining fault
// (restart, start) comes back as a slave: each of the event's Nodes must
// show a slave sample within `within` of the fault's start, and no master
// sample from its return until the next disruptive fault starts (or the run
// ends). A restarted broker that takes over while the old master still
// holds the lock is the split brain this check exists for, so it is strict:
// any master sample in that span fails, whoever else was master.
//
// Samples are counted from the fault's end event when there is one, since
// until the restart finishes the probe may still be seeing the old process.
//
// NotApplicable without a rejoining fault. Unknown when a node has no role
// sample after its return, or sampling stopped before the bound without a
// slave sample; Fail on evidence, which outranks Unknown.
func RejoinCheck(events []history.Event, within time.Duration) CheckResult {
	res := CheckResult{Name: RejoinAsSlave}
	samples := roleSamples(events)
	base := runStart(events, firstTime(events))

	var notes []string
	failed, unknown, rejoins := false, false, 0
	for i, e := range events {
		if e.Type != history.FaultEvent || e.Phase != history.PhaseStart || !history.Rejoining(e.Action) {
			continue
		}
		rejoins++
		what := fmt.Sprintf("step %d %s at %s", e.Step, e.Action, rel(e.Time, base))
		if len(e.Nodes) == 0 {
			unknown = true
			notes = append(notes, what+" names no nodes")
			continue
		}
		back := faultEnd(events[i+1:], e)
		until := nextDisruptive(events, e.Time)
		for _, node := range e.Nodes {
			st, note := judgeRejoin(samples, node, e.Time, back, until, within, base)
			failed = failed || st == Fail
			unknown = unknown || st == Unknown
			notes = append(notes, fmt.Sprintf("%s (%s): %s", node, what, note))
		}
	}
	switch {
	case rejoins == 0:
		res.Status = NotApplicable
		res.Detail = "no restart or start fault in the run"
		return res
	case failed:
		res.Status = Fail
	case unknown:
		res.Status = Unknown
	default:
		res.Status = Pass
	}
	res.Detail = strings.Join(notes, "; ")
	return res
}

// judgeRejoin decides one node's return. The zero `until` means run end.
func judgeRejoin(samples []history.Event, node string, start, back, until time.Time,
	within time.Duration, base time.Time) (Status, string) {
	deadline := start.Add(within)
	var slaveAt, masterAt, last time.Time
	var lastRole history.Role
	late := "never" // when a slave sample past the bound came, for the detail
	for _, s := range samples {
		if s.Node != node || !s.Time.After(back) {
			continue
		}
		last, lastRole = s.Time, s.Role
		switch s.Role {
		case history.Slave:
			switch {
			case slaveAt.IsZero() && !s.Time.After(deadline):
				slaveAt = s.Time
			case slaveAt.IsZero() && late == "never":
				late = "first at " + rel(s.Time, base)
			}
		case history.Master:
			if masterAt.IsZero() && (until.IsZero() || s.Time.Before(until)) {
				masterAt = s.Time
			}
		}
	}
	span := "run end"
	if !until.IsZero() {
		span = "next disruptive fault at " + rel(until, base)
	}
	switch {
	case !masterAt.IsZero():
		return Fail, fmt.Sprintf("master at %s, before %s", rel(masterAt, base), span)
	case last.IsZero():
		return Unknown, "no role sample after its return"
	case slaveAt.IsZero() && last.Before(deadline):
		return Unknown, fmt.Sprintf("not yet seen as slave when sampling stopped at %s (last %s), before the %s bound",
			rel(last, base), lastRole, within)
	case slaveAt.IsZero():
		return Fail, fmt.Sprintf("not seen as slave within %s (%s; last %s at %s)",
			within, late, lastRole, rel(last, base))
	}
	return Pass, fmt.Sprintf("slave %s after, no master sample until %s",
		slaveAt.Sub(start).Round(time.Millisecond), span)
}

// faultEnd finds the end event of fault step e among the later events,
// falling back to its start when the recorder wrote none.
func faultEnd(later []history.Event, e history.Event) time.Time {
	for _, x := range later {
		if x.Type == history.FaultEvent && x.Phase == history.PhaseEnd &&
			x.Step == e.Step && x.Action == e.Action && !x.Time.Before(e.Time) {
			return x.Time
		}
	}
	return e.Time
}

// nextDisruptive is the start of the earliest disruptive fault after t, or
// the zero time if none follows.
func nextDisruptive(events []history.Event, t time.Time) time.Time {
	var next time.Time
	for _, e := range events {
		if e.Type == history.FaultEvent && e.Phase == history.PhaseStart && history.Disruptive(e.Action) &&
			e.Time.After(t) && (next.IsZero() || e.Time.Before(next)) {
			next = e.Time
		}
	}
	return next
}

func firstTime(events []history.Event) time.Time {
	var t time.Time
	for _, e := range events {
		if t.IsZero() || e.Time.Before(t) {
			t = e.Time
		}
	}
	return t
}
