package scenario

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var exploreTargets = []string{"master", "slave", "node:1", "node:2", "node:3"}

func TestExplore_SameSeedSameSchedule(t *testing.T) {
	a := Explore(42, ProfileZooKeeper, 2*time.Minute, exploreTargets)
	b := Explore(42, ProfileZooKeeper, 2*time.Minute, exploreTargets)

	require.Equal(t, a, b, "seed 42 twice:\n%s\n%s", a.YAML(), b.YAML())
	require.GreaterOrEqual(t, len(a.Timeline), 4, "steps in two minutes")
}

func TestExplore_DifferentSeedsDiffer(t *testing.T) {
	seen := map[string]int64{}
	for seed := range int64(20) {
		f := Explore(seed, ProfileZooKeeper, 2*time.Minute, exploreTargets)
		key := fmt.Sprint(f.Timeline)
		require.NotContains(t, seen, key, "seeds %d and %d drew the same schedule %s", seen[key], seed, key)
		seen[key] = seed
	}
}

// Every schedule keeps the rules Explore documents, whatever the seed.
func TestExplore_ScheduleFollowsTheRules(t *testing.T) {
	const duration = 3 * time.Minute
	for seed := range int64(50) {
		f := Explore(seed, ProfileSharedKahaDB, duration, exploreTargets)
		var whole time.Duration
		for i := 0; i < len(f.Timeline); i++ {
			s := f.Timeline[i]
			where := fmt.Sprintf("seed %d step %d (%s)", seed, i, s)
			gap := s.At - whole
			require.GreaterOrEqual(t, gap, 8*time.Second, "%s: time after the cluster was whole, want 8–20s", where)
			require.LessOrEqual(t, gap, 20*time.Second, "%s: time after the cluster was whole, want 8–20s", where)
			require.Contains(t, exploreTargets, s.Target.String(), "%s: target not drawn from the list", where)
			switch s.Action {
			case ActionPause:
				require.GreaterOrEqual(t, s.Duration, 3*time.Second, "%s: pause, want 3–10s", where)
				require.LessOrEqual(t, s.Duration, 10*time.Second, "%s: pause, want 3–10s", where)
				whole = s.At + s.Duration
			case ActionKill, ActionStop:
				i++
				r := f.Timeline[i]
				msg := fmt.Sprintf("%s: followed by %s, want restart previous 4–12s later", where, r)
				require.Equal(t, ActionRestart, r.Action, msg)
				require.Equal(t, TargetPrevious, r.Target.Kind, msg)
				require.GreaterOrEqual(t, r.At-s.At, 4*time.Second, msg)
				require.LessOrEqual(t, r.At-s.At, 12*time.Second, msg)
				whole = r.At
			default:
				require.Failf(t, "unexpected action", "%s: unexpected action", where)
			}
			require.LessOrEqual(t, whole, duration-5*time.Second, "%s: ends later than 5s before the end", where)
		}
	}
}

// An exploratory file is a valid scenario: rendered to YAML, Parse reads it
// back to the same File.
func TestExplore_RoundTripsThroughYAML(t *testing.T) {
	for _, seed := range []int64{0, 7, 1 << 40, -3} {
		f := Explore(seed, ProfileZooKeeper, 90*time.Second, exploreTargets)
		path := fmt.Sprintf("explore-%d.yaml", seed)

		back, err := Parse(path, f.YAML())
		require.NoError(t, err, "seed %d:\n%s", seed, f.YAML())
		assert.Equal(t, f.Timeline, withoutLines(back.Timeline), "seed %d timeline", seed)
		back.Path, back.Timeline = "", withoutLines(back.Timeline)
		assert.Equal(t, f, back, "seed %d", seed)
		assert.Contains(t, f.Description, fmt.Sprintf("amqha explore --seed %d --profile zookeeper", seed),
			"seed %d: description does not say how to reproduce", seed)
	}
}

func TestExplore_NoTargetsNoFaults(t *testing.T) {
	f := Explore(1, ProfileJDBC, 0, nil)

	require.Empty(t, f.Timeline, "got %+v", f)
	require.Equal(t, DefaultDuration, f.Workload.Duration, "got %+v", f)
}

// YAML writes every field, so any parsed scenario survives the trip.
func TestYAML_FullScenarioRoundTrips(t *testing.T) {
	src := head + `seed: 12
workload: {duration: 1m30s, persistent: false, consumer-delay: 500ms}
timeline:
  - {at: 10s, action: kill, target: master}
  - {at: 20s, action: restart, target: previous}
  - {at: 25s, action: partition, target: "zk:2", duration: 5s}
  - {at: 40s, action: heal}
expect:
  split-brain-acks: false
  quorum-resume: 0
  max-unavailable: 12s
  duplicates: fail
  failures: [availability, no-duplicates]
  findings: "see #12: true"
`
	f, err := Parse("t.yaml", []byte(src))
	require.NoError(t, err)
	back, err := Parse("t.yaml", f.YAML())
	require.NoError(t, err, "%s", f.YAML())
	f.Timeline, back.Timeline = withoutLines(f.Timeline), withoutLines(back.Timeline)
	assert.Equal(t, f, back, "%s", f.YAML())
}

func withoutLines(steps []Step) []Step {
	out := slices.Clone(steps)
	for i := range out {
		out[i].Line = 0
	}
	return out
}
