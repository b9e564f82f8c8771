package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/report"
)

// shard writes dir/reports-like/<run-id>/<name>/result.json, as a CI
// artifact of one job holds it, and returns the artifact folder.
func shard(t *testing.T, name, scenario, profile string, verdict checker.Status) string {
	t.Helper()
	art := t.TempDir()
	dir := filepath.Join(art, "20250102-030405", name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, report.WriteResult(dir, checker.Result{Scenario: scenario, Profile: profile, Verdict: verdict,
		Checks: []checker.CheckResult{{Name: checker.NoLoss, Status: verdict, Expected: checker.Pass}}}))
	return art
}

func TestReportMergeWritesIndexAndJUnit(t *testing.T) {
	a := shard(t, "kill-master@jdbc", "kill-master", "jdbc", checker.Pass)
	b := shard(t, "zk-kill-leader", "zk-kill-leader", "zookeeper", checker.Fail)
	out := filepath.Join(t.TempDir(), "merged")
	var stdout, stderr bytes.Buffer

	code := run([]string{"report", "merge", "--out", out, a, b}, &stdout, &stderr)

	require.Equal(t, 0, code, stderr.String())
	assert.FileExists(t, filepath.Join(out, report.IndexFile))
	assert.FileExists(t, filepath.Join(out, report.JUnitFile))
	assert.Contains(t, stdout.String(), "merged 2 results from 2 inputs")
	junit, err := os.ReadFile(filepath.Join(out, report.JUnitFile))
	require.NoError(t, err)
	assert.Contains(t, string(junit), `<testsuites tests="2" failures="1"`,
		"runner.Mismatches decides the synthesised cases")
}

func TestReportMergeBadInputExits2NamingThePath(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-artifact")
	empty := t.TempDir()
	for name, args := range map[string][]string{
		"missing folder":   {"report", "merge", "--out", filepath.Join(t.TempDir(), "m"), missing},
		"no results in it": {"report", "merge", "--out", filepath.Join(t.TempDir(), "m"), empty},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer

			code := run(args, &stdout, &stderr)

			assert.Equal(t, 2, code)
			assert.Contains(t, stderr.String(), args[len(args)-1])
		})
	}
}

func TestReportMergeUsageErrorsExit2(t *testing.T) {
	a := shard(t, "x", "x", "jdbc", checker.Pass)
	for name, args := range map[string][]string{
		"no subcommand":      {"report"},
		"unknown subcommand": {"report", "frobnicate"},
		"no folders":         {"report", "merge"},
		"flag after folder":  {"report", "merge", a, "--out", "x"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, 2, run(args, &stdout, &stderr))
			assert.Contains(t, stderr.String(), "amqha report merge")
		})
	}
}
