package nemesis

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
)

func profile(t *testing.T, name string) cluster.Profile {
	t.Helper()
	p, err := cluster.LookupProfile(name)
	require.NoError(t, err)
	return p
}

// A full disk reaches only a node whose store the profile puts on a
// volume: the brokers of a shared KahaDB, the database of a JDBC store.
func TestDiskFullReachesOnlyTheProfilesStore(t *testing.T) {
	ok := map[string][]string{
		"shared-kahadb":    {"master", "slave", "slaves", "broker:2", "previous"},
		"jdbc":             {"db", "previous"},
		"jdbc-stock":       {"db"},
		"replicated":       {"db", "db:2", "previous"},
		"replicated-stock": {"db:1"},
	}
	for name, targets := range ok {
		for _, tg := range targets {
			for _, a := range []fault.Action{fault.DiskFull, fault.DiskFree} {
				assert.NoError(t, Check(profile(t, name), a, fault.MustTarget(tg)), "%s %s on %s", a, tg, name)
			}
		}
	}
	refused := map[string]map[string]string{
		"jdbc":          {"master": "store is the db nodes'", "broker:1": "use db or db:N"},
		"replicated":    {"slave": "store is the db nodes'", "zk:leader": "zk node"},
		"shared-kahadb": {"db": "the store is the broker nodes'"},
		"zookeeper":     {"zk:leader": "no store the harness can fill", "previous": "no store the harness can fill"},
		"leveldb":       {"master": "no store the harness can fill"},
	}
	for name, targets := range refused {
		for tg, why := range targets {
			err := Check(profile(t, name), fault.DiskFull, fault.MustTarget(tg))
			assert.ErrorContains(t, err, why, "disk-full %s on %s", tg, name)
		}
	}
}

// Both actions are families of the nemesis: fill and free.
func TestDiskFullAndFreeAreOneFamily(t *testing.T) {
	c := &cluster.Cluster{}
	assert.Equal(t, disk{c: c, full: true}, families[fault.DiskFull](c))
	assert.Equal(t, disk{c: c}, families[fault.DiskFree](c))
}
