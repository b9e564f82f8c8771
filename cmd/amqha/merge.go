package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/report"
	"github.com/amqha/amqha/harness/runner"
)

const reportUsage = "usage: amqha report merge [--out DIR] DIR..."

// cmdReport runs `amqha report SUBCOMMAND`; merge is the only one.
func cmdReport(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "merge" {
		fmt.Fprintln(stderr, reportUsage)
		return runner.ExitBadInput
	}
	return cmdMerge(args[1:], stdout, stderr)
}

// cmdMerge merges run folders (or folders holding them, such as CI
// artifacts) into one index.html and one junit.xml. It exits 0 once they
// are written, whatever the verdicts; 2 for bad input; 1 if writing failed.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder to write (default reports/merged-<timestamp>)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return runner.ExitPass
		}
		return runner.ExitBadInput
	}
	if msg := mergeArgsProblem(fs.Args()); msg != "" {
		fmt.Fprintf(stderr, "amqha report merge: %s\n%s\n", msg, reportUsage)
		return runner.ExitBadInput
	}
	if *out == "" {
		*out = filepath.Join("reports", "merged-"+time.Now().Format("20060102-150405"))
	}
	m, err := report.Merge(report.MergeOptions{Inputs: fs.Args(), Out: *out, Failures: runner.Mismatches})
	if err != nil {
		fmt.Fprintln(stderr, "amqha report merge:", err)
		if errors.Is(err, report.ErrBadInput) {
			return runner.ExitBadInput
		}
		return runner.ExitFail
	}
	printMerged(stdout, m, len(fs.Args()))
	return runner.ExitPass
}

// mergeArgsProblem explains what is wrong with the folder arguments, or
// returns "". Go's flag package stops at the first folder, so a flag
// after one would otherwise be taken for a folder named "--out".
func mergeArgsProblem(dirs []string) string {
	if len(dirs) == 0 {
		return "no folders given"
	}
	for _, d := range dirs {
		if strings.HasPrefix(d, "-") {
			return fmt.Sprintf("flag %s must come before the folders", d)
		}
	}
	return ""
}

// printMerged prints the summary table, the renamed copies and where the
// merged files are.
func printMerged(w io.Writer, m report.Merged, inputs int) {
	report.Summary(w, m.Rows)
	for _, c := range m.Copies {
		if filepath.Base(c.Src) != filepath.Base(c.Dir) {
			fmt.Fprintf(w, "%s is %s (the name was taken by another input's result)\n", c.Src, filepath.Base(c.Dir))
		}
	}
	junit := fmt.Sprintf("%d junit.xml files", len(m.JUnitFiles))
	if m.Synthesised > 0 {
		junit += fmt.Sprintf(" + %d test cases made from result.json", m.Synthesised)
	}
	fmt.Fprintf(w, "merged %d results from %d inputs (%s)\nindex: %s\njunit: %s\n",
		len(m.Rows), inputs, junit, m.Index, m.JUnit)
}
