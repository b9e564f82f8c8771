package checker

import (
	"fmt"
	"slices"

	"github.com/amqha/amqha/harness/history"
)

// splitStranded moves the lost ids that the JDBC store still held after
// the drain from Lost to Stranded: a message in ACTIVEMQ_MSGS that no
// broker ever dispatched is not gone, but it did not reach the consumer
// either. It returns the store lookup, nil when the run recorded none.
func splitStranded(q *QueueResult, events []history.Event) *history.Event {
	var lookup *history.Event
	for i := range events {
		if events[i].Type == history.StoreEvent {
			lookup = &events[i]
		}
	}
	if lookup == nil || lookup.Error != "" {
		return lookup
	}
	var lost []string
	for _, id := range q.Lost {
		if _, stored := slices.BinarySearch(lookup.IDs, id); stored {
			q.Stranded = append(q.Stranded, id)
		} else {
			lost = append(lost, id)
		}
	}
	q.Lost = lost
	q.Counts.Lost, q.Counts.Stranded = len(lost), len(q.Stranded)
	return lookup
}

// stranded is the no-stranded check: unknown without a store lookup.
func (a *analysis) stranded() CheckResult {
	c := CheckResult{Name: NoStranded}
	switch {
	case !a.cfg.StoreChecked:
		c.Status, c.Detail = NotApplicable, "the profile has no JDBC store to look up"
	case a.store == nil:
		c.Status, c.Detail = Unknown, "the store was not looked up after the drain"
	case a.store.Error != "":
		c.Status, c.Detail = Unknown, "the store lookup failed: "+a.store.Error
	case len(a.q.Stranded) > 0:
		c.Status = Fail
		c.Detail = fmt.Sprintf("%d acknowledged sends still in the store, never delivered: %s", len(a.q.Stranded), quoteIDs(a.q.Stranded))
	default:
		c.Status = Pass
		c.Detail = fmt.Sprintf("no acknowledged send left in the store (it held %d messages of the queue after the drain)", len(a.store.IDs))
	}
	return c
}
