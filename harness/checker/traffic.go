package checker

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// traffic is the guard on load: a quiet or stalled run proves nothing,
// so each phase must hold enough of it. Before the first fault at least
// MinAcks sends must be acknowledged: the cluster worked and the workload
// reached it. During each disruptive fault and after the last one ends,
// the producer must have kept offering sends (MinAcks of them after the
// faults): whether they were acknowledged is what max-failover and
// quorum-blocking judge, and a cluster that never serves again is a
// failure to report, not missing evidence.
func (a *analysis) traffic(steps []span, add addGap) {
	need := a.minAcks()
	start, stop := a.res.Start, producerEnd(a.run)
	first, last, allEnded := stop, time.Time{}, true
	for _, e := range a.run.Events {
		if e.Type == history.FaultEvent && e.Time.Before(first) {
			first = e.Time
		}
	}
	for _, s := range steps {
		allEnded = allEnded && s.ended
		if s.to.After(last) {
			last = s.to
		}
	}
	for _, e := range a.run.Events {
		if e.Type == history.FaultEvent && e.Time.Before(stop) && e.Time.After(last) {
			last = e.Time
		}
	}
	if n := a.acksIn(start, first); n < need {
		add(Traffic, "%d acknowledged sends before the first fault (%s), at least %d needed", n, rel(first, a.base), need)
	}
	for _, s := range steps {
		if a.producerOps(s.from, s.to.Add(a.sendTimeout()), false) == 0 && !a.masterless(s.from, s.to) {
			add(Traffic, "no send offered during step %d (%s to %s)", s.step, rel(s.from, a.base), rel(s.to, a.base))
		}
	}
	if len(steps) > 0 && allEnded {
		if n := a.producerOps(last, stop, true); n < need && !a.masterless(last, stop) {
			add(Traffic, "%d sends offered after the faults ended (%s to %s), at least %d needed", n, rel(last, a.base), rel(stop, a.base), need)
		}
	}
}

// masterless reports whether the role probe saw brokers but no master
// among them during [from, to]: a producer has nobody to send to then, so
// its silence is the cluster's unavailability, which max-failover judges,
// not a stalled workload.
func (a *analysis) masterless(from, to time.Time) bool {
	brokers := false
	for _, s := range a.samples {
		if s.Time.Before(from) || s.Time.After(to) {
			continue
		}
		if k, _ := fault.KindOf(s.Node); k != fault.Broker {
			continue
		}
		if s.Role == history.Master {
			return false
		}
		brokers = true
	}
	return brokers
}

// acksIn counts the sends acknowledged in [from, to).
func (a *analysis) acksIn(from, to time.Time) int {
	i := sort.Search(len(a.acks), func(i int) bool { return !a.acks[i].at.Before(from) })
	j := sort.Search(len(a.acks), func(i int) bool { return !a.acks[i].at.Before(to) })
	return max(0, j-i)
}

// producerOps counts the producer's send records in [from, to): only its
// invokes, or records of any kind (a timeout shows it still tried).
func (a *analysis) producerOps(from, to time.Time, invokesOnly bool) int {
	n := 0
	for i := range a.run.Ops {
		op := &a.run.Ops[i]
		if history.IsProducer(op.Process) && op.F == history.Send && (!invokesOnly || op.Type == history.Invoke) &&
			!op.Time.Before(from) && op.Time.Before(to) {
			n++
		}
	}
	return n
}

// roles requires role samples throughout the run: the master, quorum and
// rejoin checks read nothing else, and a sampler that stalled would let
// a second master pass unseen.
func (a *analysis) roles(add addGap) {
	if len(a.samples) == 0 {
		add(Roles, "no role samples at all")
		return
	}
	// Sampling starts once the run has its cluster: on a fresh or rebuilt
	// one that is seconds after the run's start marker.
	from, to := a.res.Start, producerEnd(a.run)
	for _, e := range a.run.Events {
		if e.Type == history.RunEvent && e.Phase == history.PhaseBaseline {
			from = e.Time
			break
		}
	}
	prev := from
	for _, s := range a.samples {
		if s.Time.Before(from) || s.Time.After(to) {
			continue
		}
		if s.Time.Sub(prev) > roleSilence {
			add(Roles, "no role sample for %s from %s", s.Time.Sub(prev).Round(time.Millisecond), rel(prev, a.base))
		}
		prev = s.Time
	}
	if to.Sub(prev) > roleSilence {
		add(Roles, "no role sample for the last %s before the drain", to.Sub(prev).Round(time.Millisecond))
	}
}

// evidence is the complete-evidence check: unknown, listing every gap,
// when the guard found any; never a failure, since a missing record is
// not a broken guarantee.
func (a *analysis) evidence() CheckResult {
	c := CheckResult{Name: CompleteEvidence, Status: Pass}
	if len(a.res.Missing) > 0 {
		c.Status = Unknown
		parts := make([]string, 0, len(a.res.Missing))
		for _, g := range a.res.Missing {
			parts = append(parts, string(g.Evidence)+": "+g.Detail)
		}
		c.Detail = strings.Join(parts, "; ")
		return c
	}
	c.Detail = fmt.Sprintf("%d operations, %d timeline steps each with a start and an end, role samples throughout, at least %d acknowledged sends before the faults and offered after them",
		len(a.run.Ops), len(a.cfg.Timeline), a.minAcks())
	return c
}

func (a *analysis) minAcks() int {
	if a.cfg.MinAcks > 0 {
		return a.cfg.MinAcks
	}
	return DefaultMinAcks
}
