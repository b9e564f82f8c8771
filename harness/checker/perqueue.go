package checker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/amqha/amqha/harness/history"
)

// PerQueue is one queue's total-queue analysis in a run whose clients
// spread over several queues.
type PerQueue struct {
	// Queue is the queue's label in the history (q1, q2, ...).
	Queue string `json:"queue"`
	QueueResult
}

// TotalQueues is TotalQueue for each queue the history names, in queue
// order; nil for a history of a single queue (Op.Queue empty throughout).
// A send counts on the queue it was sent to and a delivery on the queue it
// came from, so an id delivered from another queue than its own is lost on
// one and unexpected on the other, though the total sees nothing wrong.
// A topic is no queue: durable-subscribers judges it.
func TotalQueues(ops []history.Op) []PerQueue {
	byQueue := map[string][]history.Op{}
	for i := range ops {
		if q := ops[i].Queue; q != "" && !history.IsTopic(q) {
			byQueue[q] = nil
		}
	}
	if len(byQueue) == 0 {
		return nil
	}
	for i := range ops {
		if q := ops[i].Queue; !history.IsTopic(q) {
			byQueue[q] = append(byQueue[q], ops[i])
		}
	}
	names := make([]string, 0, len(byQueue))
	for q := range byQueue {
		names = append(names, q)
	}
	slices.SortFunc(names, compareQueues)
	out := make([]PerQueue, len(names))
	for i, q := range names {
		out[i] = PerQueue{Queue: q, QueueResult: TotalQueue(byQueue[q])}
	}
	return out
}

// compareQueues orders q2 before q10; a label without a number (an op of
// no queue in a history that has queues) sorts first and is shown as such.
func compareQueues(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// queueName is how a per-queue line names its queue.
func queueName(q string) string {
	if q == "" {
		return "ops of no queue"
	}
	return "queue " + q
}

// perQueueCheck folds the per-queue verdicts of one check into the total's:
// a queue that fails fails the check and is named, a queue that cannot be
// judged makes a passing total unknown.
func perQueueCheck(total CheckResult, per []PerQueue, check func(QueueResult) CheckResult) CheckResult {
	if len(per) == 0 {
		return total
	}
	var fails, unknowns []string
	for _, p := range per {
		c := check(p.QueueResult)
		switch c.Status {
		case Fail:
			fails = append(fails, queueName(p.Queue)+": "+c.Detail)
		case Unknown:
			unknowns = append(unknowns, queueName(p.Queue)+": "+c.Detail)
		}
	}
	out := total
	switch {
	case len(fails) > 0:
		out.Status = Fail
		out.Detail = fmt.Sprintf("in total: %s; %s", total.Detail, strings.Join(fails, "; "))
	case len(unknowns) > 0 && total.Status == Pass:
		out.Status = Unknown
		out.Detail = fmt.Sprintf("in total: %s; %s", total.Detail, strings.Join(unknowns, "; "))
	default:
		out.Detail = fmt.Sprintf("%s; each of the %d queues alike", total.Detail, len(per))
	}
	return out
}
