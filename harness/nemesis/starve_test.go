package nemesis

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/scenario"
)

// A starve step's share reaches the family that applies it.
func TestAStarveCarriesItsCPUs(t *testing.T) {
	f, err := (&Nemesis{}).fault(scenario.Step{Action: fault.Starve, Target: fault.MustTarget("master"), CPUs: 0.05})
	require.NoError(t, err)
	require.IsType(t, starve{}, f)
	assert.InDelta(t, 0.05, f.(starve).cpus, 1e-12)
	u, err := (&Nemesis{}).fault(scenario.Step{Action: fault.Unstarve})
	require.NoError(t, err)
	assert.IsType(t, unstarve{}, u)
	assert.Equal(t, "cpus 0.05", cpusDetail(0.05))
}

// A starve stays open through a restart of its node (the quota outlives
// it) and ends with the unstarve, whose end is the starve's end.
func TestAStarveEndsOnlyWithItsUnstarve(t *testing.T) {
	rec := history.NewRecorder()
	n := &Nemesis{rec: rec, open: openFaults{}}
	start := func(step int, a fault.Action) history.Event {
		return rec.Event(history.Event{Type: history.FaultEvent, Phase: history.PhaseStart, Step: step, Action: a, Nodes: []string{"broker1"}})
	}
	n.settle(start(1, fault.Starve), time.Now(), nil)
	n.settle(start(2, fault.Restart), time.Now(), nil)
	assert.True(t, n.open.heldBy("broker1", fault.Unstarve), "a restart ended a starve whose quota it keeps")
	n.settle(start(3, fault.Unstarve), time.Now(), nil)
	assert.False(t, n.open.heldBy("broker1", fault.Unstarve), "unstarve left its starve open")
	var ended []int
	for _, ev := range rec.Snapshot().Events {
		if ev.Phase == history.PhaseEnd {
			ended = append(ended, ev.Step)
		}
	}
	assert.Equal(t, []int{2, 1, 3}, ended, "the starve ends with the unstarve, not with the restart")
}

// The check before a run accepts a starve on every profile's nodes and
// refuses one on nodes the profile lacks, as any other action.
func TestCheckTakesAStarve(t *testing.T) {
	assert.NoError(t, Check(kahadb, fault.Starve, fault.MustTarget("master")))
	assert.Error(t, Check(kahadb, fault.Starve, fault.MustTarget("zk:leader")))
}
