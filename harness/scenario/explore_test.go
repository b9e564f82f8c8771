package scenario

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var exploreTargets = []string{"master", "slave", "node:1", "node:2", "node:3"}

func TestExplore_SameSeedSameSchedule(t *testing.T) {
	a := Explore(42, ProfileZooKeeper, 2*time.Minute, exploreTargets)
	b := Explore(42, ProfileZooKeeper, 2*time.Minute, exploreTargets)

	if !reflect.DeepEqual(a, b) {
		t.Fatalf("seed 42 twice:\n%s\n%s", a.YAML(), b.YAML())
	}
	if len(a.Timeline) < 4 {
		t.Fatalf("two minutes gave only %d steps", len(a.Timeline))
	}
}

func TestExplore_DifferentSeedsDiffer(t *testing.T) {
	seen := map[string]int64{}
	for seed := range int64(20) {
		f := Explore(seed, ProfileZooKeeper, 2*time.Minute, exploreTargets)
		key := fmt.Sprint(f.Timeline)
		if other, dup := seen[key]; dup {
			t.Fatalf("seeds %d and %d drew the same schedule %s", other, seed, key)
		}
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
			if gap := s.At - whole; gap < 8*time.Second || gap > 20*time.Second {
				t.Fatalf("%s: %s after the cluster was whole, want 8–20s", where, gap)
			}
			if !slices.Contains(exploreTargets, s.Target) {
				t.Fatalf("%s: target not drawn from the list", where)
			}
			switch s.Action {
			case ActionPause:
				if s.Duration < 3*time.Second || s.Duration > 10*time.Second {
					t.Fatalf("%s: pause for %s, want 3–10s", where, s.Duration)
				}
				whole = s.At + s.Duration
			case ActionKill, ActionStop:
				i++
				r := f.Timeline[i]
				if r.Action != ActionRestart || r.Target != TargetPrevious || r.At-s.At < 4*time.Second || r.At-s.At > 12*time.Second {
					t.Fatalf("%s: followed by %s, want restart previous 4–12s later", where, r)
				}
				whole = r.At
			default:
				t.Fatalf("%s: unexpected action", where)
			}
			if whole > duration-5*time.Second {
				t.Fatalf("%s: ends at %s, later than 5s before the end", where, whole)
			}
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
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, f.YAML())
		}
		if !reflect.DeepEqual(withoutLines(back.Timeline), f.Timeline) {
			t.Errorf("seed %d timeline:\ngot  %v\nwant %v", seed, back.Timeline, f.Timeline)
		}
		back.Path, back.Timeline = "", withoutLines(back.Timeline)
		if !reflect.DeepEqual(back, f) {
			t.Errorf("seed %d:\ngot  %+v\nwant %+v", seed, back, f)
		}
		if !strings.Contains(f.Description, fmt.Sprintf("amqha explore --seed %d --profile zookeeper", seed)) {
			t.Errorf("seed %d: description does not say how to reproduce: %s", seed, f.Description)
		}
	}
}

func TestExplore_NoTargetsNoFaults(t *testing.T) {
	f := Explore(1, ProfileJDBC, 0, nil)

	if len(f.Timeline) != 0 || f.Workload.Duration != DefaultDuration {
		t.Fatalf("got %+v", f)
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
expect:
  split-brain-acks: false
  quorum-resume: 0
  max-unavailable: 12s
  duplicates: fail
  failures: [availability, no-duplicates]
  findings: "see #12: true"
`
	f, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("t.yaml", f.YAML())
	if err != nil {
		t.Fatalf("%v\n%s", err, f.YAML())
	}
	f.Timeline, back.Timeline = withoutLines(f.Timeline), withoutLines(back.Timeline)
	if !reflect.DeepEqual(back, f) {
		t.Errorf("got  %+v\nwant %+v\n%s", back, f, f.YAML())
	}
}

func withoutLines(steps []Step) []Step {
	out := slices.Clone(steps)
	for i := range out {
		out[i].Line = 0
	}
	return out
}
