package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history/historytest"
	"github.com/amqha/amqha/harness/report"
)

func write(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

// A typo in a field is bad input: it names file, line and field, exits 2,
// and never gets as far as Docker.
func TestValidateTypoNamesFileLineAndField(t *testing.T) {
	p := write(t, "typo.yaml", "name: typo\ndescription: x\nprofile: shared-kahadb\nworkload:\n  rat: 10\n")
	var out, errb bytes.Buffer

	code := run([]string{"validate", p}, &out, &errb)

	require.Equal(t, 2, code, errb.String())
	assert.Contains(t, errb.String(), p+":5:")
	assert.Contains(t, errb.String(), "workload.rat")
}

func TestValidateAcceptsTheCatalogue(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"validate", "../../scenarios"}, &out, &errb), errb.String())
	assert.Contains(t, out.String(), "kill-master.yaml")
}

// A target the profile does not have is refused up front, not skipped.
func TestRunRefusesATargetTheProfileLacksBeforeStarting(t *testing.T) {
	p := write(t, "zk.yaml", "name: zk\ndescription: x\nprofile: shared-kahadb\ntimeline:\n  - at: 1s\n    action: kill\n    target: zk:leader\n")
	var out, errb bytes.Buffer

	code := run([]string{"run", "--out", t.TempDir(), p}, &out, &errb)

	assert.Equal(t, 2, code)
	assert.Contains(t, errb.String(), p+":5")
}

func TestUnknownCommandIsBadInput(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run([]string{"frobnicate"}, &out, &errb))
}

// savedRun writes the folder a finished run of a fault-free scenario
// leaves, passed: scenario copy, history and result.json with profile.
func savedRun(t *testing.T, profile string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "20250102-030405", "quiet")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quiet.yaml"),
		[]byte("name: quiet\ndescription: no faults\nprofile: shared-kahadb\n"), 0o644))
	r := historytest.Quiet(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), "shared-kahadb")
	require.NoError(t, r.Save(dir))
	require.NoError(t, report.WriteResult(dir, checker.Result{Scenario: "quiet", Profile: profile, Verdict: checker.Pass}))
	return dir
}

func TestCheckPassesASavedRun(t *testing.T) {
	dir := savedRun(t, "shared-kahadb")
	var out, errb bytes.Buffer

	code := run([]string{"check", dir}, &out, &errb)

	require.Equal(t, 0, code, "stdout %s\nstderr %s", out.String(), errb.String())
	assert.FileExists(t, filepath.Join(dir, report.HTMLFile))
}

// An unknown profile in result.json is bad input: exit 2, naming the file,
// its line and the field, and the old pass is withdrawn.
func TestCheckRefusesAnUnknownProfile(t *testing.T) {
	dir := savedRun(t, "kahadb")
	var out, errb bytes.Buffer

	code := run([]string{"check", dir}, &out, &errb)

	require.Equal(t, 2, code, errb.String())
	assert.Contains(t, errb.String(), filepath.Join(dir, report.ResultFile)+":3: profile:")
	assert.Contains(t, errb.String(), `"kahadb" is not a known profile`)
	saved, err := report.ReadResult(dir)
	require.NoError(t, err)
	assert.Equal(t, checker.Unknown, saved.Verdict, "an old pass stayed in result.json")
}

// A scenario name that leads out of the folder is refused, even though a
// scenario file waits where it points.
func TestCheckStaysInsideTheRunFolder(t *testing.T) {
	dir := savedRun(t, "shared-kahadb")
	require.NoError(t, report.WriteResult(dir, checker.Result{Scenario: "../../quiet", Profile: "shared-kahadb", Verdict: checker.Pass}))
	require.NoError(t, os.Rename(filepath.Join(dir, "quiet.yaml"), filepath.Join(dir, "..", "..", "quiet.yaml")))
	var out, errb bytes.Buffer

	code := run([]string{"check", dir}, &out, &errb)

	require.Equal(t, 2, code, errb.String())
	assert.Contains(t, errb.String(), filepath.Join(dir, report.ResultFile)+":2: scenario:")
}

func TestCheckUsage(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run([]string{"check"}, &out, &errb))
	assert.Contains(t, errb.String(), "usage: amqha check DIR")
}

// explore stops, exit 2, when it cannot write its schedule, naming what
// failed; before the fix the error was dropped and the run went on to
// fail over a missing scenario file.
func TestExploreStopsWhenTheScheduleCannotBeWritten(t *testing.T) {
	t.Run("out is a file", func(t *testing.T) {
		out := write(t, "not-a-folder", "")
		var stdout, stderr bytes.Buffer

		code := run([]string{"explore", "--seed", "7", "--out", filepath.Join(out, "reports")}, &stdout, &stderr)

		assert.Equal(t, 2, code)
		assert.Contains(t, stderr.String(), "amqha explore: create "+filepath.Join(out, "reports")+" for the schedule")
		assert.NotContains(t, stdout.String(), "schedule:", "it went on to run")
	})
	t.Run("the schedule's name is taken by a folder", func(t *testing.T) {
		out := t.TempDir()
		require.NoError(t, os.Mkdir(filepath.Join(out, "explore-7.yaml"), 0o755))
		var stdout, stderr bytes.Buffer

		code := run([]string{"explore", "--seed", "7", "--out", out}, &stdout, &stderr)

		assert.Equal(t, 2, code)
		assert.Contains(t, stderr.String(), "amqha explore: write the schedule")
		assert.Contains(t, stderr.String(), filepath.Join(out, "explore-7.yaml"))
		assert.NotContains(t, stdout.String(), "schedule:")
	})
}

func TestExploreRefusesArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run([]string{"explore", "scenarios/"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), `unexpected argument "scenarios/"`)
}

// explore -h says what the command does, and bad flags are refused before
// anything starts.
func TestExploreHelpAndBadFlags(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 0, run([]string{"explore", "-h"}, &stdout, &stderr))
	for _, want := range []string{"--runs", "explore-<seed>-min.yaml", "no failing seed", "clock skew", "-minimise"} {
		assert.Contains(t, stderr.String(), want)
	}
	cases := map[string][]string{
		"--runs 0: want at least 1":       {"--runs", "0"},
		"--duration 0s: want more than 0": {"--duration", "0s"},
		`profile "nope" is not supported`: {"--profile", "nope"},
	}
	for want, flags := range cases {
		stdout.Reset()
		stderr.Reset()
		assert.Equal(t, 2, run(append([]string{"explore", "--out", t.TempDir()}, flags...), &stdout, &stderr), want)
		assert.Contains(t, stderr.String(), want)
	}
}
