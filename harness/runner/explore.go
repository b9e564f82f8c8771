package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/scenario"
)

// ExploreOptions say which seeds an exploratory batch runs, and where.
type ExploreOptions struct {
	// Seed is the first seed; the batch runs Seed, Seed+1, ... Seed+Runs-1.
	Seed int64
	Runs int
	// Profile is the one profile every seed runs on, on one cluster.
	Profile  string
	Duration time.Duration
	// Out receives the schedules and the minimised reproducers.
	Out string
	// TrialDir receives the minimiser's candidate files and their reports.
	TrialDir string
	// Minimise, when false, saves failing seeds without shrinking them.
	Minimise bool
}

// Verdict is what a run of an exploratory file concluded: the checks that
// disagreed with their expectation, none when it passed.
type Verdict struct{ Failed []string }

// RunFunc runs the scenario file f (already written at f.Path) and puts
// its reports in dir. An error is a run that could not be carried out.
type RunFunc func(f *scenario.File, dir string) (Verdict, error)

// SeedResult is one seed of a batch.
type SeedResult struct {
	Seed int64
	// Schedule is the seed's scenario file.
	Schedule string
	Steps    int
	// Failed lists the checks that disagreed; empty when the seed passed.
	Failed []string
	// Minimised is the reproducer's file and MinSteps its length; empty
	// when the seed passed or was not minimised.
	Minimised string
	MinSteps  int
	// Err is why the seed's run, or its minimisation, did not finish.
	Err error
}

// Explore runs the batch: every seed's schedule once, and each failing
// one minimised by dropping one fault at a time. A candidate counts as
// failing only when every check the seed's own run failed fails again: a
// minimiser satisfied by any failure drifts to the cheapest one (a lone
// kill breaking the availability bound), and the reproducer would no
// longer show the finding the seed found. It stops early when ctx ends.
func Explore(ctx context.Context, o ExploreOptions, run RunFunc, say io.Writer) ([]SeedResult, error) {
	var out []SeedResult
	for i := range int64(o.Runs) {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		seed := o.Seed + i
		f, err := ExploreSchedule(seed, o.Profile, o.Duration)
		if err != nil {
			return out, err
		}
		res := SeedResult{Seed: seed, Steps: len(f.Timeline)}
		if res.Schedule, err = writeFile(o.Out, f); err != nil {
			return out, err
		}
		fmt.Fprintf(say, "explore: seed %d (%d/%d), %d steps: %s\n", seed, i+1, o.Runs, res.Steps, res.Schedule)
		v, err := run(f, filepath.Join(o.TrialDir, f.Name))
		switch {
		case err != nil:
			res.Err = err
			fmt.Fprintf(say, "explore: seed %d could not run: %v\n", seed, err)
		case len(v.Failed) == 0:
			fmt.Fprintf(say, "explore: seed %d passed\n", seed)
		default:
			res.Failed = v.Failed
			fmt.Fprintf(say, "explore: seed %d FAILED: %s\n", seed, strings.Join(v.Failed, ", "))
			if o.Minimise {
				minimiseSeed(o, f, &res, run, say)
			}
		}
		out = append(out, res)
	}
	return out, nil
}

// minimiseSeed shrinks a failing seed's schedule and saves what is left as
// explore-<seed>-min.yaml beside the schedule, even when a trial could not
// run: the smallest file that failed so far is still a reproducer.
func minimiseSeed(o ExploreOptions, f *scenario.File, res *SeedResult, run RunFunc, say io.Writer) {
	name := f.Name + "-min"
	trial := 0
	fails := func(c *scenario.File) (bool, error) {
		trial++
		c.Name = fmt.Sprintf("%s-trial-%d", f.Name, trial)
		dir := filepath.Join(o.TrialDir, c.Name)
		var err error
		if c.Path, err = writeFile(dir, c); err != nil {
			return false, err
		}
		v, err := run(c, dir)
		if err != nil {
			return false, err
		}
		return !slices.ContainsFunc(res.Failed, func(ch string) bool { return !slices.Contains(v.Failed, ch) }), nil
	}
	progress := func(t scenario.Trial) {
		verdict := "passed: the fault is needed, kept"
		if t.Failed {
			verdict = "still fails: dropped"
		}
		fmt.Fprintf(say, "explore: seed %d trial %d without [%s], steps left %d: %s\n",
			res.Seed, t.N, describe(t.Dropped), t.Left, verdict)
	}
	m, err := scenario.Minimise(f, name, fails, progress)
	m.Name = name
	needed := "every fault left is needed"
	if err != nil {
		needed = "minimisation stopped early"
	}
	m.Description = fmt.Sprintf("Minimised from seed %d on %s (%d of %d steps; %s)\n"+
		"for the failure of %s.\n%s", res.Seed, o.Profile, len(m.Timeline), len(f.Timeline), needed, strings.Join(res.Failed, ", "), f.Description)
	if err != nil {
		res.Err = fmt.Errorf("minimisation stopped: %w", err)
		fmt.Fprintf(say, "explore: seed %d: %v; saving the smallest failing schedule so far\n", res.Seed, res.Err)
	}
	path, werr := writeFile(o.Out, m)
	if werr != nil {
		res.Err = errors.Join(res.Err, werr)
		return
	}
	res.Minimised, res.MinSteps = path, len(m.Timeline)
	fmt.Fprintf(say, "explore: seed %d minimised to %d of %d steps: %s\n", res.Seed, res.MinSteps, res.Steps, path)
}

func describe(steps []scenario.Step) string {
	out := make([]string, len(steps))
	for i, s := range steps {
		out[i] = s.String()
	}
	return strings.Join(out, "; ")
}

// PrintBatch says, for the whole batch, which seeds failed and the
// reproducer of each, or that none did, and returns the exit status:
// ExitFail when a seed failed or could not run.
func PrintBatch(w io.Writer, results []SeedResult) int {
	code := ExitPass
	var failed int
	fmt.Fprintf(w, "explore: %d seeds run\n", len(results))
	for _, r := range results {
		switch {
		case len(r.Failed) > 0:
			failed++
			code = ExitFail
			line := fmt.Sprintf("  seed %d failed %s: schedule %s", r.Seed, strings.Join(r.Failed, ", "), r.Schedule)
			if r.Minimised != "" {
				line += fmt.Sprintf(", minimised to %d of %d steps: %s", r.MinSteps, r.Steps, r.Minimised)
			}
			fmt.Fprintln(w, line)
			if r.Err != nil {
				fmt.Fprintf(w, "    (%v)\n", r.Err)
			}
		case r.Err != nil:
			code = ExitFail
			fmt.Fprintf(w, "  seed %d could not run: %v\n", r.Seed, r.Err)
		}
	}
	if failed == 0 {
		fmt.Fprintln(w, "explore: no failing seed")
	}
	return code
}

// writeFile writes f into dir as <name>.yaml and returns its path.
func writeFile(dir string, f *scenario.File) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create %s for %s: %w", dir, f.Name, err)
	}
	path := filepath.Join(dir, f.Name+".yaml")
	if err := os.WriteFile(path, f.YAML(), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", f.Name, err)
	}
	f.Path = path
	return path, nil
}

// ExploreRun is the session's RunFunc: f on profile, on the session's
// cluster for it, judged as amqha run judges it.
func (s *Session) ExploreRun(profile string) RunFunc {
	return func(f *scenario.File, dir string) (Verdict, error) {
		o, err := s.RunAs(f, profile, dir)
		if err != nil {
			return Verdict{}, err
		}
		var v Verdict
		for _, c := range o.Result.Checks {
			if mismatch(c) {
				v.Failed = append(v.Failed, string(c.Name))
			}
		}
		if len(v.Failed) == 0 && len(Mismatches(o.Result)) > 0 {
			v.Failed = []string{"verdict " + string(o.Result.Verdict)}
		}
		return v, nil
	}
}
