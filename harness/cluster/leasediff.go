package cluster

import (
	"regexp"
	"strconv"
)

// leaseDiffLine is what ActiveMQ's LeaseDatabaseLocker logs when it
// measures its clock against the database's, once per locker (a JVM start,
// or the in-process restart of a broker that lost its lease), and only
// with maxAllowableDiffFromDBTime above 0: "broker2 diff adjust from db:
// -30004, db time: ...". The correction then holds for the locker's life.
// A locker that measured while its broker's clock was skewed keeps
// correcting after the clock is synced: 30 s behind, as a slave it would
// see a dead master's lease expire 30 s late, and as a master it stamps
// the lease 30 s in the past (run-3 of 20261203-065342-3766, a slave's
// skew on the fenced replicated profile: a repeat that inherited -30 s
// from the one before took no lease).
var leaseDiffLine = regexp.MustCompile(`diff adjust from db: (-?\d+)`)

// leaseDiff is the correction the broker's current lease locker applies
// to its clock, in milliseconds, as its log last gave it; 0 when the
// locker measured its clock within maxAllowableDiffFromDBTime, or never
// measured it.
type leaseDiff struct{ latched[int64] }

func (d *leaseDiff) note(line string) {
	m := leaseDiffLine.FindStringSubmatch(line)
	if m == nil {
		return
	}
	if ms, err := strconv.ParseInt(m[1], 10, 64); err == nil {
		d.set(ms)
	}
}

// correcting is the correction in force.
func (d *leaseDiff) correcting() int64 { return d.get() }
