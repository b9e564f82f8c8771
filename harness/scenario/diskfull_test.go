package scenario

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
)

// A disk-full lasts its duration or until a disk-free of the same node,
// and only a timeline with one needs sized stores.
func TestDiskFullParses(t *testing.T) {
	src := head + "timeline:\n" +
		"  - {at: 10s, action: disk-full, target: master, duration: 15s}\n" +
		"  - {at: 30s, action: disk-full, target: db:2}\n" +
		"  - {at: 35s, action: disk-free, target: previous}\n"
	f, err := Parse("scenarios/t.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Timeline, 3)
	assert.Equal(t, fault.DiskFull, f.Timeline[0].Action)
	assert.Equal(t, 15*time.Second, f.Timeline[0].Duration)
	assert.True(t, f.FillsStore())

	g, err := Parse("scenarios/t.yaml", []byte(head+"timeline:\n  - {at: 10s, action: kill, target: master}\n"))
	require.NoError(t, err)
	assert.False(t, g.FillsStore(), "a kill keeps today's stores")
}

// Each mistake in a disk-full is refused on its line, under its field.
func TestDiskFullMistakesAreCaught(t *testing.T) {
	step := func(lines string) string { return head + "timeline:\n" + lines }
	cases := []mistake{
		{"a ZooKeeper server has no store", "", step("  - {at: 1s, action: disk-full, target: zk:leader}\n"), 5, "timeline[0].target",
			"disk-full acts on broker, db nodes only (only a broker's shared KahaDB volume or a database's data directory"},
		{"a whole host is no one store", "", step("  - {at: 1s, action: disk-full, target: node:1}\n"), 5, "timeline[0].target", "node:1 is not a broker, db target"},
		{"disk-free without disk-full", "", step("  - {at: 1s, action: pause, target: master}\n  - {at: 2s, action: disk-free, target: previous}\n"), 6,
			"timeline[1].action", "disk-free must follow a disk-full, but no earlier step fills anything"},
		{"disk-free after a timed disk-full ended", "", step("  - {at: 1s, action: disk-full, target: db, duration: 2s}\n  - {at: 5s, action: disk-free, target: previous}\n"), 6,
			"timeline[1].action", "the disk-full on line 5 has already freed its store itself"},
		{"duration on disk-free", "", step("  - {at: 1s, action: disk-full, target: db}\n  - {at: 2s, action: disk-free, target: previous, duration: 1s}\n"), 6,
			"timeline[1].duration", "disk-free takes no duration"},
		{"cpus on disk-full", "", step("  - {at: 1s, action: disk-full, target: db, cpus: 0.5}\n"), 5, "timeline[0].cpus", "disk-full takes no cpus"},
	}
	checkMistakes(t, cases)
}
