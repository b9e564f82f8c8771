package scenario

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/fault"
)

// Exploratory schedules: one fault every 8–20 s, drawn among these
// actions. A kill or stop is undone by "restart previous" 4–12 s later; a
// pause heals itself after 3–10 s. The next fault's interval counts from
// that undo, so "previous" always names the node just faulted and the
// cluster is whole again before it is hit again.
var exploreActions = []fault.Action{ActionKill, ActionStop, ActionPause}

const (
	exploreGapMin, exploreGapMax         = 8 * time.Second, 20 * time.Second
	exploreRestartMin, exploreRestartMax = 4 * time.Second, 12 * time.Second
	explorePauseMin, explorePauseMax     = 3 * time.Second, 10 * time.Second
	// exploreQuiet is the tail of the workload left without faults, so
	// the last one can be recovered from before the producer stops.
	exploreQuiet = 5 * time.Second
	// exploreGrain rounds drawn times, to keep schedules readable.
	exploreGrain = 100 * time.Millisecond
	// exploreStream is the PCG's second seed word: fixed, so a schedule
	// depends on the seed alone.
	exploreStream = 0x616d71686145 // "amqhaE"
)

// Explore builds an exploratory scenario: a random but reproducible fault
// schedule over a workload of the given duration (DefaultDuration if not
// positive), on one profile, drawn from a PCG seeded with seed. Every
// 8–20 s it injects a kill, stop or pause on a target drawn from targets,
// which the caller picks as valid for the profile (e.g. master, slave,
// node:1, node:2, node:3); a pause lasts 3–10 s, a kill or stop is followed
// 4–12 s later by "restart previous". No step (nor a pause's end) comes
// later than 5 s before the workload ends. Expectations are the defaults.
// The same arguments always give the same File; no targets give an empty
// timeline.
//
// The File is named explore-<seed> and has no Path: write YAML() to
// explore-<seed>.yaml to run or keep it like any scenario. Its steps have
// Line 0, not having been read from a file.
func Explore(seed int64, profile string, duration time.Duration, targets []string) *File {
	if duration <= 0 {
		duration = DefaultDuration
	}
	f := &File{
		Name:     fmt.Sprintf("explore-%d", seed),
		Tier:     TierExtended,
		Profiles: []string{profile},
		Seed:     seed,
		Workload: defaultWorkload(),
		Expect:   defaultExpect(),
	}
	f.Workload.Duration = duration
	f.Description = fmt.Sprintf("Exploratory run with seed %d on %s: a random but reproducible schedule\n"+
		"of kill, stop and pause faults every 8-20 s over %s, on targets drawn from\n"+
		"%s; each kill or stop is followed by restart previous.\n"+
		"Expectations are the defaults.\n"+
		"Reproduce with: amqha explore --seed %d --profile %s\n",
		seed, profile, duration, strings.Join(targets, ", "), seed, profile)

	rng := rand.New(rand.NewPCG(uint64(seed), exploreStream))
	limit := duration - exploreQuiet
	var whole time.Duration // when the last fault was undone
	for len(targets) > 0 {
		// Always draw the same four values per fault, so that a schedule's
		// prefix does not depend on where it ends.
		at := whole + draw(rng, exploreGapMin, exploreGapMax)
		action := exploreActions[rng.IntN(len(exploreActions))]
		target := targets[rng.IntN(len(targets))]
		var undo time.Duration
		if action == ActionPause {
			undo = draw(rng, explorePauseMin, explorePauseMax)
		} else {
			undo = draw(rng, exploreRestartMin, exploreRestartMax)
		}
		if at+undo > limit {
			break
		}
		step := Step{At: at, Action: action, Target: exploreTarget(target)}
		if action == ActionPause {
			step.Duration = undo
			f.Timeline = append(f.Timeline, step)
		} else {
			f.Timeline = append(f.Timeline, step, Step{At: at + undo, Action: ActionRestart, Target: fault.Target{Kind: TargetPrevious}})
		}
		whole = at + undo
	}
	return f
}

// exploreTarget parses a caller's target; one it does not parse is kept
// as written, so that Validate names it rather than it being lost.
func exploreTarget(s string) fault.Target {
	if t, err := fault.ParseTarget(s); err == nil {
		return t
	}
	return fault.Target{Kind: fault.TargetKind(s)}
}

// draw picks a duration in [lo, hi] on the exploreGrain grid.
func draw(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.IntN(int((hi-lo)/exploreGrain)+1))*exploreGrain
}
