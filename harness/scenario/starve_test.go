package scenario

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
)

// A starve names the share of a CPU it leaves, lasts its duration, and
// can be lifted early by an unstarve of the same node.
func TestStarveParses(t *testing.T) {
	src := head + "timeline:\n" +
		"  - {at: 10s, action: starve, target: master, cpus: 0.05, duration: 15s}\n" +
		"  - {at: 30s, action: starve, target: zk:leader, cpus: 1}\n" +
		"  - {at: 35s, action: unstarve, target: previous}\n"
	f, err := Parse("scenarios/t.yaml", []byte(src))
	require.NoError(t, err)
	require.Len(t, f.Timeline, 3)
	s := f.Timeline[0]
	assert.Equal(t, fault.Starve, s.Action)
	assert.InDelta(t, 0.05, s.CPUs, 1e-12)
	assert.Equal(t, 15*time.Second, s.Duration)
	assert.Equal(t, "10s starve master to 0.05 cpus for 15s", s.String())
	assert.InDelta(t, 1.0, f.Timeline[1].CPUs, 1e-12, "a whole number is a share too")
	assert.Zero(t, f.Timeline[2].CPUs)
}

// Each mistake in a starve is refused on its line, under its field.
func TestStarveMistakesAreCaught(t *testing.T) {
	defer func(old func() int) { hostCPUs = old }(hostCPUs)
	hostCPUs = func() int { return 2 }
	step := func(lines string) string { return head + "timeline:\n" + lines }
	cases := []mistake{
		{"missing cpus", "", step("  - at: 1s\n    action: starve\n    target: master\n"), 5, "timeline[0].cpus", "is required for starve"},
		{"cpus on kill", "", step("  - at: 1s\n    action: kill\n    target: master\n    cpus: 0.5\n"), 8, "timeline[0].cpus", "kill takes no cpus"},
		{"cpus on unstarve", "", step("  - {at: 1s, action: starve, target: master, cpus: 0.1}\n  - {at: 2s, action: unstarve, target: previous, cpus: 1}\n"), 6, "timeline[1].cpus", "unstarve takes no cpus"},
		{"cpus zero", "", step("  - {at: 1s, action: starve, target: master, cpus: 0}\n"), 5, "timeline[0].cpus", "0 must be greater than 0"},
		{"cpus negative", "", step("  - {at: 1s, action: starve, target: master, cpus: -0.1}\n"), 5, "timeline[0].cpus", "-0.1 must be greater than 0"},
		{"cpus below the kernel's least quota", "", step("  - {at: 1s, action: starve, target: master, cpus: 0.0001}\n"), 5, "timeline[0].cpus", "0.0001 is below 0.001"},
		{"cpus the whole host", "", step("  - {at: 1s, action: starve, target: master, cpus: 2}\n"), 5, "timeline[0].cpus", "not below this host's 2 CPUs"},
		{"cpus quoted", "", step("  - {at: 1s, action: starve, target: master, cpus: \"0.05\"}\n"), 5, "timeline[0].cpus", `must be a number such as 0.05, got the string "0.05"`},
		{"cpus a percentage", "", step("  - {at: 1s, action: starve, target: master, cpus: 5%}\n"), 5, "timeline[0].cpus", "must be a number"},
		{"cpus not a number", "", step("  - {at: 1s, action: starve, target: master, cpus: .nan}\n"), 5, "timeline[0].cpus", "is not a number"},
		{"cpus without a value", "", step("  - {at: 1s, action: starve, target: master, cpus: }\n"), 5, "timeline[0].cpus", "has no value"},
		{"unstarve without starve", "", step("  - {at: 1s, action: pause, target: master}\n  - {at: 2s, action: unstarve, target: previous}\n"), 6, "timeline[1].action", "unstarve must follow a starve, but no earlier step starves anything"},
		{"unstarve after a timed starve ended", "", step("  - {at: 1s, action: starve, target: master, cpus: 0.1, duration: 2s}\n  - {at: 5s, action: unstarve, target: previous}\n"), 6, "timeline[1].action", "the starve on line 5 has already lifted its quota itself"},
		{"resume of a starve", "", step("  - {at: 1s, action: starve, target: master, cpus: 0.1}\n  - {at: 2s, action: resume, target: previous}\n"), 6, "timeline[1].action", "resume must follow a pause"},
		{"unstarve without target", "", step("  - {at: 1s, action: starve, target: master, cpus: 0.1}\n  - {at: 2s, action: unstarve}\n"), 6, "timeline[1].target", "is required for unstarve"},
		{"duration on unstarve", "", step("  - {at: 1s, action: starve, target: master, cpus: 0.1}\n  - {at: 2s, action: unstarve, target: previous, duration: 1s}\n"), 6, "timeline[1].duration", "unstarve takes no duration"},
	}
	checkMistakes(t, cases)

}
