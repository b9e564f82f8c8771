package nemesis

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
)

var kahadb = cluster.Profile{Name: "shared-kahadb", Kinds: []cluster.Kind{cluster.KindBroker}}

func TestCheckAcceptsBrokerTargetsOnABrokerProfile(t *testing.T) {
	for _, target := range []string{"master", "slave", "slaves", "broker:2", "node:1", "all", "previous"} {
		assert.NoError(t, Check(kahadb, "kill", fault.MustTarget(target)), "kill %s", target)
	}
}

func TestCheckRefusesTargetsTheProfileLacks(t *testing.T) {
	for _, target := range []string{"zk:leader", "zk:2", "db", "db:1"} {
		assert.ErrorContains(t, Check(kahadb, "kill", fault.MustTarget(target)), "shared-kahadb",
			"kill %s on shared-kahadb: want a refusal naming the profile", target)
	}
}

func TestCheckRefusesAnUnknownAction(t *testing.T) {
	assert.Error(t, Check(kahadb, "explode", fault.MustTarget("master")), "an unknown action was accepted")
}

// Packet delay needs netem in the shared kernel: where it is missing the
// step is refused with the reason, never silently skipped.
func TestDelayIsRefusedExactlyWhenNetemIsMissing(t *testing.T) {
	err := Check(kahadb, "delay", fault.MustTarget("master"))
	require.Equal(t, netemAvailable(), err == nil, "netem available=%v but Check(delay) = %v", netemAvailable(), err)
	if err != nil {
		require.ErrorContains(t, err, "sch_netem", "refusal does not say why")
	}
	require.NoError(t, Check(kahadb, "loss", fault.MustTarget("master")), "loss uses iptables and must not depend on netem")
}
