package fault

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryTimedFaultIsUndoneByAnActionThatExists(t *testing.T) {
	for _, s := range Specs() {
		if s.Undo == "" {
			continue
		}
		_, ok := Lookup(s.Undo)
		assert.True(t, ok, "%s is undone by %s, which is not an action", s.Action, s.Undo)
		assert.True(t, s.Undo.Undoes(s.Action), "%s does not undo %s", s.Undo, s.Action)
		// A skewed clock is the one timed fault that takes no service away.
		assert.True(t, s.Disruptive || s.Action == ClockSkew, "%s takes a duration but takes nothing away", s.Action)
		assert.True(t, s.Action.Lasting(), "%s takes a duration but would not stay open until undone", s.Action)
	}
}

func TestOnlyBrokerClocksAreSkewed(t *testing.T) {
	for _, a := range []Action{ClockSkew, ClockSync} {
		s, ok := Lookup(a)
		require.True(t, ok, a)
		assert.True(t, s.Reaches(Broker), "%s on a broker", a)
		assert.False(t, s.Reaches(ZooKeeper), "%s on ZooKeeper", a)
		assert.False(t, s.Reaches(Database), "%s on a database", a)
		assert.False(t, a.Disruptive(), "%s is no outage", a)
	}
	assert.True(t, ClockSync.Undoes(ClockSkew))
	assert.True(t, Restart.Undoes(ClockSkew), "a restarted broker's entry point writes +0")
	assert.False(t, Heal.Undoes(ClockSkew), "heal is for the network faults")
	kill, _ := Lookup(Kill)
	assert.True(t, kill.Reaches(Database), "an action without Kinds reaches every kind")
	assert.False(t, ClockSync.Lasting(), "a sync ends at once")
}

func TestABridgeIsOnlyACut(t *testing.T) {
	for _, s := range Specs() {
		assert.Equal(t, s.Action == Partition, s.Allows(Bridge), "%s with a bridge", s.Action)
	}
	heal, _ := Lookup(Heal)
	assert.False(t, heal.Allows(Master), "heal takes no target")
}

func TestTargetsRoundTrip(t *testing.T) {
	for _, s := range []string{"master", "zk:leader", "node:2", "broker:3", "db", "db:1", "zk:2", "bridge"} {
		tg, err := ParseTarget(s)
		require.NoError(t, err, s)
		assert.Equal(t, s, tg.String())
	}
	for s, want := range map[string]string{"mastr": `did you mean "master"`, "node:x": "whole number", "node:0": "start at 1", "brokr:2": `did you mean "broker:2"`} {
		_, err := ParseTarget(s)
		assert.ErrorContains(t, err, want, s)
	}
}

func TestATargetNamesTheKindOfNodeItNeeds(t *testing.T) {
	for s, want := range map[string]NodeKind{"master": Broker, "broker:2": Broker, "zk:leader": ZooKeeper, "zk:3": ZooKeeper, "db": Database, "db:2": Database} {
		k, ok := MustTarget(s).Needs()
		assert.True(t, ok, s)
		assert.Equal(t, want, k, s)
	}
	for _, s := range []string{"node:1", "all", "previous", "minority", "bridge"} {
		_, ok := MustTarget(s).Needs()
		assert.False(t, ok, "%s may resolve to any kind", s)
	}
}

func TestNodeNamesRoundTrip(t *testing.T) {
	for _, k := range []NodeKind{Broker, ZooKeeper, Database} {
		got, ok := KindOf(NodeName(k, 3))
		assert.True(t, ok)
		assert.Equal(t, k, got)
	}
	got, ok := KindOf("db")
	assert.True(t, ok, "a profile's single database is called db")
	assert.Equal(t, Database, got)
	_, ok = KindOf("brokerX")
	assert.False(t, ok)
}
