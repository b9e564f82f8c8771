package nemesis

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// fakeNet lands at fixed moments, as a network fault's containers would.
type fakeNet struct{ l landing }

func (f fakeNet) Apply(context.Context, []*cluster.Node) error { return nil }

func (f fakeNet) applyTimed(context.Context, []*cluster.Node) (landing, error) { return f.l, nil }

func TestNetworkFaultsAreStampedWhenTheirRulesLanded(t *testing.T) {
	n := &Nemesis{rec: history.NewRecorder(), open: openFaults{}}
	t0 := time.Now().Add(-time.Minute)
	cut := landing{first: t0, last: t0.Add(40 * time.Millisecond)}
	cut1 := history.Event{Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1, Action: "partition", Nodes: []string{"zk1"}}
	ev, done, err := n.inject(context.Background(), fakeNet{cut}, cut1, nil)
	require.NoError(t, err)
	n.settle(ev, done, err)
	assert.Equal(t, cut.first, ev.Time, "a partition starts when its first cut holds")
	assert.Regexp(t, `^injected in \d+(ms|µs|ns|s); cuts landed within 40ms$`, ev.Detail)

	healed := landing{first: t0.Add(time.Second), last: t0.Add(time.Second + 25*time.Millisecond)}
	hev, done, err := n.inject(context.Background(), fakeNet{healed},
		history.Event{Type: history.FaultEvent, Phase: history.PhaseStart, Step: 2, Action: "heal", Nodes: []string{"zk1"}}, nil)
	require.NoError(t, err)
	n.settle(hev, done, err)
	assert.Contains(t, hev.Detail, "rules gone within 25ms")

	events := n.rec.Snapshot().Events
	require.Len(t, events, 4)
	ends := map[fault.Action]time.Time{}
	for _, e := range events[2:] {
		require.Equal(t, history.PhaseEnd, e.Phase)
		ends[e.Action] = e.Time
	}
	assert.Equal(t, healed.last, ends["partition"], "a partition ends when the heal's last rule is gone")
	assert.Equal(t, healed.last, ends["heal"])
	assert.Empty(t, n.open)
}

// A fault that never ran an exec (nobody to cut) keeps the old stamp: the
// moment the call returned.
func TestAFaultWithoutLandingsIsStampedOnReturn(t *testing.T) {
	n := &Nemesis{rec: history.NewRecorder(), open: openFaults{}}
	before := time.Now()
	ev, done, err := n.inject(context.Background(), fakeNet{}, history.Event{Type: history.FaultEvent, Action: "partition"}, nil)
	require.NoError(t, err)
	assert.False(t, ev.Time.Before(before))
	assert.False(t, done.Before(before))
	assert.NotContains(t, ev.Detail, "landed")
}

func TestLandingSpansTheEarliestAndLatest(t *testing.T) {
	t0 := time.Now()
	var l landing
	for _, d := range []time.Duration{30, 10, 50, 20} {
		l.add(t0.Add(d * time.Millisecond))
	}
	assert.Equal(t, t0.Add(10*time.Millisecond), l.first)
	assert.Equal(t, t0.Add(50*time.Millisecond), l.last)
	assert.Equal(t, 40*time.Millisecond, l.spread())
}
