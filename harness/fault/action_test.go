package fault

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Failover is measured from the faults that take service away, and the
// rejoin checks watch the nodes that faults bring back; an action that
// does neither (resume, heal) or is unknown must count as neither, or a
// thaw would start a failover clock and a typo would demand a rejoin.
func TestDisruptiveAndRejoining(t *testing.T) {
	cases := []struct {
		action                  string
		disruptive, rejoining   bool
		wantDisrupt, wantRejoin bool
	}{
		{"kill", Action("kill").Disruptive(), Action("kill").Rejoining(), true, false},
		{"stop", Action("stop").Disruptive(), Action("stop").Rejoining(), true, false},
		{"pause", Action("pause").Disruptive(), Action("pause").Rejoining(), true, false},
		{"partition", Action("partition").Disruptive(), Action("partition").Rejoining(), true, false},
		{"delay", Action("delay").Disruptive(), Action("delay").Rejoining(), true, false},
		{"loss", Action("loss").Disruptive(), Action("loss").Rejoining(), true, false},
		{"start", Action("start").Disruptive(), Action("start").Rejoining(), false, true},
		{"restart", Action("restart").Disruptive(), Action("restart").Rejoining(), false, true},
		{"starve", Action("starve").Disruptive(), Action("starve").Rejoining(), true, false},
		{"unstarve", Action("unstarve").Disruptive(), Action("unstarve").Rejoining(), false, false},
		{"resume", Action("resume").Disruptive(), Action("resume").Rejoining(), false, false},
		{"heal", Action("heal").Disruptive(), Action("heal").Rejoining(), false, false},
		{"unknown", Action("explode").Disruptive(), Action("explode").Rejoining(), false, false},
		{"empty", Action("").Disruptive(), Action("").Rejoining(), false, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.wantDisrupt, c.disruptive, "Disruptive(%s)", c.action)
		assert.Equal(t, c.wantRejoin, c.rejoining, "Rejoining(%s)", c.action)
		assert.False(t, c.disruptive && c.rejoining, "%s is both disruptive and rejoining", c.action)
	}
}

// A CPU quota is container configuration: a restart of a starved node
// does not end its starvation, only unstarve does, and unstarve ends
// nothing else.
func TestOnlyUnstarveEndsAStarve(t *testing.T) {
	assert.True(t, Unstarve.Undoes(Starve))
	assert.False(t, Restart.Undoes(Starve), "a restarted container keeps its quota")
	assert.False(t, Start.Undoes(Starve), "a started container keeps its quota")
	assert.False(t, Heal.Undoes(Starve))
	assert.False(t, Resume.Undoes(Starve))
	assert.False(t, Unstarve.Undoes(Pause))
	assert.False(t, Unstarve.Undoes(Partition))
	assert.True(t, Restart.Undoes(Pause), "a restart still ends a freeze")
	s, _ := Lookup(Starve)
	assert.True(t, s.Sized)
	assert.False(t, s.Network, "a starve acts on the process, not its links")
	for _, o := range Specs() {
		assert.Equal(t, o.Action == Starve, o.Sized, "only starve takes cpus, not %s", o.Action)
	}
}

// The store delay is its own action, beside netem's delay: it takes a
// latency (no other action does), reaches brokers and databases, ends
// only with store-undelay (a heal is the network faults', and the
// latency outlives a restart), and is disruptive like a starve.
func TestTheStoreDelayIsItsOwnFault(t *testing.T) {
	s, ok := Lookup(StoreDelay)
	require.True(t, ok)
	assert.True(t, s.Latency)
	assert.True(t, s.Disruptive)
	assert.False(t, s.Network, "the proxy is no packet filter: heal does not end it")
	assert.True(t, s.Reaches(Broker))
	assert.True(t, s.Reaches(Database))
	assert.False(t, s.Reaches(ZooKeeper))
	assert.True(t, StoreUndelay.Undoes(StoreDelay))
	assert.False(t, Heal.Undoes(StoreDelay))
	assert.False(t, Restart.Undoes(StoreDelay))
	assert.False(t, StoreUndelay.Undoes(Delay), "the netem delay is healed, not undelayed")
	assert.False(t, StoreUndelay.Lasting())
	for _, o := range Specs() {
		assert.Equal(t, o.Action == StoreDelay, o.Latency, "only store-delay takes latency, not %s", o.Action)
		if len(o.Kinds) > 0 {
			assert.NotEmpty(t, o.KindsWhy, "%s reaches only some kinds and must say why", o.Action)
		}
	}
}

// A full disk takes the store away until freed, and a restart of its node
// does not free it: the filler is on the volume.
func TestDiskFullOutlastsARestart(t *testing.T) {
	s, ok := Lookup(DiskFull)
	require.True(t, ok)
	assert.True(t, s.Disruptive)
	assert.True(t, s.Store)
	assert.Equal(t, DiskFree, DiskFull.Undo())
	assert.True(t, DiskFree.Undoes(DiskFull))
	assert.False(t, Restart.Undoes(DiskFull), "a restarted node finds its store as full")
	assert.False(t, Heal.Undoes(DiskFull))
	assert.True(t, s.Reaches(Database) && s.Reaches(Broker))
	assert.False(t, s.Reaches(ZooKeeper))
}
