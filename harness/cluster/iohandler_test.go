package cluster

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A broker whose handler logged its wait a moment ago is stale at the
// baseline; one that never did, or long ago, is not.
func TestIOWaitCountsOnlyAFreshWaitLine(t *testing.T) {
	var w ioWait
	assert.False(t, w.waiting(), "never logged")

	w.note("2026-12-02 06:22:01,020 | INFO  | Initiating stop/restart of transports on BrokerService[broker1] due to IO exception")
	assert.False(t, w.waiting(), "another IO handler line")

	w.note("2026-12-02 06:28:27,419 | INFO  | waiting for broker persistence adapter checkpoint to succeed before restarting transports | org.apache.activemq.util.DefaultIOExceptionHandler | IOExceptionHandler: restart transports")
	assert.True(t, w.waiting())

	w.set(time.Now().Add(-2 * ioWaitFresh))
	assert.False(t, w.waiting(), "the handler stopped waiting long ago")

	w.set(time.Now())
	w.reset()
	assert.False(t, w.waiting(), "reset by a restart")
}

// A broker that started on a full disk is marked, one that measured room
// enough is not, and a new JVM starts unmarked.
func TestStoreLimitMarksOnlyACutLimit(t *testing.T) {
	var s storeLimit
	s.note("2026-12-02 16:46:39,836 | WARN  | Store limit is 2048 mb (current store usage is 0 mb). The data directory: /srv/shared/kahadb only has 255 mb of usable space. - resetting to maximum available disk space: 255 mb")
	assert.False(t, s.refusing(), "room for the journal")
	s.note("2026-12-02 16:46:55,533 | ERROR | Store limit is 0 mb, whilst the max journal file size for the store is 32 mb, the store will not accept any data when used. | org.apache.activemq.broker.BrokerService | main")
	assert.True(t, s.refusing())
	s.reset()
	assert.False(t, s.refusing(), "reset by a restart")
}

// A lease locker that measured its clock off the database's keeps the
// correction until a new locker measures again; one within the allowed
// difference logs 0 and corrects nothing.
func TestLeaseDiffKeepsTheLastLockersCorrection(t *testing.T) {
	var d leaseDiff
	d.note("2026-12-02 05:53:34,120 | INFO  | broker2 diff adjust from db: 0, db time: 2026-12-02 05:53:34.118 | org.apache.activemq.store.jdbc.LeaseDatabaseLocker | main")
	assert.Zero(t, d.correcting(), "measured within maxAllowableDiffFromDBTime")
	d.note("2026-12-02 05:54:26,310 | INFO  | broker2 diff adjust from db: -30004, db time: 2026-12-02 05:53:56.306 | org.apache.activemq.store.jdbc.LeaseDatabaseLocker | Broker restart")
	assert.Equal(t, int64(-30004), d.correcting(), "the in-process restart's new locker, 30 s ahead")
	d.note("2026-12-02 05:54:27,001 | INFO  | broker2, becoming master with lease expiry Wed Dec 02 05:54:32 | x | y")
	assert.Equal(t, int64(-30004), d.correcting(), "other lines change nothing")
	d.reset()
	assert.Zero(t, d.correcting(), "a new JVM")
}
