package runner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/scenario"
)

// A profile's proxied twin and its plain cluster run side by side: their
// containers must not share names.
func TestATwinClusterHasNamesOfItsOwn(t *testing.T) {
	plain := clusterRunID("20261202-180710-131b", poolKey("jdbc", false), 1)
	twin := clusterRunID("20261202-180710-131b", poolKey("jdbc", true), 1)

	assert.Equal(t, "20261202-180710-131b-jdbc-1", plain)
	assert.Equal(t, "20261202-180710-131b-jdbc-store-proxy-1", twin)
}

func TestALaneRetiresTheClustersNoLaterRunNeeds(t *testing.T) {
	delay := planned("store-delay-db", "jdbc-stock", time.Second, "")
	delay.File.Timeline = []scenario.Step{{At: time.Second, Action: fault.StoreDelay}}
	plain := planned("loss-master", "jdbc-stock", time.Second, "")

	assert.Equal(t, []string{"jdbc-stock+store-proxy"}, unneeded("jdbc-stock", []Planned{plain}),
		"after the store delay, only the plain cluster has work left")
	assert.Equal(t, []string{"jdbc-stock"}, unneeded("jdbc-stock", []Planned{delay}))
	assert.Empty(t, unneeded("jdbc-stock", []Planned{plain, delay}))
	assert.Equal(t, []string{"jdbc-stock", "jdbc-stock+store-proxy"}, unneeded("jdbc-stock", []Planned{planned("zk-bridge", "zookeeper", time.Second, "")}),
		"the lane's next profile needs none of them: the whole profile is done")
}
