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

func TestClockSkewIsRefusedWhereBrokersRunTheirOwnImage(t *testing.T) {
	own := cluster.Profile{Name: "leveldb", Kinds: []cluster.Kind{cluster.KindBroker}, BrokerImage: "amqha.local/activemq-leveldb:5.16"}
	for _, a := range []fault.Action{fault.ClockSkew, fault.ClockSync} {
		assert.ErrorContains(t, Check(own, a, fault.MustTarget("slave")), "does not preload libfaketime", "%s on leveldb", a)
		assert.ErrorContains(t, Check(own, a, fault.MustTarget("previous")), "does not preload libfaketime", "%s previous on leveldb", a)
		assert.NoError(t, Check(kahadb, a, fault.MustTarget("slave")), "%s on the node image", a)
	}
}

func TestAClockSkewNamesItsOffsetAndASyncNone(t *testing.T) {
	f, err := (&Nemesis{}).fault(scenario.Step{Action: fault.ClockSkew, Offset: -30 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, skew{offset: -30 * time.Second}, f)
	f, err = (&Nemesis{}).fault(scenario.Step{Action: fault.ClockSync})
	require.NoError(t, err)
	assert.Equal(t, skew{}, f, "a sync writes +0")
	assert.Equal(t, "offset -30s", offsetDetail(scenario.Step{Action: fault.ClockSkew, Offset: -30 * time.Second}))
	assert.Equal(t, "offset +60s", offsetDetail(scenario.Step{Action: fault.ClockSkew, Offset: time.Minute}))
	assert.Empty(t, offsetDetail(scenario.Step{Action: fault.Kill}))
}
