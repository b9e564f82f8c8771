package cluster

import (
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// The broker lines that bracket its time as a serving master, measured on
// Debian's ActiveMQ 5.17.2 for every profile's store (shared KahaDB file
// lock, JDBC LeaseDatabaseLocker on one PostgreSQL or under Patroni):
//
//   - start: "Connector stomp started". The workload and the role probe
//     speak STOMP only, so no client can be acknowledged before this line
//     and a CONNECT is answered right after it. The earlier lines are no
//     better a mark: a KahaDB takeover logs nothing when it gets the lock
//     (at best "KahaDB is version 7", and not on a fresh store), and the
//     JDBC lease line ("becoming master with lease expiry") comes 150-250
//     ms before the transports open, and is logged even by a slave that
//     takes a lease its stale owner has not yet given up (seen 2 ms before
//     "giving up" after a database freeze). It is kept as MasterLease.
//   - end, whichever comes first: "no longer able to keep the exclusive
//     lock so giving up being a master" (JDBC lease lost), "... is
//     shutting down" (SIGTERM or an in-process restart; new connections
//     are refused from here), "Connector stomp stopped" (the lease IO
//     handler stopping the transports after a store error, or the tail
//     of a shutdown). The three come within 3 ms of one another. And
//     "Initiating stop/restart of transports", where the IO exception
//     handler begins that stop: the acceptors close at once (the probe is
//     refused from here), but STOMP connections blocked in a store call
//     can take seconds to close ("is taking a long time to shutdown"),
//     and only then is "Connector stomp stopped" logged. The broker serves
//     nobody new from the first line; an old connection's send that still
//     completes is an acknowledgement split-brain-acks judges.
//
// A SIGKILL or a freeze logs nothing; the checker ends or suspends the
// window at the fault event instead.
var (
	masterStartLine = regexp.MustCompile(`Connector stomp started`)
	masterEndLine   = regexp.MustCompile(`giving up being a master|\) is shutting down|Connector stomp stopped|Initiating stop/restart of transports`)
	masterLeaseLine = regexp.MustCompile(`becoming master with lease expiry`)
)

// log4jStamp is the layout of log4j's %d{ISO8601}, which conf/log4j.properties
// puts first on every broker line, in the JVM's zone: UTC in the node image.
const log4jStamp = "2006-01-02 15:04:05,000"

// maxStampSkew bounds how far the broker's own stamp may sit from Docker's
// before it is not believed: a zone other than UTC is off by whole quarter
// hours, while a line stamped just before a freeze and written after it is
// off by the freeze, and its log4j stamp is then the true one.
const maxStampSkew = 10 * time.Minute

// lineTime stamps a broker line with its log4j time when there is one and
// Docker's otherwise. Both are host-clock times (a container shares the
// host's kernel clock), and measured over 148 lines of the shared-kahadb
// and jdbc profiles Docker's stamp came 0.2-15 ms (median 0.9, 90th
// percentile 1.7) after the log4j one: log4j takes it when the broker
// acts, Docker when the line leaves the pipe, after the console write and
// dockerd's read, which lag in bursts and under load. log4j has
// millisecond resolution, truncated, so its stamp is at most 1 ms early;
// Docker's nanoseconds are finer but measure the wrong moment.
//
// A broker whose clock the harness skewed (clock.go) stamps its lines off
// by the offset the JVM had read then, which lags the file by up to a
// second: of the stamps corrected by each offset it was given, the latest
// not after Docker's is the true one, since log4j always stamps first.
func lineTime(docker time.Time, line string, now time.Duration, used []time.Duration) time.Time {
	if len(line) >= len(log4jStamp) {
		if t, err := time.ParseInLocation(log4jStamp, line[:len(log4jStamp)], time.UTC); err == nil {
			switch {
			case docker.IsZero():
				return t.Add(-now)
			case len(used) > 0:
				if c, ok := unskewed(docker, t, used); ok {
					return c
				}
			case absDuration(docker.Sub(t)) < maxStampSkew:
				return t
			}
		}
	}
	if docker.IsZero() {
		return time.Now()
	}
	return docker
}

// stampLead is how far a corrected log4j stamp may lie after Docker's:
// log4j truncates to the millisecond, so a true stamp is never later.
const stampLead = 2 * time.Millisecond

// unskewed picks, among the log4j stamp t corrected by no offset and by
// each of used, the latest that is not after Docker's stamp and within
// maxStampSkew of it.
func unskewed(docker, t time.Time, used []time.Duration) (time.Time, bool) {
	var best time.Time
	for _, o := range append([]time.Duration{0}, used...) {
		c := t.Add(-o)
		if c.After(docker.Add(stampLead)) || docker.Sub(c) >= maxStampSkew {
			continue
		}
		if best.IsZero() || c.After(best) {
			best = c
		}
	}
	return best, !best.IsZero()
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// splitStamp takes apart a line of a log stream followed with Timestamps:
// Docker's RFC3339Nano stamp, a space, and the line as the container
// wrote it. A line without a stamp is returned whole.
func splitStamp(s string) (time.Time, string) {
	stamp, line, ok := strings.Cut(s, " ")
	if !ok {
		return time.Time{}, s
	}
	t, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		return time.Time{}, s
	}
	return t, line
}

// masterPhase classifies a broker line: a PhaseMaster* constant, or "".
func masterPhase(line string) string {
	switch {
	case masterStartLine.MatchString(line):
		return history.PhaseMasterStart
	case masterEndLine.MatchString(line):
		return history.PhaseMasterEnd
	case masterLeaseLine.MatchString(line):
		return history.PhaseMasterLease
	}
	return ""
}

// masterLog is what a broker's log last said about its mastership: the
// master-start of the window still open, if any. A cluster shared by
// several scenarios hands that window on to the next scenario's recorder,
// which would otherwise see a master whose start it never recorded.
type masterLog struct {
	mu   sync.Mutex
	open *history.Event
}

// reset forgets the open window: a container that starts runs a fresh JVM,
// which is nobody's master until it says so.
func (m *masterLog) reset() {
	m.mu.Lock()
	m.open = nil
	m.mu.Unlock()
}

// masterLogLine records a broker line that marks a master transition into
// the recorder of the scenario now attached. The lock spans the choice of
// recorder and the record, so that carryMasterLog, which runs after
// Attach, either sees this window open or finds it already recorded to
// the new recorder; a master-start recorded twice opens one window.
func (n *Node) masterLogLine(docker time.Time, line string) {
	if n.Kind != KindBroker {
		return
	}
	phase := masterPhase(line)
	if phase == "" {
		return
	}
	now, used := n.clock.get()
	ev := history.Event{Time: lineTime(docker, line, now, used), Type: history.LogEvent, Phase: phase, Node: n.Name, Detail: line}
	m := &n.mlog
	m.mu.Lock()
	defer m.mu.Unlock()
	switch phase {
	case history.PhaseMasterStart:
		if m.open == nil {
			m.open = &ev
		}
	case history.PhaseMasterEnd:
		m.open = nil
	}
	if rec := n.cluster.roles.recorder(); rec != nil {
		rec.Event(ev)
	}
}

// carryMasterLog re-records, into the recorder just attached, the
// master-start of a window the broker's log opened under an earlier
// scenario, stamped with its own time. A node that is down since has no
// window to hand on, whatever its log said last; a frozen one is left
// out too, since its window would run through a thaw the new scenario
// never sees (the role probe shows it, and the checker then reports the
// disagreement).
func (n *Node) carryMasterLog() {
	if n.Kind != KindBroker {
		return
	}
	m := &n.mlog
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.open == nil {
		return
	}
	if state, _ := n.snapshot(); state != "" {
		if state == history.Down {
			m.open = nil
		}
		return
	}
	rec := n.cluster.roles.recorder()
	if rec == nil {
		return
	}
	ev := *m.open
	ev.Detail = "carried over from before this scenario: " + ev.Detail
	rec.Event(ev)
}

// recorder is the recorder of the scenario now attached, or nil.
func (t *roleTracker) recorder() *history.Recorder {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rec
}
