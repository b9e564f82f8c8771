package cluster

import (
	"testing"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Lines as Debian's ActiveMQ 5.17.2 wrote them in the node image, with the
// stamp Docker gave each (docker logs -t), from the shared-kahadb and jdbc
// profiles.
var brokerLines = []struct {
	stream string
	phase  string
}{
	{"2026-12-02T00:52:14.731851657Z 2026-12-02 00:52:14,731 | INFO  | Connector stomp started | org.apache.activemq.broker.TransportConnector | main", history.PhaseMasterStart},
	{"2026-12-02T00:52:14.731971586Z 2026-12-02 00:52:14,731 | INFO  | Apache ActiveMQ 5.17.2 (broker3, ID:7cdc5286d08d-38675-1796172734590-0:1) started | org.apache.activemq.broker.BrokerService | main", ""},
	{"2026-12-02T00:52:25.160940407Z 2026-12-02 00:52:25,159 | INFO  | Apache ActiveMQ 5.17.2 (broker3, ID:7cdc5286d08d-38675-1796172734590-0:1) is shutting down | org.apache.activemq.broker.BrokerService | Thread-4", history.PhaseMasterEnd},
	{"2026-12-02T00:52:25.162651499Z 2026-12-02 00:52:25,161 | INFO  | Connector stomp stopped | org.apache.activemq.broker.TransportConnector | Thread-4", history.PhaseMasterEnd},
	{"2026-12-02T00:52:25.172374975Z 2026-12-02 00:52:25,171 | INFO  | Apache ActiveMQ 5.17.2 (broker3, ID:7cdc5286d08d-38675-1796172734590-0:1) is shutdown | org.apache.activemq.broker.BrokerService | Thread-4", ""},
	{"2026-12-02T00:52:18.114848868Z 2026-12-02 00:52:18,114 | INFO  | Database /srv/shared/kahadb/lock is locked by another server. This broker is now in slave mode waiting a lock to be acquired | org.apache.activemq.store.SharedFileLocker | main", ""},
	{"2026-12-02T00:54:34.480317635Z 2026-12-02 00:54:34,480 | INFO  | broker1 attempting to acquire exclusive lease to become the master | org.apache.activemq.store.jdbc.LeaseDatabaseLocker | main", ""},
	{"2026-12-02T00:54:34.976143799Z 2026-12-02 00:54:34,975 | INFO  | broker1, becoming master with lease expiry Wed Dec 02 00:54:39 UTC 2026 on dataSource: org.apache.tomcat.dbcp.dbcp2.BasicDataSource@78641d23 | org.apache.activemq.store.jdbc.LeaseDatabaseLocker | main", history.PhaseMasterLease},
	{"2026-12-02T00:55:22.500690764Z 2026-12-02 00:55:22,499 | ERROR | broker1, no longer able to keep the exclusive lock so giving up being a master | org.apache.activemq.broker.LockableServiceSupport | ActiveMQ JDBC PA Scheduled Task", history.PhaseMasterEnd},
	{"2026-12-02T00:54:58.598390416Z 2026-12-02 00:54:58,598 | INFO  | broker2, released lease | org.apache.activemq.store.jdbc.LeaseDatabaseLocker | ActiveMQ ShutdownHook", ""},
	// The IO exception handler's stop ends the window where it begins: the
	// STOMP connector's own stop line came 3 s later (jdbc-stock, the master
	// cut from its store, run 20261202-174047-2ceb).
	{"2026-12-02T17:44:49.523848561Z 2026-12-02 17:44:49,523 | INFO  | Initiating stop/restart of transports on BrokerService[broker1] due to IO exception, java.io.IOException: The connection attempt failed. | org.apache.activemq.util.DefaultIOExceptionHandler | ActiveMQ Transport: tcp:///192.168.112.1:50116@61613", history.PhaseMasterEnd},
	{"2026-12-02T17:44:49.527848561Z 2026-12-02 17:44:49,527 | INFO  | Connector openwire stopped | org.apache.activemq.broker.TransportConnector | IOExceptionHandler: stop transports", ""},
	{"2026-12-02T00:55:22.512348561Z Restarting broker", ""},
}

func TestMasterPhase_RealBrokerLines(t *testing.T) {
	for _, l := range brokerLines {
		_, line := splitStamp(l.stream)
		assert.Equal(t, l.phase, masterPhase(line), line)
	}
}

func TestSplitStamp(t *testing.T) {
	ts, line := splitStamp(brokerLines[0].stream)
	require.False(t, ts.IsZero())
	assert.Equal(t, time.Date(2026, 12, 2, 0, 52, 14, 731851657, time.UTC), ts.UTC())
	assert.Equal(t, "2026-12-02 00:52:14,731 | INFO  | Connector stomp started | org.apache.activemq.broker.TransportConnector | main", line)

	ts, line = splitStamp("Restarting broker")
	assert.True(t, ts.IsZero())
	assert.Equal(t, "Restarting broker", line)
}

func TestLineTime_PrefersTheBrokersOwnStamp(t *testing.T) {
	docker, line := splitStamp(brokerLines[2].stream)
	assert.Equal(t, time.Date(2026, 12, 2, 0, 52, 25, 159_000_000, time.UTC), lineTime(docker, line, 0, nil))

	// A line without a log4j stamp keeps Docker's.
	docker, line = splitStamp(brokerLines[len(brokerLines)-1].stream)
	assert.Equal(t, docker, lineTime(docker, line, 0, nil))

	// A broker logging in another zone is off by hours: Docker's stands.
	docker = time.Date(2026, 12, 2, 1, 52, 25, 160_000_000, time.UTC)
	assert.Equal(t, docker, lineTime(docker, "2026-12-02 02:52:25,159 | INFO  | Connector stomp stopped | x | y", 0, nil))

	// A line stamped just before a freeze and read after it keeps log4j's.
	docker = time.Date(2026, 12, 2, 0, 52, 40, 0, time.UTC)
	assert.Equal(t, time.Date(2026, 12, 2, 0, 52, 25, 159_000_000, time.UTC),
		lineTime(docker, "2026-12-02 00:52:25,159 | INFO  | Connector stomp stopped | x | y", 0, nil))
}

func TestMasterLogLine_RecordsIntoTheAttachedRecorderAndCarriesOver(t *testing.T) {
	first := history.NewRecorder()
	c := &Cluster{roles: newRoleTracker(first), logs: newLogSink(t.TempDir())}
	defer c.roles.stop()
	n := &Node{Name: "broker1", Kind: KindBroker, cluster: c}
	c.logs.afterMove(n.carryMasterLog)
	for _, l := range brokerLines[:2] {
		n.masterLogLine(splitStamp(l.stream))
	}
	require.Len(t, first.Snapshot().Events, 1)
	start := first.Snapshot().Events[0]
	assert.Equal(t, history.LogEvent, start.Type)
	assert.Equal(t, history.PhaseMasterStart, start.Phase)
	assert.Equal(t, "broker1", start.Node)

	// The next scenario's recorder gets the open window at Attach.
	second := history.NewRecorder()
	c.roles.attach(second)
	c.logs.moveTo(t.TempDir())
	got := second.Snapshot().Events
	require.Len(t, got, 1)
	assert.Equal(t, start.Time, got[0].Time)
	assert.Contains(t, got[0].Detail, "carried over from before this scenario")

	// Closed, or down, there is nothing to carry.
	n.masterLogLine(splitStamp(brokerLines[3].stream))
	third := history.NewRecorder()
	c.roles.attach(third)
	c.logs.moveTo(t.TempDir())
	assert.Empty(t, third.Snapshot().Events)

	n.masterLogLine(splitStamp(brokerLines[0].stream))
	n.setState(history.Down)
	c.roles.attach(history.NewRecorder())
	c.logs.moveTo(t.TempDir())
	assert.Nil(t, n.mlog.open, "a node that went down has no window to hand on")
}
