package checker

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// maxIDs caps how many ids a detail string quotes; the full sorted lists
// are in Result.Queue.
const maxIDs = 5

// Analyze runs, in the registry's order, every check the configuration
// enables over one run. The completeness guard goes first: a check that
// needs evidence the guard found missing is unknown, whatever it saw, since
// the missing part may hold the very deliveries or faults it looks for. A
// check that cannot fail as configured reports info rather than pass. A
// disabled check is absent rather than n/a, so result.json never shows a
// check nobody asked for. Verdict is left empty: Judge sets it against
// the scenario's expectations.
func Analyze(run history.Run, cfg Config) Result { return analyze(run, cfg, true) }

// analyze is Analyze, optionally without the completeness guard: the
// checks' own unit tests judge small synthetic histories that no guard
// would accept, while the mutation suite holds the guarded path to
// account on a recorded run.
func analyze(run history.Run, cfg Config, guarded bool) Result {
	a := newAnalysis(run, cfg)
	if guarded {
		a.res.Missing = a.guard()
	}
	for _, s := range registry {
		if !s.On(cfg) || (!guarded && s.Name == CompleteEvidence) {
			continue
		}
		c := s.run(a)
		c.Name = s.Name
		if why := s.CannotFail(cfg); why != "" && c.Status == Pass {
			c.Status = Info
			c.Detail += " (info: cannot fail while " + why + ")"
		}
		if lack := a.lacking(s); lack != "" && s.Name != CompleteEvidence {
			c.Detail = fmt.Sprintf("missing %s, so this cannot be judged; as recorded, %s: %s", lack, c.Status, c.Detail)
			c.Status = Unknown
		}
		a.res.Checks = append(a.res.Checks, c)
	}
	return a.res
}

// analysis is one run under judgement: what several checks share,
// computed once.
type analysis struct {
	run     history.Run
	cfg     Config
	q       QueueResult
	per     []PerQueue
	acks    []ack
	samples []history.Event
	base    time.Time
	// master is the master evidence, nil until a check asks for it.
	master *masterEvidence
	// store is the store lookup after the drain, nil when none was made.
	store *history.Event
	res   Result
}

func newAnalysis(run history.Run, cfg Config) *analysis {
	a := &analysis{run: run, cfg: cfg, q: TotalQueue(run.Ops), per: TotalQueues(run.Ops),
		acks: acksByTime(run.Ops), samples: roleSamples(run.Events)}
	if cfg.StoreChecked {
		a.store = splitStranded(&a.q, run.Events)
		for i := range a.per {
			splitStranded(&a.per[i].QueueResult, run.Events)
		}
	}
	a.res = Result{Counts: a.q.Counts, Queue: a.q, Queues: a.per, Failover: failovers(run, a.acks), Phases: Phases(run, a.acks)}
	a.res.Start, a.res.End = runSpan(run)
	a.base = runStart(run.Events, a.res.Start)
	return a
}

// lacking names the evidence s needs that the guard found missing.
func (a *analysis) lacking(s Spec) string {
	var out []string
	for _, g := range a.res.Missing {
		if s.needs(g.Evidence) && !slices.Contains(out, string(g.Evidence)) {
			out = append(out, string(g.Evidence))
		}
	}
	return strings.Join(out, " and ")
}

func (a *analysis) loss() CheckResult { return perQueueCheck(lossCheck(a.q), a.per, lossCheck) }

func (a *analysis) unexpected() CheckResult {
	return perQueueCheck(unexpectedCheck(a.q), a.per, unexpectedCheck)
}

func (a *analysis) duplicates() CheckResult {
	dup := func(q QueueResult) CheckResult { return duplicatesCheck(q, a.cfg.FailOnDuplicates) }
	return perQueueCheck(dup(a.q), a.per, dup)
}
func (a *analysis) failover() CheckResult { return failoverCheck(a.res.Failover, a.cfg.MaxFailover) }

func (a *analysis) durable() CheckResult {
	a.res.Subscribers = Subscribers(a.run.Ops)
	return durableCheck(a.res.Subscribers, a.cfg.Subscribers, a.cfg.FailOnDuplicates)
}

func (a *analysis) atomicity() CheckResult {
	r := Transactions(a.run.Ops)
	if r.Committed+r.Aborted+r.Unknown > 0 {
		a.res.Transactions = &r
	}
	return atomicityCheck(r)
}

func (a *analysis) ordered() CheckResult {
	a.res.Order = Ordering(a.run.Ops)
	return orderCheck(a.res.Order, a.cfg.RequireOrder, a.base)
}

func (a *analysis) availability() CheckResult {
	return AvailabilityCheck(a.res.Failover, a.cfg.MaxUnavailable, a.base)
}

func (a *analysis) singleMaster() CheckResult {
	c, overlaps := singleMaster(a.masterEvidence(), a.acks)
	a.res.Overlaps = overlaps
	return c
}

func (a *analysis) splitBrain() CheckResult {
	c, ev := splitBrainAcks(a.masterEvidence(), a.acks, a.base)
	a.res.SplitBrainAcks = ev
	return c
}

// masterEvidence is built once per run, for single-master and
// split-brain-acks alike.
func (a *analysis) masterEvidence() masterEvidence {
	if a.master == nil {
		ev := masterEvidenceOf(a.run.Events, a.base)
		a.master = &ev
	}
	return *a.master
}

func (a *analysis) quorum() CheckResult {
	c, ws := quorumCheck(a.run, a.samples, a.acks, a.cfg.Quorum)
	a.res.QuorumWindows = ws
	return c
}

func (a *analysis) rejoinSlave() CheckResult { return RejoinCheck(a.run.Events, a.cfg.RejoinWithin) }

func (a *analysis) rejoinFollower() CheckResult {
	return RejoinFollowerCheck(a.run.Events, a.cfg.RejoinFollowerWithin)
}

// lossCheck is Unknown when nothing was acknowledged: a run whose producer
// never got a receipt proves nothing about loss and must not pass.
func lossCheck(q QueueResult) CheckResult {
	c := CheckResult{Name: NoLoss, Status: Pass}
	switch {
	case q.Counts.SentOK == 0:
		c.Status = Unknown
		c.Detail = "no send was acknowledged, so loss cannot be judged"
	case q.Counts.Lost > 0:
		c.Status = Fail
		c.Detail = fmt.Sprintf("%d of %d acknowledged sends never delivered: %s",
			q.Counts.Lost, q.Counts.SentOK, quoteIDs(q.Lost))
	case q.Counts.Stranded > 0:
		c.Detail = fmt.Sprintf("none lost: %d of %d acknowledged sends delivered, the other %d still in the store (stranded, which no-stranded judges)",
			q.Counts.SentOK-q.Counts.Stranded, q.Counts.SentOK, q.Counts.Stranded)
	default:
		c.Detail = fmt.Sprintf("all %d acknowledged sends delivered (%d of %d unknown-outcome sends recovered)",
			q.Counts.SentOK, q.Counts.Recovered, q.Counts.SentInfo)
	}
	return c
}

func unexpectedCheck(q QueueResult) CheckResult {
	c := CheckResult{Name: NoUnexpected, Status: Pass, Detail: "every delivered id was sent and not failed"}
	if q.Counts.Unexpected > 0 {
		c.Status = Fail
		c.Detail = fmt.Sprintf("%d delivered ids never sent or sent with a failed outcome: %s",
			q.Counts.Unexpected, quoteIDs(q.Unexpected))
	}
	return c
}

// duplicatesCheck reports duplicates without failing by default: at-least-
// once delivery across a failover is ActiveMQ's documented contract.
func duplicatesCheck(q QueueResult, failOnDup bool) CheckResult {
	c := CheckResult{Name: NoDuplicates, Status: Pass}
	n := q.Counts.Duplicated
	switch {
	case n > 0 && failOnDup:
		c.Status = Fail
		c.Detail = fmt.Sprintf("%d duplicated: %s", n, quoteIDs(q.Duplicated))
	case n > 0:
		c.Detail = fmt.Sprintf("%d duplicated (reported, not failed): %s", n, quoteIDs(q.Duplicated))
	default:
		c.Detail = "0 duplicated"
	}
	return c
}

// failoverCheck fails if any disruptive fault went unrecovered or took
// longer than the budget; the detail names the worst one either way.
func failoverCheck(fs []Failover, budget time.Duration) CheckResult {
	c := CheckResult{Name: MaxFailover}
	if len(fs) == 0 {
		c.Status = NotApplicable
		c.Detail = "no disruptive fault in the run"
		return c
	}
	var over []string
	worst := fs[0]
	for _, f := range fs {
		rto := time.Duration(f.RTOms) * time.Millisecond
		switch {
		case !f.Recovered:
			over = append(over, fmt.Sprintf("step %d %s %s: no send acknowledged afterwards", f.Step, f.Action, f.Target))
		case rto > budget:
			over = append(over, fmt.Sprintf("step %d %s %s: %s", f.Step, f.Action, f.Target, rto))
		}
		if worse(f, worst) {
			worst = f
		}
	}
	if len(over) > 0 {
		c.Status = Fail
		c.Detail = fmt.Sprintf("%d of %d failovers over the %s budget: %s",
			len(over), len(fs), budget, strings.Join(over, "; "))
		return c
	}
	c.Status = Pass
	c.Detail = fmt.Sprintf("worst RTO %s from the fault's start stamp (step %d %s %s), which the %s budget judges, over %d faults; clients saw outages up to %s, from their last ack before the fault to the first after",
		time.Duration(worst.RTOms)*time.Millisecond, worst.Step, worst.Action, worst.Target, budget, len(fs), longestOutage(fs))
	return c
}

func longestOutage(fs []Failover) time.Duration {
	var d int64
	for _, f := range fs {
		d = max(d, f.OutageMS)
	}
	return time.Duration(d) * time.Millisecond
}

func worse(a, b Failover) bool {
	if !a.Recovered || !b.Recovered {
		return !a.Recovered && b.Recovered
	}
	return a.RTOms > b.RTOms
}

// runSpan prefers the run's own start and end markers; a run cut short
// before writing them still gets a span from its first and last ops.
func runSpan(run history.Run) (start, end time.Time) {
	for _, e := range run.Events {
		if e.Type != history.RunEvent {
			continue
		}
		switch e.Phase {
		case history.PhaseStart:
			if start.IsZero() {
				start = e.Time
			}
		case history.PhaseEnd:
			end = e.Time
		}
	}
	if n := len(run.Ops); n > 0 {
		if start.IsZero() {
			start = run.Ops[0].Time
		}
		if end.IsZero() {
			end = run.Ops[n-1].Time
		}
	}
	return start, end
}

func quoteIDs(ids []string) string {
	if len(ids) <= maxIDs {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s, … (%d more)", strings.Join(ids[:maxIDs], ", "), len(ids)-maxIDs)
}

// Judge compares each check with the scenario's expectation and sets the
// verdict. Checks named in expectFail expect Fail, the rest Pass. The
// verdict is Pass iff every check matches, where NotApplicable and Info
// match an expected Pass (nothing to object to) but never an expected Fail
// (the scenario's point did not happen). Unknown matches nothing: a check
// that could not decide makes the verdict Unknown, unless another check
// already made it Fail. A result without checks fails.
//
// An expectFail name that is not among res.Checks is an error, so a typo
// or a disabled check cannot quietly turn into a pass; the verdict is then
// Fail as well.
func Judge(res *Result, expectFail []Check) error {
	if res == nil {
		return errors.New("checker: Judge of a nil result")
	}
	var missing []Check
	for _, name := range expectFail {
		if !slices.ContainsFunc(res.Checks, func(c CheckResult) bool { return c.Name == name }) {
			missing = append(missing, name)
		}
	}
	failed := len(res.Checks) == 0 || len(missing) > 0
	undecided := false
	for i := range res.Checks {
		c := &res.Checks[i]
		c.Expected = Pass
		if slices.Contains(expectFail, c.Name) {
			c.Expected = Fail
		}
		switch {
		case c.Status == Unknown:
			undecided = true
		case !Matches(c.Status, c.Expected):
			failed = true
		}
	}
	switch {
	case failed:
		res.Verdict = Fail
	case undecided:
		res.Verdict = Unknown
	default:
		res.Verdict = Pass
	}
	if len(missing) > 0 {
		return fmt.Errorf("checker: expected failure of %s, but the run has no such check (checks: %s)",
			strings.Join(fault.Names(missing), ", "), names(res.Checks))
	}
	return nil
}

// Matches reports whether a check's status meets its expectation: n/a
// and info meet an expected pass (nothing to object to), never an expected
// failure, and unknown meets nothing.
func Matches(got, want Status) bool {
	return got == want || ((got == NotApplicable || got == Info) && want == Pass)
}
