package scenario

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/fault"
)

// Exploratory schedules are episodes: after 8–20 s of a whole cluster,
// one fault (the episode's main fault) is injected and undone 3–12 s
// later, by its duration or by an explicit undo step. One episode in three
// also has a background fault of another family, self-healing by its
// duration, that starts 1–4 s before the main fault, so a partition meets
// a starved slave or a skewed clock a kill. The background fault starts
// first so that an undo naming "previous" (restart previous after a kill)
// still names the main fault's node. Two network faults never overlap: a
// heal ends every one in effect.
const (
	exploreGapMin, exploreGapMax           = 8 * time.Second, 20 * time.Second
	exploreUndoMin, exploreUndoMax         = 3 * time.Second, 12 * time.Second
	exploreLeadMin, exploreLeadMax         = 1 * time.Second, 4 * time.Second
	exploreBackMin, exploreBackMax         = 4 * time.Second, 15 * time.Second
	exploreSettleMin, exploreSettle        = 2 * time.Second, 6 * time.Second
	exploreBackground                      = 3 // one episode in exploreBackground has a background fault
	exploreQuiet                           = 5 * time.Second
	exploreGrain                           = 100 * time.Millisecond
	exploreStream                   uint64 = 0x616d71686145 // "amqhaE": a fixed second PCG word, so the seed alone decides
)

// exploreCPUs, exploreOffsets and exploreLatencies are the sizes a
// starve, a clock skew and a store delay are drawn from: from a barely
// running node to one at a quarter of a CPU, from a skew under a lease's
// tolerance to one well past it, and from a store delay under the fenced
// lease's 1 s statement timeout to ones past it and past a keep-alive.
var (
	exploreLatencies = []time.Duration{200 * time.Millisecond, 800 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second}
	exploreCPUs      = []float64{0.02, 0.05, 0.1, 0.25}
	exploreOffsets   = []time.Duration{-2 * time.Minute, -30 * time.Second, -5 * time.Second, 5 * time.Second, 30 * time.Second, 2 * time.Minute}
)

// Allow refuses a step a profile cannot run (a db target on shared-kahadb,
// a clock skew under a broker image without libfaketime); the runner's
// validation of a scenario on a profile, one step at a time.
type Allow func(Step) error

// Explore builds an exploratory scenario: a random but reproducible fault
// schedule over a workload of the given duration (DefaultDuration if not
// positive), on one profile, drawn from a PCG seeded with seed. It draws
// from every family of fault in exploreMenu that allow accepts (a nil
// allow accepts all), family first so that a family with few shapes is
// hit as often as one with many. No fault outlives the workload's last
// 5 s. The same arguments always give the same File; an allow that refuses
// everything gives an empty timeline.
//
// The File is named explore-<seed> and has no Path: write YAML() to
// explore-<seed>.yaml to run or keep it like any scenario. Its steps have
// Line 0, not having been read from a file.
func Explore(seed int64, profile string, duration time.Duration, allow Allow) *File {
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
	menu := allowedMenu(allow)
	var names []string
	for _, fam := range menu {
		names = append(names, string(fam.name))
	}
	f.Description = fmt.Sprintf("Exploratory run with seed %d on %s: a random but reproducible schedule\n"+
		"of faults every 8-20 s over %s, some overlapping, drawn from the families\n"+
		"%s;\nevery fault is undone 5 s before the workload ends.\n"+
		"Expectations are the defaults.\n"+
		"Reproduce with: amqha explore --seed %d --profile %s --duration %s\n",
		seed, profile, duration, strings.Join(names, ", "), seed, profile, duration)

	rng := rand.New(rand.NewPCG(uint64(seed), exploreStream))
	limit := duration - exploreQuiet
	var whole time.Duration // when the last episode's faults were all undone
	for len(menu) > 0 {
		e := drawEpisode(rng, menu, whole)
		if e.end > limit {
			break
		}
		f.Timeline = append(f.Timeline, e.steps...)
		whole = e.end
	}
	return f
}

// episode is one main fault, perhaps a background fault, and their undos,
// in time order; end is when the last of them is undone.
type episode struct {
	steps []Step
	end   time.Duration
}

// drawEpisode draws the same number of values whatever it picks, so that a
// schedule's prefix does not depend on where it ends.
func drawEpisode(rng *rand.Rand, menu []family, whole time.Duration) episode {
	at := whole + draw(rng, exploreGapMin, exploreGapMax)
	mainFam := rng.IntN(len(menu))
	main := menu[mainFam].pick(rng)
	undo := draw(rng, exploreUndoMin, exploreUndoMax)
	explicit := rng.IntN(2) == 0
	back := rng.IntN(exploreBackground) == 0
	backFam := rng.IntN(len(menu))
	backStep := menu[backFam].pick(rng)
	lead := draw(rng, exploreLeadMin, exploreLeadMax)
	backFor := draw(rng, exploreBackMin, exploreBackMax)
	settle := draw(rng, exploreSettleMin, exploreSettle)

	var e episode
	back = back && backFam != mainFam && backStep.Action.SelfHealing() &&
		!(isNetwork(main.Action) && isNetwork(backStep.Action))
	if back {
		backStep.At, backStep.Duration = at, backFor
		e.steps = append(e.steps, backStep)
		e.end = at + backFor
		at += lead
	}
	main.At = at
	end := at + undo
	switch {
	case main.Action == ActionRestart:
		e.steps = append(e.steps, main)
		end = at + settle // a restart undoes itself; its node rejoins meanwhile
	case !main.Action.SelfHealing(): // kill, stop
		e.steps = append(e.steps, main, Step{At: end, Action: ActionRestart, Target: fault.Target{Kind: TargetPrevious}})
	case explicit:
		e.steps = append(e.steps, main, undoStep(main.Action, end))
	default:
		main.Duration = undo
		e.steps = append(e.steps, main)
	}
	e.end = max(e.end, end)
	return e
}

// undoStep ends a fault with no duration: heal takes no target (it ends
// every network fault, and only one is ever in effect), the others name
// previous, the node of the fault just before.
func undoStep(a fault.Action, at time.Duration) Step {
	if isNetwork(a) {
		return Step{At: at, Action: ActionHeal}
	}
	return Step{At: at, Action: a.Undo(), Target: fault.Target{Kind: TargetPrevious}}
}

func isNetwork(a fault.Action) bool { s, _ := fault.Lookup(a); return s.Network }

// draw picks a duration in [lo, hi] on the exploreGrain grid.
func draw(rng *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rng.IntN(int((hi-lo)/exploreGrain)+1))*exploreGrain
}
