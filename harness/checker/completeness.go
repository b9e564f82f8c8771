package checker

import (
	"fmt"
	"slices"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// roleSilence is the longest stretch without any role sample the guard
// accepts: probes run every 200 ms and time out within 2 s, so a longer
// silence means sampling stalled, not that a node was slow to answer.
const roleSilence = 5 * time.Second

// guard is the completeness check that runs before any verdict. Like
// etcd's robustness tests refusing to validate a run whose traffic was too
// thin, it lists what the history lacks, in the evidence terms the
// registry's checks declare they need.
func (a *analysis) guard() []Gap {
	var gaps []Gap
	add := func(e Evidence, format string, args ...any) {
		gaps = append(gaps, Gap{Evidence: e, Detail: fmt.Sprintf(format, args...)})
	}
	a.coverage(add)
	steps := a.reconcile(add)
	a.traffic(steps, add)
	a.roles(add)
	return gaps
}

type addGap func(e Evidence, format string, args ...any)

// markers are the run events a whole run records, in order.
var markers = []string{history.PhaseStart, history.PhaseDrain, history.PhaseDrained, history.PhaseEnd}

func (a *analysis) coverage(add addGap) {
	seen := map[string]history.Event{}
	for _, e := range a.run.Events {
		if e.Type == history.RunEvent {
			seen[e.Phase] = e
		}
	}
	for _, m := range markers {
		if _, ok := seen[m]; !ok {
			add(Coverage, "no run %s marker in events.jsonl", m)
		}
	}
	for i := range a.run.Ops {
		if a.run.Ops[i].Index != int64(i) {
			add(Coverage, "history.jsonl has operation %d where %d belongs: lines are missing or out of order", a.run.Ops[i].Index, i)
			break
		}
	}
	if id := reusedID(a.run.Ops); id != "" {
		add(Coverage, "send id %s was invoked twice: ids are unique per send, so the history is corrupt and deliveries cannot be told apart", id)
	}
	if end, ok := seen[history.PhaseEnd]; ok && end.Ops > 0 && end.Ops != int64(len(a.run.Ops)) {
		add(Coverage, "history.jsonl holds %d operations, but %d were recorded by the run's end", len(a.run.Ops), end.Ops)
	}
	a.silences(seen, add)
}

// silences finds stretches in which the producer recorded nothing for
// longer than its send timeout: no invoke, no receipt, no timeout. Its
// own timeout bounds every wait, so only a stalled producer, a cut
// history or a fault (a node down or frozen holds its window) explains one.
func (a *analysis) silences(seen map[string]history.Event, add addGap) {
	limit := a.sendTimeout() + time.Second
	// Ops are recorded nearly in time order; walking them with the latest
	// time so far finds every silence without sorting a copy.
	var prev time.Time
	check := func(t time.Time) {
		if !prev.IsZero() && t.Sub(prev) > limit && !a.explained(prev, t) {
			add(Coverage, "the producer recorded nothing for %s from %s, and no fault explains it",
				t.Sub(prev).Round(time.Millisecond), rel(prev, a.base))
		}
		if t.After(prev) {
			prev = t
		}
	}
	for i := range a.run.Ops {
		if op := &a.run.Ops[i]; history.IsProducer(op.Process) && op.F == history.Send {
			check(op.Time)
		}
	}
	if prev.IsZero() {
		add(Coverage, "the producer recorded no send at all")
		return
	}
	if drain, ok := seen[history.PhaseDrain]; ok {
		check(drain.Time)
	}
}

// afterEffect is how long after a disruptive fault ends a silence may
// still begin because of it: a healed master can step down a moment
// later, when its overdue lease renewal fails.
const afterEffect = 5 * time.Second

// explained reports whether a disruptive fault explains a silence that
// began at from: one in effect then, or ended at most afterEffect before.
// A restart or a heal explains nothing; the producer carries on.
func (a *analysis) explained(from, _ time.Time) bool {
	for _, p := range faultSpans(a.run) {
		if !a.disruptiveStep(p.step) {
			continue
		}
		if !from.Before(p.from.Add(-time.Second)) && !from.After(p.to.Add(afterEffect)) {
			return true
		}
	}
	return false
}

// disruptiveStep reports whether step is a disruptive step of the plan,
// or, without a plan, of the recorded events.
func (a *analysis) disruptiveStep(step int) bool {
	if p, ok := a.planned(step); ok {
		return p.Action.Disruptive()
	}
	for _, e := range a.run.Events {
		if e.Type == history.FaultEvent && e.Step == step && e.Phase == history.PhaseStart {
			return e.Action.Disruptive()
		}
	}
	return false
}

func (a *analysis) sendTimeout() time.Duration {
	if a.cfg.SendTimeout > 0 {
		return a.cfg.SendTimeout
	}
	return DefaultSendTimeout
}

// span is one fault step's time in effect.
type span struct {
	step     int
	from, to time.Time
	// ended is false for a fault still in effect when the run ended.
	ended bool
}

// faultSpans pairs every fault start with its step's end; a fault that
// never ended lasts to the producer's end.
func faultSpans(run history.Run) []span {
	stop := producerEnd(run)
	var out []span
	for i, e := range run.Events {
		if e.Type != history.FaultEvent || e.Phase != history.PhaseStart {
			continue
		}
		s := span{step: e.Step, from: faultBegan(e), to: stop}
		for _, l := range run.Events[i+1:] {
			if l.Type == history.FaultEvent && l.Phase == history.PhaseEnd && l.Step == e.Step && l.Action == e.Action {
				s.to, s.ended = l.Time, l.Time.Before(stop)
				break
			}
		}
		out = append(out, s)
	}
	return out
}

// reconcile matches the plan with the fault events: each step needs a
// start and an end, without an error, and no fault may be recorded that
// the plan does not hold (a timed fault's automatic undo belongs to its
// step). It returns the spans of the planned steps it found.
func (a *analysis) reconcile(add addGap) []span {
	type key struct {
		step  int
		phase string
	}
	recorded := map[key]history.Event{}
	for _, e := range a.run.Events {
		if e.Type != history.FaultEvent {
			continue
		}
		p, planned := a.planned(e.Step)
		switch {
		case !planned:
			add(Faults, "a %s %s event of step %d that the timeline does not have", e.Action, e.Phase, e.Step)
		case e.Action == p.Action:
			recorded[key{e.Step, e.Phase}] = e
		case e.Action != p.Action.Undo():
			add(Faults, "step %d records %s, but the timeline says %s", e.Step, e.Action, p.Action)
		}
	}
	var found []int
	for _, p := range a.cfg.Timeline {
		what := fmt.Sprintf("step %d (%s %s at %s)", p.Step, p.Action, p.Target, p.Offset)
		start, ok := recorded[key{p.Step, history.PhaseStart}]
		switch {
		case !ok:
			add(Faults, "%s: no start event", what)
			continue
		case start.Error != "":
			add(Faults, "%s: injection failed: %s", what, start.Error)
		}
		if end, ok := recorded[key{p.Step, history.PhaseEnd}]; !ok {
			add(Faults, "%s: no end event", what)
		} else if end.Error != "" && start.Error == "" {
			add(Faults, "%s: ended with an error: %s", what, end.Error)
		}
		found = append(found, p.Step)
	}
	var out []span
	for _, s := range faultSpans(a.run) {
		if p, ok := a.planned(s.step); ok && slices.Contains(found, s.step) && p.Action.Disruptive() && s.step > 0 {
			out = append(out, s)
		}
	}
	return dedupSpans(out)
}

// dedupSpans keeps one span per step: a timed fault's undo is a second
// start event of the same step, which faultSpans pairs with its own end.
func dedupSpans(ss []span) []span {
	var out []span
	for _, s := range ss {
		if !slices.ContainsFunc(out, func(o span) bool { return o.step == s.step }) {
			out = append(out, s)
		}
	}
	return out
}

func (a *analysis) planned(step int) (PlannedStep, bool) {
	for _, p := range a.cfg.Timeline {
		if p.Step == step {
			return p, true
		}
	}
	return PlannedStep{}, false
}

// reusedID returns a send id invoked more than once, or "".
func reusedID(ops []history.Op) string {
	seen := make(map[string]struct{}, len(ops)/3)
	for i := range ops {
		op := &ops[i]
		if op.F != history.Send || op.Type != history.Invoke {
			continue
		}
		if _, dup := seen[op.ID]; dup {
			return op.ID
		}
		seen[op.ID] = struct{}{}
	}
	return ""
}
