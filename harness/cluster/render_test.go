package cluster

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fakeCluster is just enough topology for the config templates.
func fakeCluster(profile string) *Cluster {
	c := &Cluster{profile: Profiles[profile]}
	for i, n := range []string{"zk1", "zk2", "zk3"} {
		c.ZooKeepers = append(c.ZooKeepers, &Node{Name: n, Kind: KindZK, Index: i + 1})
	}
	for i, n := range []string{"pg1", "pg2", "pg3"} {
		c.Databases = append(c.Databases, &Node{Name: n, Kind: KindDB, Index: i + 1})
	}
	return c
}

// The broker configs are schema-checked by ActiveMQ at start, and users
// compare them with the seed's: any change to them shows up here.
func TestBrokerConfigsMatchTheirGoldenFiles(t *testing.T) {
	for _, profile := range profileNames() {
		if Profiles[profile].broker == nil {
			continue
		}
		t.Run(profile, func(t *testing.T) {
			got, err := Profiles[profile].broker(fakeCluster(profile), "broker2")
			require.NoError(t, err)
			golden := filepath.Join("testdata", profile+"-broker2.xml.golden")
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create it")
			require.Equal(t, string(want), string(got), "%s activemq.xml differs from %s", profile, golden)
		})
	}
}

// A cluster with the store proxy points both the store's and the fenced
// lease's data sources at the proxy's ports, one per database node, and
// only then; the goldens above are the direct path.
func TestTheStoreProxyTakesEveryJDBCURL(t *testing.T) {
	for _, profile := range []string{"jdbc", "jdbc-stock", "replicated", "replicated-stock"} {
		c := fakeCluster(profile)
		c.opts.storeProxy = true
		got, err := Profiles[profile].broker(c, "broker2")
		require.NoError(t, err)
		xml := string(got)
		assert.NotContains(t, xml, ":5432", "%s: a JDBC URL still names a database directly", profile)
		assert.Contains(t, xml, "jdbc:postgresql://127.0.0.1:15432", profile)
		if Profiles[profile].Lease.Fenced {
			assert.Equal(t, 2, strings.Count(xml, "jdbc:postgresql://127.0.0.1:15432"), "%s: the lease's own data source is proxied too", profile)
		}
		if Profiles[profile].Lease.Hosts == 3 {
			assert.Contains(t, xml, "127.0.0.1:15432,127.0.0.1:15433,127.0.0.1:15434", profile)
			assert.Equal(t, "pg1=15432=pg1:5432 pg2=15433=pg2:5432 pg3=15434=pg3:5432", c.storeRoutes())
		}
	}
	direct := fakeCluster("jdbc")
	assert.Equal(t, "db:5432", direct.storeAddr("db", 1))
	assert.Nil(t, direct.withStoreProxy(map[string]string{}, nil), "no proxy script without the option")
}

// The harness remembers which routes it delayed, so a restore only
// execs in brokers that have one.
func TestStoreDelayRemembersDelayedRoutes(t *testing.T) {
	var s storeDelay
	assert.False(t, s.any())
	s.set([]string{"pg1", "pg2"}, 800*time.Millisecond)
	assert.True(t, s.any())
	s.set([]string{"pg1"}, 0)
	assert.True(t, s.any(), "pg2 is still delayed")
	s.set([]string{"pg2"}, 0)
	assert.False(t, s.any())
}

// A KahaDB store on its own sized volume takes a share of that volume as
// its limit and measures it again every second, so a freed disk is seen;
// the store on the host's disk keeps its fixed limit (the golden above).
func TestASizedKahaDBStoreMeasuresItsDiskAgain(t *testing.T) {
	c := fakeCluster("shared-kahadb")
	c.opts.sizedStores = true
	got, err := renderKahaDB(c, "broker2")
	require.NoError(t, err)
	xml := string(got)
	assert.Contains(t, xml, `schedulePeriodForDiskUsageCheck="1000" diskUsageCheckRegrowThreshold="1 mb"`)
	assert.Contains(t, xml, `<storeUsage percentLimit="90"/>`)
	assert.NotContains(t, xml, `limit="2 gb"`)
}

// The benchmark's tuning writes each send on its connection's thread; the
// scenarios' default leaves KahaDB's single store thread as ActiveMQ ships it.
func TestStoreOnConnectionThreadsTurnsConcurrentStoreAndDispatchOff(t *testing.T) {
	c := fakeCluster("shared-kahadb")
	stock, err := renderKahaDB(c, "broker1")
	require.NoError(t, err)
	assert.NotContains(t, string(stock), "concurrentStoreAndDispatchQueues")

	c.opts.storeOnConnection = true
	tuned, err := renderKahaDB(c, "broker1")
	require.NoError(t, err)
	assert.Contains(t, string(tuned), `<kahaDB directory="/srv/shared/kahadb" concurrentStoreAndDispatchQueues="false">`)
}

// The tuning is KahaDB's: a profile whose store is a database refuses it
// before any container starts.
func TestStoreOnConnectionThreadsIsRefusedWithoutKahaDB(t *testing.T) {
	c, err := Run(context.Background(), WithImage("unused"), WithProfile("jdbc"), WithStoreOnConnectionThreads())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "profile jdbc has no KahaDB store")
	assert.Nil(t, c.network)
}
