package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/report"
	"github.com/amqha/amqha/harness/scenario"
)

// Planned is one scenario on one profile.
type Planned struct {
	File    *scenario.File
	Profile string
}

// Plan loads and validates every file (or folder of files) and expands
// them per profile. Every problem of every file is reported at once.
func Plan(paths []string, override string) ([]Planned, error) {
	if len(paths) == 0 {
		return nil, errors.New("no scenario files given")
	}
	files, err := scenario.LoadAll(paths...)
	if err != nil {
		return nil, err
	}
	var plan []Planned
	var errs []error
	for _, f := range files {
		for _, p := range Profiles(f, override) {
			if err := Validate(f, p); err != nil {
				errs = append(errs, err)
				continue
			}
			plan = append(plan, Planned{File: f, Profile: p})
		}
	}
	return plan, errors.Join(errs...)
}

// scenarioCopy is the name under which a run keeps its scenario file, so
// that `amqha check` can judge it again with the same expectations.
func scenarioCopy(dir string, f *scenario.File) string {
	return filepath.Join(dir, filepath.Base(f.Path))
}

func saveScenario(dir string, f *scenario.File) error {
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return fmt.Errorf("keep a copy of %s: %w", f.Path, err)
	}
	return os.WriteFile(scenarioCopy(dir, f), data, 0o644)
}

// PrintSummary prints the console table for one result.
func PrintSummary(w io.Writer, res checker.Result, dir string) {
	report.Summary(w, []report.Row{{Result: res, Dir: dir}})
	for _, m := range Mismatches(res) {
		fmt.Fprintln(w, m)
	}
}

// ExploreSchedule draws the exploratory schedule of seed on profile (see
// scenario.Explore), from the faults Validate accepts on it.
func ExploreSchedule(seed int64, profile string, duration time.Duration) (*scenario.File, error) {
	p, err := cluster.LookupProfile(profile)
	if err != nil {
		return nil, err
	}
	return scenario.Explore(seed, profile, duration, func(s scenario.Step) error { return checkStep(p, s) }), nil
}

// Preflight checks, before any container starts, that every planned
// profile's images exist; a missing one is bad input, with the command
// that builds it.
func Preflight(ctx context.Context, plan []Planned) error {
	var errs []error
	seen := map[string]bool{}
	for _, p := range plan {
		if seen[p.Profile] {
			continue
		}
		seen[p.Profile] = true
		prof, err := cluster.LookupProfile(p.Profile)
		if err == nil {
			err = prof.CheckImage(ctx)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Only keeps the planned runs on any of profiles.
func Only(plan []Planned, profiles ...string) []Planned {
	var out []Planned
	for _, p := range plan {
		if slices.Contains(profiles, p.Profile) {
			out = append(out, p)
		}
	}
	return out
}

// repetition is the folder name of one repetition of a repeated run.
var repetition = regexp.MustCompile(`^run-[0-9]+$`)

// runIDOf names the run a scenario folder belongs to: its parent, or its
// grandparent for one repetition of a repeated run (<run>/<scenario>/run-N).
func runIDOf(dir string) string {
	parent := filepath.Dir(filepath.Clean(dir))
	if repetition.MatchString(filepath.Base(dir)) {
		parent = filepath.Dir(parent)
	}
	return filepath.Base(parent)
}
