package checker

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// maxIDs caps how many ids a detail string quotes; the full sorted lists
// are in Result.Queue.
const maxIDs = 5

// Analyze runs every check the configuration enables over one run, in a
// fixed order: no-loss, no-unexpected, no-duplicates, then max-failover
// (when cfg.MaxFailover > 0), availability (when cfg.Availability or
// cfg.MaxUnavailable > 0), single-master (when cfg.SingleMaster),
// split-brain-acks (when cfg.SplitBrainAcks), quorum-blocking (when
// cfg.QuorumBlocking), rejoin-as-slave (when cfg.RejoinWithin > 0) and
// rejoin-as-follower (when cfg.RejoinFollowerWithin > 0). A disabled check
// is absent rather than n/a, so result.json never shows a check nobody
// asked for. Verdict is left empty: Judge sets it against the scenario's
// expectations.
func Analyze(run history.Run, cfg Config) Result {
	q := TotalQueue(run.Ops)
	acks := acksByTime(run.Ops)
	samples := roleSamples(run.Events)
	res := Result{
		Counts:   q.Counts,
		Queue:    q,
		Failover: failovers(run, acks),
	}
	res.Start, res.End = runSpan(run)
	base := runStart(run.Events, res.Start)
	res.Checks = append(res.Checks, lossCheck(q), unexpectedCheck(q), duplicatesCheck(q, cfg.FailOnDuplicates))
	if cfg.MaxFailover > 0 {
		res.Checks = append(res.Checks, failoverCheck(res.Failover, cfg.MaxFailover))
	}
	if cfg.Availability || cfg.MaxUnavailable > 0 {
		res.Checks = append(res.Checks, AvailabilityCheck(res.Failover, cfg.MaxUnavailable, base))
	}
	if cfg.SingleMaster {
		c, overlaps := SingleMasterCheck(run.Events)
		res.Checks = append(res.Checks, c)
		res.Overlaps = overlaps
	}
	if cfg.SplitBrainAcks {
		c, ev := splitBrainAcksCheck(samples, acks, base)
		res.Checks = append(res.Checks, c)
		res.SplitBrainAcks = ev
	}
	if cfg.QuorumBlocking {
		c, ws := quorumCheck(run, samples, acks, cfg.Quorum)
		res.Checks = append(res.Checks, c)
		res.QuorumWindows = ws
	}
	if cfg.RejoinWithin > 0 {
		res.Checks = append(res.Checks, RejoinCheck(run.Events, cfg.RejoinWithin))
	}
	if cfg.RejoinFollowerWithin > 0 {
		res.Checks = append(res.Checks, RejoinFollowerCheck(run.Events, cfg.RejoinFollowerWithin))
	}
	return res
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
	c.Detail = fmt.Sprintf("worst failover %s (step %d %s %s) within the %s budget, over %d faults",
		time.Duration(worst.RTOms)*time.Millisecond, worst.Step, worst.Action, worst.Target, budget, len(fs))
	return c
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
// verdict is Pass iff every check matches, where NotApplicable matches an
// expected Pass (nothing to object to) but never an expected Fail (the
// scenario's point did not happen), and Unknown matches nothing: a check
// that could not decide must not let a run pass. A result without checks
// fails for the same reason.
//
// An expectFail name that is not among res.Checks is an error, so a typo
// or a disabled check cannot quietly turn into a pass; the verdict is then
// Fail as well.
func Judge(res *Result, expectFail []string) error {
	if res == nil {
		return errors.New("checker: Judge of a nil result")
	}
	var missing []string
	for _, name := range expectFail {
		if !slices.ContainsFunc(res.Checks, func(c CheckResult) bool { return c.Name == name }) {
			missing = append(missing, name)
		}
	}
	res.Verdict = Pass
	if len(res.Checks) == 0 || len(missing) > 0 {
		res.Verdict = Fail
	}
	for i := range res.Checks {
		c := &res.Checks[i]
		c.Expected = Pass
		if slices.Contains(expectFail, c.Name) {
			c.Expected = Fail
		}
		if !matches(c.Status, c.Expected) {
			res.Verdict = Fail
		}
	}
	if len(missing) > 0 {
		names := make([]string, len(res.Checks))
		for i, c := range res.Checks {
			names[i] = c.Name
		}
		return fmt.Errorf("checker: expected failure of %s, but the run has no such check (checks: %s)",
			strings.Join(missing, ", "), strings.Join(names, ", "))
	}
	return nil
}

func matches(got, want Status) bool {
	return got == want || (got == NotApplicable && want == Pass)
}
