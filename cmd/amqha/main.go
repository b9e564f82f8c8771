// Command amqha runs ActiveMQ high-availability scenarios against real
// clusters and judges what happened to every message.
//
//	amqha run [--out DIR] [--profile NAME] [--repeat N] [--tier T] FILE|DIR...   exit 0 pass, 1 fail, 2 bad input or no Docker
//	amqha validate FILE|DIR...                            parse and validate, no Docker
//	amqha check DIR                                       re-judge a saved run, offline
//	amqha explore [--seed N] [--runs N] [--profile P] [--duration D]  random, reproducible mixed-fault schedules; failing ones minimised
//	amqha sweep [--dry-run]                               remove what dead amqha processes left
//	amqha report merge [--out DIR] DIR...                 one index.html and junit.xml over several runs
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/report"
	"github.com/amqha/amqha/harness/runner"
	"github.com/amqha/amqha/harness/scenario"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage:
  amqha run [--out DIR] [--profile NAME | --on NAME] [--repeat N] [--tier smoke|default|extended] FILE|DIR...
  amqha validate FILE|DIR...
  amqha check DIR
  amqha explore [--seed N] [--runs N] [--profile NAME] [--duration D] [--out DIR] [--minimise=false]
  amqha sweep [--dry-run]   remove containers, networks and volumes left by dead amqha processes
  amqha report merge [--out DIR] DIR...   one index.html and junit.xml over run folders (CI shards)`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return runner.ExitBadInput
	}
	switch args[0] {
	case "run":
		return cmdRun(args[1:], stdout, stderr)
	case "validate":
		return cmdValidate(args[1:], stdout, stderr)
	case "check":
		return cmdCheck(args[1:], stdout, stderr)
	case "sweep":
		return cmdSweep(args[1:], stdout, stderr)
	case "explore":
		return cmdExplore(args[1:], stdout, stderr)
	case "report":
		return cmdReport(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return runner.ExitPass
	}
	fmt.Fprintf(stderr, "amqha: unknown command %q\n%s\n", args[0], usage)
	return runner.ExitBadInput
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "reports", "folder for the run's reports")
	profile := fs.String("profile", "", "run every scenario on this profile instead of the files' own")
	on := fs.String("on", "", "run only the scenarios that list this profile (or any of a comma-separated list), only on it")
	repeat := fs.Int("repeat", 1, "run every scenario this many times and print the stability matrix")
	tier := fs.String("tier", string(scenario.TierExtended), "run the scenarios of this tier and the quicker ones: smoke, default, extended")
	if err := fs.Parse(args); err != nil {
		return runner.ExitBadInput
	}
	if *repeat < 1 {
		fmt.Fprintf(stderr, "amqha run: --repeat %d: want at least 1\n", *repeat)
		return runner.ExitBadInput
	}
	t, ok := scenario.ParseTier(*tier)
	if !ok {
		fmt.Fprintf(stderr, "amqha run: --tier %q: unknown tier (known: %v)\n", *tier, scenario.Tiers)
		return runner.ExitBadInput
	}
	return runPlan(fs.Args(), planOptions{profile: *profile, on: *on, out: *out, repeat: *repeat, tier: t}, stdout, stderr)
}

// planOptions select and repeat the scenarios of a run.
type planOptions struct {
	profile, on, out string
	repeat           int
	tier             scenario.Tier
}

func runPlan(files []string, o planOptions, stdout, stderr io.Writer) int {
	plan, err := runner.Plan(files, o.profile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return runner.ExitBadInput
	}
	if o.on != "" {
		plan = runner.Only(plan, strings.Split(o.on, ",")...)
		if len(plan) == 0 {
			fmt.Fprintf(stderr, "amqha: no scenario lists profile %q\n", o.on)
			return runner.ExitBadInput
		}
	}
	if plan = runner.InTier(plan, o.tier); len(plan) == 0 {
		fmt.Fprintf(stderr, "amqha: no scenario in tier %s\n", o.tier)
		return runner.ExitBadInput
	}
	lanes, err := runner.LanesFromEnv()
	if err != nil {
		fmt.Fprintln(stderr, "amqha:", err)
		return runner.ExitBadInput
	}
	if err := runner.Preflight(context.Background(), plan); err != nil {
		fmt.Fprintln(stderr, "amqha:", err)
		return runner.ExitBadInput
	}
	s, code := runner.NewSession(context.Background(), o.out, stdout)
	if s == nil {
		return code
	}
	matrix, code := s.RunPlan(plan, lanes, o.repeat, stderr)
	code = s.Close(code)
	if o.repeat > 1 {
		matrix.Render(stdout)
		if err := writeMatrix(filepath.Join(s.RunDir, "stability.txt"), matrix); err != nil {
			fmt.Fprintln(stderr, "amqha:", err)
			code = max(code, runner.ExitFail)
		}
	}
	return code
}

// writeMatrix keeps the stability matrix beside the run's reports.
func writeMatrix(path string, m *report.Matrix) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("stability matrix: %w", err)
	}
	m.Render(f)
	return f.Close()
}

func cmdValidate(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "amqha validate: no files given")
		return runner.ExitBadInput
	}
	plan, err := runner.Plan(args, "")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return runner.ExitBadInput
	}
	for _, p := range plan {
		fmt.Fprintf(stdout, "ok  %s (%s, %d steps)\n", p.File.Path, p.Profile, len(p.File.Timeline))
	}
	return runner.ExitPass
}

// cmdCheck re-judges a saved run folder: 0 when every check matches its
// expectation, 1 when one does not (or the new outputs could not be
// written), 2 when the folder is bad input, after withdrawing any verdict
// its result.json held.
func cmdCheck(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: amqha check DIR")
		return runner.ExitBadInput
	}
	res, err := runner.Recheck(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "amqha check:", err)
		if errors.Is(err, runner.ErrBadInput) {
			return runner.ExitBadInput
		}
		return runner.ExitFail
	}
	runner.PrintSummary(stdout, res, args[0])
	if len(runner.Mismatches(res)) > 0 {
		return runner.ExitFail
	}
	return runner.ExitPass
}

// cmdSweep removes what dead amqha processes left and says, per owner,
// what it kept or removed and why; --dry-run only says it.
func cmdSweep(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dry := fs.Bool("dry-run", false, "say what would be removed, and remove nothing")
	if err := fs.Parse(args); err != nil {
		return runner.ExitBadInput
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "amqha sweep: unexpected argument %q\n", fs.Arg(0))
		return runner.ExitBadInput
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	say := func(line string) { fmt.Fprintln(stdout, line) }
	if err := cluster.SweepWith(ctx, cluster.SweepOptions{Say: say, DryRun: *dry}); err != nil {
		fmt.Fprintln(stderr, "amqha sweep:", err)
		return runner.ExitBadInput
	}
	return runner.ExitPass
}

// exploreHelp is what amqha explore -h says before its flags.
const exploreHelp = `usage: amqha explore [--seed N] [--runs N] [--profile NAME] [--duration D] [--out DIR] [--minimise=false]

Draws a random but reproducible fault schedule from each seed (N, N+1, ...,
N+runs-1) and runs them one after another on one cluster of the profile.
A schedule mixes every fault family the profile can run: kill, stop, pause
and restart; partitions of a node, the master, a slave, the ZooKeeper
leader, the database, the master's minority or majority side, a bridge, and
cuts scoped with from; 20% packet loss; CPU starvation; broker clock skew.
Faults overlap (a partition while a slave is starved), and every one is
undone 5 s before the workload ends. Each schedule is written to
DIR/explore-<seed>.yaml, an ordinary scenario file.

A failing seed is minimised: its faults are dropped one at a time (each with
its undo step), every trial run printed, and a drop kept while every check
the seed failed still fails. What is left is DIR/explore-<seed>-min.yaml, a
short reproducer to commit to scenarios/ with its findings. The last lines
list the failing seeds and their reproducers, or say "no failing seed".
Exit status: 0 no failing seed, 1 a seed failed or could not run, 2 bad input.

flags:
`

func cmdExplore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), exploreHelp)
		fs.PrintDefaults()
	}
	seed := fs.Int64("seed", 0, "first schedule seed (default: from the clock, printed)")
	runs := fs.Int("runs", 1, "number of seeds to run: seed, seed+1, ...")
	profile := fs.String("profile", "shared-kahadb", "profile to explore")
	duration := fs.Duration("duration", 2*time.Minute, "workload duration of each schedule")
	out := fs.String("out", "reports", "folder for the schedules, reproducers and reports")
	minimise := fs.Bool("minimise", true, "minimise each failing seed's schedule")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return runner.ExitPass
		}
		return runner.ExitBadInput
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "amqha explore: unexpected argument %q (explore takes flags only)\n", fs.Arg(0))
		return runner.ExitBadInput
	}
	if *runs < 1 {
		fmt.Fprintf(stderr, "amqha explore: --runs %d: want at least 1\n", *runs)
		return runner.ExitBadInput
	}
	if *duration <= 0 {
		fmt.Fprintf(stderr, "amqha explore: --duration %s: want more than 0\n", *duration)
		return runner.ExitBadInput
	}
	if *seed == 0 {
		*seed = time.Now().UnixNano() % 1_000_000_000
	}
	// Every schedule is written before anything starts: a folder that
	// cannot take them is bad input, not a failure after a cluster came up.
	var first *scenario.File
	for i := range int64(*runs) {
		f, err := runner.ExploreSchedule(*seed+i, *profile, *duration)
		if err == nil {
			_, err = writeSchedule(*out, f)
		}
		if err != nil {
			fmt.Fprintln(stderr, "amqha explore:", err)
			return runner.ExitBadInput
		}
		first = cmp.Or(first, f)
	}
	if err := runner.Preflight(context.Background(), []runner.Planned{{File: first, Profile: *profile}}); err != nil {
		fmt.Fprintln(stderr, "amqha explore:", err)
		return runner.ExitBadInput
	}
	fmt.Fprintf(stdout, "seeds %d..%d on %s; reproduce one with: amqha explore --seed N --profile %s --duration %s\n",
		*seed, *seed+int64(*runs)-1, *profile, *profile, *duration)
	s, code := runner.NewSession(context.Background(), *out, stdout)
	if s == nil {
		return code
	}
	o := runner.ExploreOptions{Seed: *seed, Runs: *runs, Profile: *profile, Duration: *duration,
		Out: *out, TrialDir: s.RunDir, Minimise: *minimise}
	results, err := runner.Explore(s.Ctx, o, s.ExploreRun(*profile), stdout)
	code = runner.PrintBatch(io.Discard, results)
	if err != nil {
		fmt.Fprintln(stderr, "amqha explore:", err)
		code = max(code, runner.ExitFail)
		if errors.Is(err, context.Canceled) {
			code = runner.ExitInterrupted
		}
	}
	code = s.Close(code)
	runner.PrintBatch(stdout, results)
	return code
}

// writeSchedule writes an exploratory scenario into out, where the run's
// reports go too, and returns its path. Either failure stops the command:
// running on without the file would fail later with a message about a
// missing scenario instead of the folder that could not be written.
func writeSchedule(out string, f *scenario.File) (string, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("create %s for the schedule: %w", out, err)
	}
	path := filepath.Join(out, f.Name+".yaml")
	if err := os.WriteFile(path, f.YAML(), 0o644); err != nil {
		return "", fmt.Errorf("write the schedule: %w", err)
	}
	return path, nil
}
