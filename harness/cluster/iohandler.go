package cluster

import (
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
