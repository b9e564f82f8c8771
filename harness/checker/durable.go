package checker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/amqha/amqha/harness/history"
)

// SubscriberResult is the total-queue of one durable subscriber: every
// send acknowledged to the topic must reach it, once.
type SubscriberResult struct {
	Subscriber string `json:"subscriber"`
	QueueResult
}

// Subscribers runs total-queue once per durable subscriber: the topic's
// sends against that subscriber's deliveries. A subscriber is any process
// that received from a topic.
func Subscribers(ops []history.Op) []SubscriberResult {
	var sends []history.Op
	byName := map[string][]history.Op{}
	for i := range ops {
		op := &ops[i]
		if !history.IsTopic(op.Queue) {
			continue
		}
		if op.F == history.Send {
			sends = append(sends, *op)
		} else if op.F == history.Receive {
			byName[op.Process] = append(byName[op.Process], *op)
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]SubscriberResult, 0, len(names))
	for _, n := range names {
		out = append(out, SubscriberResult{Subscriber: n, QueueResult: totalQueue(append(slices.Clip(sends), byName[n]...), true)})
	}
	return out
}

// durableCheck fails when a subscriber lost an acknowledged topic send or
// got one nobody sent; want is how many subscribers the workload has, so
// one that received nothing at all is not silently missing. Duplicates
// follow the scenario's duplicates mode.
func durableCheck(subs []SubscriberResult, want int, failOnDup bool) CheckResult {
	c := CheckResult{Name: DurableSubscribers, Status: Pass}
	var bad, dups []string
	acked := 0
	for _, s := range subs {
		acked = max(acked, s.Counts.SentOK)
		if s.Counts.Lost > 0 {
			bad = append(bad, fmt.Sprintf("%s lost %d of %d: %s", s.Subscriber, s.Counts.Lost, s.Counts.SentOK, quoteIDs(s.Lost)))
		}
		if s.Counts.Unexpected > 0 {
			bad = append(bad, fmt.Sprintf("%s got %d never sent ok: %s", s.Subscriber, s.Counts.Unexpected, quoteIDs(s.Unexpected)))
		}
		if s.Counts.Duplicated > 0 {
			dups = append(dups, fmt.Sprintf("%s %d duplicated", s.Subscriber, s.Counts.Duplicated))
		}
	}
	switch {
	case acked == 0:
		c.Status = Unknown
		c.Detail = "no send to the topic was acknowledged, so the subscribers cannot be judged"
	case len(subs) < want:
		c.Status = Fail
		c.Detail = fmt.Sprintf("only %d of %d durable subscribers received anything of %d acknowledged topic sends", len(subs), want, acked)
	case len(bad) > 0 || (failOnDup && len(dups) > 0):
		c.Status = Fail
		c.Detail = strings.Join(append(bad, dups...), "; ")
	default:
		c.Detail = fmt.Sprintf("each of %d durable subscribers got every one of %d acknowledged topic sends", len(subs), acked)
		if len(dups) > 0 {
			c.Detail += " (" + strings.Join(dups, ", ") + ": reported, not failed)"
		}
	}
	return c
}
