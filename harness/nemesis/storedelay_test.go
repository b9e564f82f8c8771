package nemesis

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/scenario"
)

// The store delay needs a broker of the node image with a database to
// proxy: it is refused before anything starts on every other profile,
// whatever the host's kernel has, and accepted on the JDBC ones.
func TestStoreDelayIsRefusedWhereNoStorePathIsProxied(t *testing.T) {
	for _, name := range []string{"shared-kahadb", "zookeeper", "leveldb"} {
		p := cluster.Profiles[name]
		for _, a := range []fault.Action{fault.StoreDelay, fault.StoreUndelay} {
			assert.ErrorContains(t, Check(p, a, fault.MustTarget("master")), "no JDBC store path", "%s on %s", a, name)
		}
	}
	for _, name := range []string{"jdbc", "jdbc-stock", "replicated", "replicated-stock"} {
		p := cluster.Profiles[name]
		for _, target := range []string{"master", "slave", "broker:2", "db", "db:1", "previous"} {
			assert.NoError(t, Check(p, fault.StoreDelay, fault.MustTarget(target)), "store-delay %s on %s", target, name)
		}
	}
	assert.ErrorContains(t, Check(cluster.Profiles["jdbc"], fault.StoreDelay, fault.MustTarget("zk:leader")), "zk nodes",
		"a ZooKeeper target on jdbc")
	assert.NoError(t, Check(kahadb, fault.Kill, fault.MustTarget("master")), "other actions are not touched")
}

// A store delay's family carries the step's latency; its undo sets 0.
func TestAStoreDelayCarriesItsLatency(t *testing.T) {
	f, err := (&Nemesis{}).fault(scenario.Step{Action: fault.StoreDelay, Latency: 1500 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 1500*time.Millisecond, f.(storeDelay).latency)
	f, err = (&Nemesis{}).fault(scenario.Step{Action: fault.StoreUndelay})
	require.NoError(t, err)
	assert.Zero(t, f.(storeDelay).latency, "an undelay writes 0")
	assert.Equal(t, "latency 1.5s (stamped 100ms after the write: the proxy re-reads it that often)", latencyDetail(1500*time.Millisecond))
}

// A store delay stays open until its own undo: a heal (the network
// faults') or a restart (the latency outlives the JVM) does not end it.
func TestOnlyStoreUndelayClosesAStoreDelay(t *testing.T) {
	o := openFaults{}
	o.add(openEvent(1, fault.StoreDelay, "broker1"))
	assert.Empty(t, o.close(fault.Heal, []string{"broker1"}))
	assert.Empty(t, o.close(fault.Restart, []string{"broker1"}))
	ended := o.close(fault.StoreUndelay, []string{"broker1"})
	require.Len(t, ended, 1)
	assert.Equal(t, fault.StoreDelay, ended[0].Action)
}
