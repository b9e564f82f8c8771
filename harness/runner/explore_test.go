package runner

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/scenario"
)

func exploreOptions(t *testing.T, runs int) ExploreOptions {
	dir := t.TempDir()
	return ExploreOptions{Seed: 1, Runs: runs, Profile: "replicated", Duration: 2 * time.Minute,
		Out: dir, TrialDir: filepath.Join(dir, "run"), Minimise: true}
}

// A verdict that never fails: every seed runs once, nothing is minimised,
// and the batch says so explicitly.
func TestExplore_NoFailingSeed(t *testing.T) {
	o := exploreOptions(t, 3)
	var seeds []string
	pass := func(f *scenario.File, dir string) (Verdict, error) {
		seeds = append(seeds, f.Name)
		assert.FileExists(t, f.Path)
		return Verdict{}, nil
	}
	var say, end bytes.Buffer
	results, err := Explore(context.Background(), o, pass, &say)
	require.NoError(t, err)

	assert.Equal(t, []string{"explore-1", "explore-2", "explore-3"}, seeds, "seeds S..S+N-1, each once")
	assert.Equal(t, ExitPass, PrintBatch(&end, results))
	assert.Contains(t, end.String(), "explore: no failing seed")
	matches, _ := filepath.Glob(filepath.Join(o.Out, "*-min.yaml"))
	assert.Empty(t, matches)
}

// A seed fails only while its first fault is in the schedule: the batch
// names it, and its reproducer holds that fault (with its undo) alone,
// parses and validates.
func TestExplore_FailingSeedIsMinimised(t *testing.T) {
	o := exploreOptions(t, 2)
	full, err := ExploreSchedule(2, o.Profile, o.Duration)
	require.NoError(t, err)
	culprit := full.Timeline[0]
	runs := 0
	fake := func(f *scenario.File, dir string) (Verdict, error) {
		runs++
		if f.Seed == 2 && slices.Contains(f.Timeline, culprit) {
			return Verdict{Failed: []string{"no-loss", "availability"}}, nil
		}
		return Verdict{}, nil
	}
	var say, end bytes.Buffer
	results, err := Explore(context.Background(), o, fake, &say)
	require.NoError(t, err)

	require.Len(t, results, 2)
	r := results[1]
	assert.Equal(t, []string{"no-loss", "availability"}, r.Failed)
	assert.Equal(t, filepath.Join(o.Out, "explore-2-min.yaml"), r.Minimised)
	min, err := scenario.Load(r.Minimised)
	require.NoError(t, err, "the reproducer must be a valid scenario")
	require.NoError(t, Validate(min, o.Profile))
	assert.Equal(t, culprit, withoutLine(min.Timeline[0]))
	assert.LessOrEqual(t, len(min.Timeline), 2, "the fault and at most its undo: %v", min.Timeline)
	assert.Contains(t, say.String(), "explore: seed 2 trial 1 without [")
	assert.Contains(t, say.String(), "still fails: dropped")
	assert.Contains(t, say.String(), "passed: the fault is needed, kept")
	assert.Greater(t, runs, 3)

	assert.Equal(t, ExitFail, PrintBatch(&end, results))
	assert.Contains(t, end.String(), "seed 2 failed no-loss, availability")
	assert.Contains(t, end.String(), r.Minimised)
	assert.NotContains(t, end.String(), "no failing seed")
}

// A trial that fails other checks than the seed did is not the same
// failure: nothing is dropped for it.
func TestExplore_OtherChecksAreNotTheSameFailure(t *testing.T) {
	o := exploreOptions(t, 1)
	fake := func(f *scenario.File, dir string) (Verdict, error) {
		if f.Name == "explore-1" {
			return Verdict{Failed: []string{"single-master"}}, nil
		}
		return Verdict{Failed: []string{"availability"}}, nil
	}
	results, err := Explore(context.Background(), o, fake, &bytes.Buffer{})
	require.NoError(t, err)
	assert.Equal(t, results[0].Steps, results[0].MinSteps, "dropped a fault for a different failure")
}

// A seed that cannot run, or a trial that cannot, is reported as such;
// the batch goes on and exits 1.
func TestExplore_RunErrors(t *testing.T) {
	o := exploreOptions(t, 2)
	boom := errors.New("docker went away")
	fake := func(f *scenario.File, dir string) (Verdict, error) {
		switch {
		case f.Name == "explore-1":
			return Verdict{}, boom
		case f.Name == "explore-2":
			return Verdict{Failed: []string{"no-loss"}}, nil
		}
		return Verdict{}, boom // every trial
	}
	results, err := Explore(context.Background(), o, fake, &bytes.Buffer{})
	require.NoError(t, err)
	require.ErrorIs(t, results[0].Err, boom)
	require.ErrorIs(t, results[1].Err, boom)
	assert.FileExists(t, results[1].Minimised, "the smallest failing schedule so far is kept")

	var end bytes.Buffer
	assert.Equal(t, ExitFail, PrintBatch(&end, results))
	assert.Contains(t, end.String(), "seed 1 could not run: docker went away")
	assert.Contains(t, end.String(), "seed 2 failed no-loss")

	_, err = Explore(context.Background(), ExploreOptions{Runs: 1, Profile: "nope", Out: o.Out}, fake, &bytes.Buffer{})
	assert.Error(t, err, "unknown profile")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Explore(ctx, o, fake, &bytes.Buffer{})
	assert.ErrorIs(t, err, context.Canceled)
}

func withoutLine(s scenario.Step) scenario.Step { s.Line = 0; return s }
