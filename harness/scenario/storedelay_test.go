package scenario

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
)

// A store-delay step carries its latency and duration; store-undelay
// ends one by hand, on a broker or on the database.
func TestStoreDelayStepsParse(t *testing.T) {
	src := head + `timeline:
  - {at: 10s, action: store-delay, target: master, latency: 800ms, duration: 15s}
  - {at: 12s, action: store-delay, target: db, latency: 1.5s}
  - {at: 14s, action: store-undelay, target: previous}
  - {at: 15s, action: store-delay, target: broker:3, latency: 2s}
`
	f, err := Parse("scenarios/t.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Timeline, 4)
	assert.Equal(t, fault.StoreDelay, f.Timeline[0].Action)
	assert.Equal(t, 800*time.Millisecond, f.Timeline[0].Latency)
	assert.Equal(t, 1500*time.Millisecond, f.Timeline[1].Latency)
	assert.Zero(t, f.Timeline[2].Latency)
	assert.Equal(t, "10s store-delay master by 800ms for 15s", f.Timeline[0].String())
	assert.True(t, f.DelaysStore())
	f2, err := Parse("scenarios/t.yaml", []byte(head+"timeline:\n  - {at: 1s, action: kill, target: master}\n"))
	require.NoError(t, err)
	assert.False(t, f2.DelaysStore(), "only a store delay asks for the proxied cluster")
}

// Every misuse of latency and of the store actions' targets is refused on
// its line, under its field.
func TestStoreDelayMistakesAreCaught(t *testing.T) {
	step := func(lines string) string { return head + "timeline:\n" + lines }
	cases := []struct {
		name, src  string
		line       int
		field, msg string
	}{
		{"latency missing", step("  - {at: 1s, action: store-delay, target: master}\n"), 5, "timeline[0].latency", "is required for store-delay"},
		{"latency on kill", step("  - {at: 1s, action: kill, target: master, latency: 1s}\n"), 5, "timeline[0].latency", "kill takes no latency"},
		{"latency on the netem delay", step("  - {at: 1s, action: delay, target: master, latency: 1s}\n"), 5, "timeline[0].latency", "delay takes no latency"},
		{"latency on store-undelay", step("  - {at: 1s, action: store-delay, target: master, latency: 1s}\n  - {at: 2s, action: store-undelay, target: previous, latency: 1s}\n"), 6, "timeline[1].latency", "store-undelay takes no latency"},
		{"latency zero", step("  - {at: 1s, action: store-delay, target: master, latency: 0s}\n"), 5, "timeline[0].latency", "must be above 0"},
		{"latency negative", step("  - {at: 1s, action: store-delay, target: master, latency: -800ms}\n"), 5, "timeline[0].latency", "must be above 0"},
		{"latency absurd", step("  - {at: 1s, action: store-delay, target: master, latency: 800s}\n"), 5, "timeline[0].latency", "above 30s"},
		{"latency a number", step("  - {at: 1s, action: store-delay, target: master, latency: 800}\n"), 5, "timeline[0].latency", `"800" is not a duration`},
		{"latency below a millisecond", step("  - {at: 1s, action: store-delay, target: master, latency: 1500us}\n"), 5, "timeline[0].latency", "not a whole number of milliseconds"},
		{"latency empty", step("  - {at: 1s, action: store-delay, target: master, latency: }\n"), 5, "timeline[0].latency", ""},
		{"delay of ZooKeeper", step("  - {at: 1s, action: store-delay, target: zk:leader, latency: 1s}\n"), 5, "timeline[0].target", "store-delay acts on broker, db nodes only"},
		{"delay of a whole host", step("  - {at: 1s, action: store-delay, target: node:1, latency: 1s}\n"), 5, "timeline[0].target", "use master, slave, slaves, broker:N, db, db:N"},
		{"undelay of all", step("  - {at: 1s, action: store-delay, target: db, latency: 1s}\n  - {at: 2s, action: store-undelay, target: all}\n"), 6, "timeline[1].target", "store-undelay acts on broker, db nodes only"},
		{"undelay without a delay", step("  - {at: 1s, action: store-undelay, target: master}\n"), 5, "timeline[0].action", "must follow a store-delay"},
		{"undelay after it ended", step("  - {at: 1s, action: store-delay, target: master, latency: 1s, duration: 2s}\n  - {at: 5s, action: store-undelay, target: previous}\n"), 6, "timeline[1].action", "has already ended itself"},
		{"duration on store-undelay", step("  - {at: 1s, action: store-delay, target: db, latency: 1s}\n  - {at: 2s, action: store-undelay, target: previous, duration: 5s}\n"), 6, "timeline[1].duration", "store-undelay takes no duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := parseErrors(t, "scenarios/t.yaml", c.src)
			require.Len(t, errs, 1, "want 1 error, got:\n%v", &Errors{List: errs})
			assert.Equal(t, c.line, errs[0].Line, "line of %s", errs[0])
			assert.Equal(t, c.field, errs[0].Field, "field of %s", errs[0])
			assert.Contains(t, errs[0].Msg, c.msg, "message of %s", errs[0])
		})
	}
}
