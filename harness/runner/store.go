package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
)

// storeDrain bounds how long the drain goes on while a JDBC store still
// holds messages of the run's queue.
const storeDrain = 30 * time.Second

// drainStore ends the drain by the store's word, not only by a quiet
// consumer: while ACTIVEMQ_MSGS still holds messages of the queue, it
// drains again with a fresh consumer, up to storeDrain. What is left then
// is recorded, so the checker can tell stranded messages (stored, never
// dispatched) from lost ones.
func drainStore(ctx context.Context, c *cluster.Cluster, w load, rec *history.Recorder, p *progress) {
	if !c.Profile().HasJDBCStore() || w.again == nil {
		return
	}
	deadline := time.Now().Add(storeDrain)
	for {
		ids, err := c.StoredIDs(ctx, w.queues...)
		ev := history.Event{Type: history.StoreEvent, IDs: ids}
		switch {
		case err != nil:
			ev.Error = err.Error()
		case len(ids) == 0:
			ev.Detail = "the store holds nothing of the queue"
		case !time.Now().Before(deadline):
			ev.Detail = fmt.Sprintf("the store still holds %d messages of the queue after %s more of draining", len(ids), storeDrain)
		default:
			p.line(fmt.Sprintf("the store still holds %d messages of the queue; draining again", len(ids)))
			dctx, cancel := context.WithDeadline(ctx, deadline)
			_ = w.again(dctx) // a consumer that cannot finish is what the store lookup then reports
			cancel()
			continue
		}
		rec.Event(ev)
		return
	}
}

// dumpThreads records a thread dump of every running broker (no-deadlock
// judges them): after the drain, so that a queue that stopped moving has
// had every chance to move, and before the restore, which gives a
// deadlocked JVM a fresh start.
func dumpThreads(ctx context.Context, c *cluster.Cluster, rec *history.Recorder, p *progress) {
	for _, ev := range c.DumpThreads(ctx) {
		if ev.Phase == history.PhaseDeadlock {
			p.line(ev.Node + "'s JVM reports a Java-level deadlock (thread dump in " + ev.Node + ".log)")
		}
		rec.Event(ev)
	}
}
