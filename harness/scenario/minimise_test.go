package scenario

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/fault"
)

func sec(n int) time.Duration { return time.Duration(n) * time.Second }

// holds reports whether f's timeline has a step at each of the times.
func holds(f *File, ats ...time.Duration) bool {
	for _, at := range ats {
		if !slices.ContainsFunc(f.Timeline, func(s Step) bool { return s.At == at }) {
			return false
		}
	}
	return true
}

func minimiseInput(steps ...Step) *File {
	f := Explore(9, ProfileReplicated, 2*time.Minute, func(Step) error { return errors.New("none") })
	f.Path, f.Timeline = "explore-9.yaml", steps
	return f
}

// Six independent faults, of which only the 2nd and 5th together fail:
// exactly those two are left.
func TestMinimise_KeepsOnlyTheFaultsThatFailTogether(t *testing.T) {
	var steps []Step
	for i := 1; i <= 6; i++ {
		steps = append(steps, Step{At: sec(10 * i), Action: ActionPause, Target: fault.MustTarget("slave"), Duration: sec(3)})
	}
	f := minimiseInput(steps...)
	var trials []Trial
	got, err := Minimise(f, "explore-9-min", func(c *File) (bool, error) { return holds(c, sec(20), sec(50)), nil },
		func(tr Trial) { trials = append(trials, tr) })

	require.NoError(t, err)
	assert.Equal(t, []Step{steps[1], steps[4]}, got.Timeline)
	assert.Equal(t, "explore-9-min", got.Name)
	assert.Empty(t, got.Path, "a minimised file is not the file it came from")
	assert.Len(t, f.Timeline, 6, "the input must be left alone")
	// A pass over the six, then one over the two left, which drops nothing.
	require.Len(t, trials, 8)
	assert.Equal(t, 1, trials[0].N)
	assert.Equal(t, []Step{steps[5]}, trials[0].Dropped)
	assert.True(t, trials[0].Failed)
	assert.False(t, trials[6].Failed || trials[7].Failed, "the second pass must keep both")
}

// A fault's undo steps go with it, and a previous never outlives the step
// it names, so every candidate still parses.
func TestMinimise_UndoStaysWithItsFault(t *testing.T) {
	f := minimiseInput(
		Step{At: sec(5), Action: ActionStarve, Target: fault.MustTarget("slave"), CPUs: 0.05, Duration: sec(30)},
		Step{At: sec(10), Action: ActionKill, Target: fault.MustTarget("master")},
		Step{At: sec(15), Action: ActionRestart, Target: fault.Target{Kind: TargetPrevious}},
		Step{At: sec(20), Action: ActionPartition, Target: fault.MustTarget("db")},
		Step{At: sec(22), Action: ActionPause, Target: fault.MustTarget("zk:leader")},
		Step{At: sec(24), Action: ActionResume, Target: fault.Target{Kind: TargetPrevious}},
		Step{At: sec(30), Action: ActionHeal},
	)
	fails := func(c *File) (bool, error) {
		c.Path = "explore-9-min.yaml"
		if _, err := Parse(c.Path, c.YAML()); err != nil {
			return false, err // a candidate that does not parse is a bug
		}
		return holds(c, sec(10)), nil
	}
	got, err := Minimise(f, "explore-9-min", fails, nil)

	require.NoError(t, err)
	assert.Equal(t, f.Timeline[1:3], got.Timeline, "the kill and its restart previous")

	got, err = Minimise(f, "explore-9-min", func(c *File) (bool, error) {
		_, err := fails(c)
		return err == nil && holds(c, sec(30)), err
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, []Step{f.Timeline[3], f.Timeline[6]}, got.Timeline, "the partition and its heal")
}

// A verdict function that never fails drops nothing; one that errors ends
// the minimisation with the error and the smallest failing file so far.
func TestMinimise_NeverFailingAndErrors(t *testing.T) {
	f := minimiseInput(
		Step{At: sec(10), Action: ActionPause, Target: fault.MustTarget("master"), Duration: sec(3)},
		Step{At: sec(20), Action: ActionPause, Target: fault.MustTarget("slave"), Duration: sec(3)},
	)
	got, err := Minimise(f, "m", func(*File) (bool, error) { return false, nil }, nil)
	require.NoError(t, err)
	assert.Equal(t, f.Timeline, got.Timeline)

	boom := errors.New("docker went away")
	got, err = Minimise(f, "m", func(*File) (bool, error) { return false, boom }, nil)
	require.ErrorIs(t, err, boom)
	assert.Equal(t, f.Timeline, got.Timeline)
}

func TestFaultGroups(t *testing.T) {
	prev := fault.Target{Kind: TargetPrevious}
	steps := []Step{
		{Action: ActionPartition, Target: fault.MustTarget("master")}, // 0
		{Action: ActionKill, Target: fault.MustTarget("slave")},       // 1
		{Action: ActionRestart, Target: prev},                         // 2: the kill's
		{Action: ActionHeal},                                          // 3: the partition's
		{Action: ActionStop, Target: fault.MustTarget("db")},          // 4
		{Action: ActionStart, Target: prev},                           // 5
		{Action: ActionRestart, Target: prev},                         // 6: the stop's too
	}
	assert.Equal(t, [][]int{{0, 3}, {1, 2}, {4, 5, 6}}, faultGroups(steps))
}
