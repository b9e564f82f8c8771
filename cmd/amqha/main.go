// Command amqha runs ActiveMQ high-availability scenarios against real
// clusters and judges what happened to every message.
//
//	amqha run [--out DIR] [--profile NAME] FILE|DIR...   exit 0 pass, 1 fail, 2 bad input or no Docker
//	amqha validate FILE|DIR...                            parse and validate, no Docker
//	amqha check DIR                                       re-judge a saved run, offline
//	amqha explore [--seed N] [--profile P] [--duration D]  a random, reproducible fault schedule
//	amqha sweep                                           remove what dead amqha processes left
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/runner"
	"github.com/amqha/amqha/harness/scenario"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage:
  amqha run [--out DIR] [--profile NAME | --on NAME] FILE|DIR...
  amqha validate FILE|DIR...
  amqha check DIR
  amqha explore [--seed N] [--profile NAME] [--duration D] [--out DIR]
  amqha sweep       remove containers, networks and volumes left by dead amqha processes`

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
		return cmdSweep(stderr)
	case "explore":
		return cmdExplore(args[1:], stdout, stderr)
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
	on := fs.String("on", "", "run only the scenarios that list this profile, only on it")
	if err := fs.Parse(args); err != nil {
		return runner.ExitBadInput
	}
	return runPlan(fs.Args(), *profile, *on, *out, stdout, stderr)
}

func runPlan(files []string, profile, on, out string, stdout, stderr io.Writer) int {
	plan, err := runner.Plan(files, profile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return runner.ExitBadInput
	}
	if on != "" {
		plan = runner.Only(plan, on)
		if len(plan) == 0 {
			fmt.Fprintf(stderr, "amqha: no scenario lists profile %q\n", on)
			return runner.ExitBadInput
		}
	}
	if err := runner.Preflight(context.Background(), plan); err != nil {
		fmt.Fprintln(stderr, "amqha:", err)
		return runner.ExitBadInput
	}
	s, code := runner.NewSession(context.Background(), out, stdout)
	if s == nil {
		return code
	}
	code = runner.ExitPass
	for _, p := range plan {
		o, err := s.Run(p.File, p.Profile)
		if err != nil {
			fmt.Fprintf(stderr, "amqha: %s on %s: %v\n", p.File.Name, p.Profile, err)
			if errors.Is(err, context.Canceled) {
				return s.Close(runner.ExitInterrupted)
			}
			code = runner.ExitFail
			continue
		}
		if m := runner.Mismatches(o.Result); len(m) > 0 {
			code = runner.ExitFail
		}
	}
	return s.Close(code)
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

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: amqha check DIR")
		return runner.ExitBadInput
	}
	res, err := runner.Recheck(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "amqha check:", err)
		return runner.ExitBadInput
	}
	runner.PrintSummary(stdout, res, args[0])
	if len(runner.Mismatches(res)) > 0 {
		return runner.ExitFail
	}
	return runner.ExitPass
}

func cmdSweep(stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := cluster.Sweep(ctx); err != nil {
		fmt.Fprintln(stderr, "amqha sweep:", err)
		return runner.ExitBadInput
	}
	return runner.ExitPass
}

func cmdExplore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("explore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Int64("seed", 0, "schedule seed (default: from the clock, printed)")
	profile := fs.String("profile", "shared-kahadb", "profile to explore")
	duration := fs.Duration("duration", 2*time.Minute, "workload duration")
	out := fs.String("out", "reports", "folder for the run's reports")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return runner.ExitBadInput
	}
	if *seed == 0 {
		*seed = time.Now().UnixNano() % 1_000_000_000
	}
	targets, err := runner.ExploreTargets(*profile)
	if err != nil {
		fmt.Fprintln(stderr, "amqha explore:", err)
		return runner.ExitBadInput
	}
	f := scenario.Explore(*seed, *profile, *duration, targets)
	path := filepath.Join(*out, f.Name+".yaml")
	if err := os.MkdirAll(*out, 0o755); err == nil {
		err = os.WriteFile(path, f.YAML(), 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "amqha explore:", err)
		return runner.ExitBadInput
	}
	fmt.Fprintf(stdout, "seed %d; reproduce with: amqha explore --seed %d --profile %s --duration %s\nschedule: %s\n",
		*seed, *seed, *profile, *duration, path)
	return runPlan([]string{path}, "", "", *out, stdout, stderr)
}
