package checker

import (
	"fmt"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// rejoinRule says what a restarted node of one kind must come back as:
// it must show `want` and never `forbid`.
type rejoinRule struct {
	kind         fault.NodeKind
	want, forbid history.Role
}

// rejoinKinds is one rejoin check: its name, its rules, and what it says
// when none of its nodes was brought back.
type rejoinKinds struct {
	name  Check
	rules []rejoinRule
	// ownsTarget says whether a rejoining fault that names no nodes is this
	// check's to report, judging by its scenario target.
	ownsTarget func(target string) bool
	none       string
}

var (
	brokerKinds = rejoinKinds{
		name:       RejoinAsSlave,
		rules:      []rejoinRule{{fault.Broker, history.Slave, history.Master}},
		ownsTarget: func(t string) bool { return !dependencyTarget(t) },
		none:       "no restart or start of a broker in the run",
	}
	followerKinds = rejoinKinds{
		name: RejoinAsFollower,
		rules: []rejoinRule{
			{fault.ZooKeeper, history.Follower, history.Leader},
			{fault.Database, history.Replica, history.Primary},
		},
		ownsTarget: dependencyTarget,
		none:       "no restart or start of a zk or pg node in the run",
	}
)

// dependencyTarget reports whether a scenario target names ZooKeeper or
// database nodes rather than brokers.
func dependencyTarget(t string) bool {
	target, err := fault.ParseTarget(t)
	if err != nil {
		return false
	}
	k, ok := target.Needs()
	return ok && k != fault.Broker
}

// RejoinCheck verifies that every broker brought back by a rejoining fault
// (restart, start) comes back as a slave: each of the event's Nodes whose
// name starts with "broker" must show a slave sample within `within` of the
// fault's start, and no master sample from its return until the next
// disruptive fault starts (or the run ends). A restarted broker that takes
// over while the old master still holds the lock is the split brain this
// check exists for, so it is strict: any master sample in that span fails,
// whoever else was master.
//
// Samples are counted from the fault's end event when there is one, since
// until the restart finishes the probe may still be seeing the old process.
//
// NotApplicable without a rejoining fault on a broker. Unknown when a node
// has no role sample after its return, or sampling stopped before the bound
// without a slave sample; Fail on evidence, which outranks Unknown.
func RejoinCheck(events []history.Event, within time.Duration) CheckResult {
	return rejoinCheck(events, within, brokerKinds)
}

// RejoinFollowerCheck is RejoinCheck for the nodes a broker depends on: a
// restarted ZooKeeper server (zk*) must come back as a follower and not be
// leader, a restarted PostgreSQL node (pg*) as a replica and not primary,
// until the next disruptive fault, which may legitimately hand it the lead.
// NotApplicable when no zk or pg node was restarted or started.
func RejoinFollowerCheck(events []history.Event, within time.Duration) CheckResult {
	return rejoinCheck(events, within, followerKinds)
}

// ruleFor returns the rule for node, if any of rules covers it.
func ruleFor(rules []rejoinRule, node string) (rejoinRule, bool) {
	kind, known := fault.KindOf(node)
	for _, r := range rules {
		if known && kind == r.kind {
			return r, true
		}
	}
	return rejoinRule{}, false
}

func rejoinCheck(events []history.Event, within time.Duration, k rejoinKinds) CheckResult {
	res := CheckResult{Name: k.name}
	samples := roleSamples(events)
	base := runStart(events, firstTime(events))

	var notes []string
	failed, unknown, rejoins := false, false, 0
	for i, e := range events {
		if e.Type != history.FaultEvent || e.Phase != history.PhaseStart || !e.Action.Rejoining() {
			continue
		}
		what := fmt.Sprintf("step %d %s at %s", e.Step, e.Action, rel(e.Time, base))
		if len(e.Nodes) == 0 {
			if k.ownsTarget(e.Target) {
				rejoins++
				unknown = true
				notes = append(notes, what+" names no nodes")
			}
			continue
		}
		var back, until time.Time
		for _, node := range e.Nodes {
			rule, ok := ruleFor(k.rules, node)
			if !ok || alone(samples, node) {
				continue
			}
			if back.IsZero() {
				back = faultEnd(events[i+1:], e)
				until = nextDisruptive(events, e.Time)
			}
			rejoins++
			st, note := judgeRejoin(samples, node, rule, e.Time, back, until, within, base)
			failed = failed || st == Fail
			unknown = unknown || st == Unknown
			notes = append(notes, fmt.Sprintf("%s (%s): %s", node, what, note))
		}
	}
	switch {
	case rejoins == 0:
		res.Status = NotApplicable
		res.Detail = k.none
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
func judgeRejoin(samples []history.Event, node string, rule rejoinRule, start, back, until time.Time,
	within time.Duration, base time.Time) (Status, string) {
	deadline := start.Add(within)
	var wantAt, forbidAt, last time.Time
	var lastRole history.Role
	late := "never" // when a wanted sample past the bound came, for the detail
	for _, s := range samples {
		if s.Node != node || !s.Time.After(back) {
			continue
		}
		last, lastRole = s.Time, s.Role
		switch s.Role {
		case rule.want:
			switch {
			case wantAt.IsZero() && !s.Time.After(deadline):
				wantAt = s.Time
			case wantAt.IsZero() && late == "never":
				late = "first at " + rel(s.Time, base)
			}
		case rule.forbid:
			if forbidAt.IsZero() && (until.IsZero() || s.Time.Before(until)) {
				forbidAt = s.Time
			}
		}
	}
	span := "run end"
	if !until.IsZero() {
		span = "next disruptive fault at " + rel(until, base)
	}
	switch {
	case !forbidAt.IsZero():
		return Fail, fmt.Sprintf("%s at %s, before %s", rule.forbid, rel(forbidAt, base), span)
	case last.IsZero():
		return Unknown, "no role sample after its return"
	case wantAt.IsZero() && last.Before(deadline):
		return Unknown, fmt.Sprintf("not yet seen as %s when sampling stopped at %s (last %s), before the %s bound",
			rule.want, rel(last, base), lastRole, within)
	case wantAt.IsZero():
		return Fail, fmt.Sprintf("not seen as %s within %s (%s; last %s at %s)",
			rule.want, within, late, lastRole, rel(last, base))
	}
	return Pass, fmt.Sprintf("%s %s after, no %s sample until %s",
		rule.want, wantAt.Sub(start).Round(time.Millisecond), rule.forbid, span)
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
		if e.Type == history.FaultEvent && e.Phase == history.PhaseStart && e.Action.Disruptive() &&
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

// alone reports whether node is the only one of its kind the run sampled,
// like the jdbc profile's single database: with nobody to follow, it is
// rightly primary again, and no rejoin rule applies to it.
func alone(samples []history.Event, node string) bool {
	kind, _ := fault.KindOf(node)
	for _, e := range samples {
		if k, _ := fault.KindOf(e.Node); k == kind && e.Node != node {
			return false
		}
	}
	return true
}
