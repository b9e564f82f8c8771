package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// A starve is drawn as a disruptive band from its start to its unstarve,
// and its tooltip says how much CPU the node was left.
func TestAStarveIsADisruptiveBandWithItsCPUs(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	ax := NewAxis(t0, t0.Add(40*time.Second), 40)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	events := []history.Event{
		{Time: at(10), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1, Action: fault.Starve, Target: "master",
			Nodes: []string{"broker1"}, Detail: "cpus 0.05; injected in 12ms"},
		{Time: at(25), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1, Action: fault.Unstarve, Target: "previous",
			Nodes: []string{"broker1"}},
		{Time: at(25), Type: history.FaultEvent, Phase: history.PhaseEnd, Step: 1, Action: fault.Starve, Nodes: []string{"broker1"}},
	}
	bands := FaultBands(events[:1], ax)
	require.Len(t, bands, 1)
	assert.False(t, bands[0].Ended, "a starve without its end runs to the end of the axis")
	bands = FaultBands([]history.Event{events[0], events[2]}, ax)
	require.Len(t, bands, 1)
	b := bands[0]
	assert.True(t, b.Disruptive)
	assert.True(t, b.Ended)
	assert.Equal(t, 10*time.Second, b.From)
	assert.Equal(t, 25*time.Second, b.To)
	assert.Equal(t, "starve broker1", b.Label)
	tl := buildTimeline(ax, nil, nil, bands, nil)
	require.Len(t, tl.Bands, 1)
	assert.Equal(t, "band disruptive", tl.Bands[0].Class)
	assert.Contains(t, tl.Bands[0].Title, "cpus 0.05")
}

// A store delay is drawn as a disruptive band on its target, from its
// start to its store-undelay, and its tooltip names the latency.
func TestAStoreDelayIsADisruptiveBandWithItsLatency(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	ax := NewAxis(t0, t0.Add(40*time.Second), 40)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	events := []history.Event{
		{Time: at(10), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1, Action: fault.StoreDelay, Target: "db",
			Nodes: []string{"db"}, Detail: "latency 1.5s (proxy re-reads within 100ms); injected in 69ms"},
		{Time: at(25), Type: history.FaultEvent, Phase: history.PhaseEnd, Step: 1, Action: fault.StoreDelay, Nodes: []string{"db"}},
	}
	bands := FaultBands(events, ax)
	require.Len(t, bands, 1)
	b := bands[0]
	assert.True(t, b.Disruptive)
	assert.True(t, b.Ended)
	assert.Equal(t, 10*time.Second, b.From)
	assert.Equal(t, 25*time.Second, b.To)
	assert.Equal(t, "store-delay db", b.Label)
	tl := buildTimeline(ax, nil, nil, bands, nil)
	require.Len(t, tl.Bands, 1)
	assert.Equal(t, "band disruptive", tl.Bands[0].Class)
	assert.Contains(t, tl.Bands[0].Title, "latency 1.5s")
}
