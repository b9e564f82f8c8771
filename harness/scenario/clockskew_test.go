package scenario

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
)

// A clock-skew step carries its signed offset and duration; clock-sync
// ends it by hand.
func TestClockSkewStepsParse(t *testing.T) {
	src := head + `timeline:
  - {at: 10s, action: clock-skew, target: slave, offset: 30s, duration: 20s}
  - {at: 12s, action: clock-skew, target: master, offset: -1m}
  - {at: 14s, action: clock-sync, target: previous}
  - {at: 15s, action: clock-skew, target: broker:3, offset: 5s}
`
	f, err := Parse("scenarios/t.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Timeline, 4)
	assert.Equal(t, fault.ClockSkew, f.Timeline[0].Action)
	assert.Equal(t, 30*time.Second, f.Timeline[0].Offset)
	assert.Equal(t, 20*time.Second, f.Timeline[0].Duration)
	assert.Equal(t, -time.Minute, f.Timeline[1].Offset)
	assert.Equal(t, fault.ClockSync, f.Timeline[2].Action)
	assert.Zero(t, f.Timeline[2].Offset)
	assert.Equal(t, "10s clock-skew slave by +30s for 20s", f.Timeline[0].String())
	assert.Equal(t, "12s clock-skew master by -1m0s", f.Timeline[1].String())
}

// Every misuse of offset and of the broker-only actions is refused on
// its line, under its field.
func TestClockSkewMistakesAreCaught(t *testing.T) {
	step := func(lines string) string { return head + "timeline:\n" + lines }
	cases := []mistake{
		{"offset missing", "", step("  - {at: 1s, action: clock-skew, target: slave}\n"), 5, "timeline[0].offset", "is required for clock-skew"},
		{"offset on kill", "", step("  - {at: 1s, action: kill, target: master, offset: 5s}\n"), 5, "timeline[0].offset", "kill takes no offset"},
		{"offset on clock-sync", "", step("  - {at: 1s, action: clock-sync, target: slave, offset: 5s}\n"), 5, "timeline[0].offset", "clock-sync takes no offset"},
		{"offset zero", "", step("  - {at: 1s, action: clock-skew, target: slave, offset: 0s}\n"), 5, "timeline[0].offset", "must not be 0"},
		{"offset bare zero", "", step("  - {at: 1s, action: clock-skew, target: slave, offset: 0}\n"), 5, "timeline[0].offset", "must not be 0"},
		{"offset not a duration", "", step("  - {at: 1s, action: clock-skew, target: slave, offset: ahead}\n"), 5, "timeline[0].offset", `"ahead" is not a signed duration`},
		{"offset a number", "", step("  - {at: 1s, action: clock-skew, target: slave, offset: 30}\n"), 5, "timeline[0].offset", `"30" is not a signed duration`},
		{"offset below a second", "", step("  - {at: 1s, action: clock-skew, target: slave, offset: 1500ms}\n"), 5, "timeline[0].offset", "not a whole number of seconds"},
		{"skew of ZooKeeper", "", step("  - {at: 1s, action: clock-skew, target: zk:leader, offset: 5s}\n"), 5, "timeline[0].target", "clock-skew acts on broker nodes only"},
		{"skew of the database", "", step("  - {at: 1s, action: clock-skew, target: db, offset: 5s}\n"), 5, "timeline[0].target", "db is a db node"},
		{"skew of a whole host", "", step("  - {at: 1s, action: clock-skew, target: node:1, offset: 5s}\n"), 5, "timeline[0].target", "node:1 is not a broker target"},
		{"skew of previous database", "", step("  - {at: 1s, action: kill, target: db}\n  - {at: 2s, action: clock-skew, target: previous, offset: 5s}\n"), 6, "timeline[1].target", "previous is a db node"},
		{"sync of all", "", step("  - {at: 1s, action: clock-sync, target: all}\n"), 5, "timeline[0].target", "clock-sync acts on broker nodes only"},
		{"duration on clock-sync", "", step("  - {at: 1s, action: clock-sync, target: slave, duration: 5s}\n"), 5, "timeline[0].duration", "clock-sync takes no duration"},
	}
	checkMistakes(t, cases)

}
