package cluster

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// ioHandlerWaitLine is what ActiveMQ's DefaultIOExceptionHandler logs every
// resumeCheckSleepPeriod (1 s here) while it waits to restart the
// transports it stopped after a store error. Measured on 5.17.2 with the
// lease IO handler: a broker that lost its lease during such a wait
// restarts in-process as a slave, yet the old handler's thread lives on
// and keeps logging this; when the store answers again it starts the
// connectors ("Connector stomp started") for 27-35 ms before the lease
// check stops them, next to the real master. Left over from one scenario
// (clock-skew-slave), it made the next one on the same cluster
// (master-cut-from-store) fail single-master in 2 of 3 runs.
var ioHandlerWaitLine = regexp.MustCompile(`waiting for broker persistence adapter checkpoint to succeed before restarting transports`)

// ioWaitFresh is how recently the line must have come for the handler to
// count as still waiting: it repeats every second.
const ioWaitFresh = 3 * time.Second

// ioWait remembers when a broker last logged ioHandlerWaitLine.
type ioWait struct{ latched[time.Time] }

func (w *ioWait) note(line string) {
	if ioHandlerWaitLine.MatchString(line) {
		w.set(time.Now())
	}
}

// waiting reports whether the handler logged its wait within ioWaitFresh.
func (w *ioWait) waiting() bool {
	at := w.get()
	return !at.IsZero() && time.Since(at) < ioWaitFresh
}

// restartStaleHandlers restarts every broker whose IO exception handler is
// still waiting to restart transports once the cluster is back at its
// baseline, where no store error is left to wait out, and every broker
// whose JVM cut its store limit on a full disk, reported a deadlock, or
// runs a lease locker that corrects its clock: only a fresh JVM is rid of
// that thread, measures the freed disk again, has its queues' threads
// back, or measures its clock again. The clocks are synced by then, so any
// correction is one measured during a skew. It reports whether it
// restarted any.
func (c *Cluster) restartStaleHandlers(ctx context.Context) (bool, error) {
	var stale []*Node
	why := map[string]string{}
	for _, b := range c.Brokers {
		switch {
		case b.iowait.waiting():
			why[b.Name] = "IO exception handler still waits to restart transports from an earlier store error"
		case b.limit.refusing():
			why[b.Name] = "store limit was cut to the free space of a full disk (storelimit.go)"
		case b.dumps.deadlocked():
			why[b.Name] = "JVM reported a Java-level deadlock in a thread dump; those threads never run again (threaddump.go)"
		case b.leaseDiff.correcting() != 0:
			why[b.Name] = fmt.Sprintf("lease locker corrects its clock by %d ms, measured while the clock was skewed (leasediff.go)",
				b.leaseDiff.correcting())
		default:
			continue
		}
		stale = append(stale, b)
	}
	if len(stale) == 0 {
		return false, nil
	}
	var errs []error
	for _, b := range stale {
		c.say(fmt.Sprintf("restore: %s's %s; restarting its container", b.Name, why[b.Name]))
		b.iowait.reset()
		if err := b.Restart(ctx); err != nil {
			errs = append(errs, fmt.Errorf("restart %s: %w", b.Name, err))
		}
	}
	return true, errors.Join(errs...)
}
