package report

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// A full disk is drawn as a disruptive band from the fill to the free,
// and its tooltip says how full the store was left.
func TestADiskFullIsADisruptiveBandWithItsStore(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 16, 0, 0, 0, time.UTC)
	ax := NewAxis(t0, t0.Add(45*time.Second), 45)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	events := []history.Event{
		{Time: at(10), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1, Action: fault.DiskFull, Target: "db",
			Nodes: []string{"db"}, Detail: "injected in 283ms; db store amqha-x-db-store full (256 MiB volume, 0 bytes free)"},
		{Time: at(25), Type: history.FaultEvent, Phase: history.PhaseStart, Step: 1, Action: fault.DiskFree, Target: "previous",
			Nodes: []string{"db"}, Detail: "automatic, after 15s"},
		{Time: at(25), Type: history.FaultEvent, Phase: history.PhaseEnd, Step: 1, Action: fault.DiskFull, Nodes: []string{"db"}},
		{Time: at(25), Type: history.FaultEvent, Phase: history.PhaseEnd, Step: 1, Action: fault.DiskFree, Nodes: []string{"db"}},
	}
	bands := FaultBands(events[:1], ax)
	require.Len(t, bands, 1)
	assert.False(t, bands[0].Ended, "a disk never freed stays full to the end of the axis")
	// The automatic free is recorded under the disk-full's step: it must
	// not take the fill's end, which left the fill "never ended".
	bands = FaultBands(events, ax)
	require.Len(t, bands, 2)
	assert.Equal(t, fault.DiskFree, bands[1].Action)
	assert.True(t, bands[1].Ended)
	b := bands[0]
	assert.True(t, b.Disruptive)
	assert.True(t, b.Ended)
	assert.Equal(t, 10*time.Second, b.From)
	assert.Equal(t, 25*time.Second, b.To)
	assert.Equal(t, "disk-full db", b.Label)
	tl := buildTimeline(ax, nil, nil, bands[:1], nil)
	require.Len(t, tl.Bands, 1)
	assert.Equal(t, "band disruptive", tl.Bands[0].Class)
	assert.Contains(t, tl.Bands[0].Title, "0 bytes free")
}
