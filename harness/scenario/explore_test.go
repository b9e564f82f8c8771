package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
)

// noDB refuses what a profile without a database or ensemble refuses, as
// the runner's validation of shared-kahadb does.
func noDB(s Step) error {
	if k, ok := s.Target.Needs(); ok && k != fault.Broker {
		return errors.New("no such nodes")
	}
	if s.From != "" && s.From != fault.Broker {
		return errors.New("no such peers")
	}
	return nil
}

func TestExplore_SameSeedSameSchedule(t *testing.T) {
	a := Explore(42, ProfileReplicated, 2*time.Minute, nil)
	b := Explore(42, ProfileReplicated, 2*time.Minute, nil)

	require.True(t, bytes.Equal(a.YAML(), b.YAML()), "seed 42 twice:\n%s\n%s", a.YAML(), b.YAML())
	require.GreaterOrEqual(t, len(a.Timeline), 4, "steps in two minutes")
}

func TestExplore_DifferentSeedsDiffer(t *testing.T) {
	seen := map[string]int64{}
	for seed := range int64(30) {
		f := Explore(seed, ProfileReplicated, 2*time.Minute, nil)
		key := fmt.Sprint(f.Timeline)
		require.NotContains(t, seen, key, "seeds %d and %d drew the same schedule %s", seen[key], seed, key)
		seen[key] = seed
	}
}

// Over a few seeds every family is drawn, in every kind of target shape,
// and some faults overlap.
func TestExplore_DrawsFromEveryFamily(t *testing.T) {
	actions := map[fault.Action]bool{}
	shapes := map[string]bool{}
	overlaps, explicit := 0, 0
	for seed := range int64(60) {
		f := Explore(seed, ProfileReplicated, 3*time.Minute, nil)
		for i, s := range f.Timeline {
			actions[s.Action] = true
			shapes[string(s.Target.Kind)] = true
			if s.From != "" {
				shapes["from"] = true
			}
			if s.Duration > 0 && i+1 < len(f.Timeline) && f.Timeline[i+1].At < s.At+s.Duration {
				overlaps++
			}
			if s.Target.Kind == TargetPrevious || s.Action == ActionHeal {
				explicit++
			}
		}
	}
	for _, a := range []fault.Action{ActionKill, ActionStop, ActionPause, ActionRestart, ActionPartition, ActionLoss, ActionStarve, fault.ClockSkew,
		fault.DiskFull, ActionResume, ActionHeal, ActionUnstarve, fault.ClockSync, fault.DiskFree} {
		assert.True(t, actions[a], "no %s drawn in 60 seeds", a)
	}
	for _, k := range []string{"master", "slave", "zk:leader", "db", "node", "minority", "majority", "bridge", "from", "previous"} {
		assert.True(t, shapes[k], "no %s target drawn in 60 seeds", k)
	}
	assert.Positive(t, overlaps, "no overlapping faults in 60 seeds")
	assert.Positive(t, explicit, "no explicit undo step in 60 seeds")
}

// Only what allow accepts is drawn; refusing everything draws nothing.
func TestExplore_DrawsOnlyWhatAllowAccepts(t *testing.T) {
	for seed := range int64(40) {
		f := Explore(seed, ProfileSharedKahaDB, 3*time.Minute, noDB)
		require.NotEmpty(t, f.Timeline, "seed %d", seed)
		for _, s := range f.Timeline {
			if s.Target.Kind != TargetPrevious {
				require.NoError(t, noDB(s), "seed %d: %s drawn on a profile that refuses it", seed, s)
			}
		}
	}
	none := Explore(1, ProfileJDBC, 0, func(Step) error { return errors.New("refused") })
	require.Empty(t, none.Timeline, "got %+v", none)
	require.Equal(t, DefaultDuration, none.Workload.Duration)
}

// Every fault is undone before the quiet tail: a kill or stop by the
// restart right after it, the rest by their duration or an undo step; two
// network faults never overlap.
func TestExplore_EveryFaultUndoneBeforeTheTail(t *testing.T) {
	const duration = 3 * time.Minute
	limit := duration - 5*time.Second
	for seed := range int64(80) {
		f := Explore(seed, ProfileReplicated, duration, nil)
		var netUntil time.Duration
		for i := 0; i < len(f.Timeline); i++ {
			s := f.Timeline[i]
			where := fmt.Sprintf("seed %d step %d (%s)", seed, i, s)
			require.LessOrEqual(t, s.At+s.Duration, limit, "%s: ends in the quiet tail", where)
			if isNetwork(s.Action) && s.Action != ActionHeal {
				require.GreaterOrEqual(t, s.At, netUntil, "%s: overlaps another network fault", where)
				netUntil = s.At + s.Duration
				if s.Duration == 0 {
					netUntil = limit + 1
				}
			}
			if s.Action == ActionHeal {
				netUntil = 0
			}
			if s.Duration > 0 || s.Target.Kind == TargetPrevious || s.Action == ActionHeal || s.Action == ActionRestart {
				continue
			}
			// A fault without a duration: its undo comes right after it.
			require.Less(t, i+1, len(f.Timeline), "%s: never undone", where)
			u := f.Timeline[i+1]
			if isNetwork(s.Action) {
				require.Equal(t, ActionHeal, u.Action, "%s: followed by %s", where, u)
			} else {
				require.True(t, u.Action.Undoes(s.Action) && u.Target.Kind == TargetPrevious, "%s: followed by %s", where, u)
			}
			gap := u.At - s.At
			require.True(t, gap >= 3*time.Second && gap <= 12*time.Second, "%s: undone %s later, want 3-12s", where, gap)
		}
	}
}

// An exploratory file is a valid scenario: rendered to YAML, Parse reads it
// back to the same File.
func TestExplore_RoundTripsThroughYAML(t *testing.T) {
	for _, seed := range []int64{0, 7, 1 << 40, -3, 11, 12, 13, 14} {
		f := Explore(seed, ProfileReplicated, 90*time.Second, nil)
		path := fmt.Sprintf("explore-%d.yaml", seed)

		back, err := Parse(path, f.YAML())
		require.NoError(t, err, "seed %d:\n%s", seed, f.YAML())
		assert.Equal(t, f.Timeline, withoutLines(back.Timeline), "seed %d timeline", seed)
		back.Path, back.Timeline = "", withoutLines(back.Timeline)
		assert.Equal(t, f, back, "seed %d", seed)
		assert.Contains(t, f.Description, fmt.Sprintf("amqha explore --seed %d --profile replicated", seed),
			"seed %d: description does not say how to reproduce", seed)
	}
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
  - {at: 41s, action: starve, target: slave, cpus: 0.05, duration: 5s}
  - {at: 42s, action: clock-skew, target: master, offset: -30s, duration: 5s}
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
