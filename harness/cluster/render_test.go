package cluster

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

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
