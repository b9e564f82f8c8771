package report

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
)

// fakeResult writes a result folder dir/<name> with a result.json, a
// report.html and a container log, as a run leaves them.
func fakeResult(t *testing.T, dir, name, scenario, profile string, verdict checker.Status) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(p, 0o755))
	res := checker.Result{Scenario: scenario, Profile: profile, Verdict: verdict, Start: t0, End: at(ms(30000)),
		Checks: []checker.CheckResult{{Name: checker.NoLoss, Status: verdict, Expected: checker.Pass}}}
	require.NoError(t, WriteResult(p, res))
	require.NoError(t, os.WriteFile(filepath.Join(p, HTMLFile), []byte("<html>"+name+"</html>"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(p, "broker1.log"), []byte("log of "+name), 0o644))
	return p
}

// gotestsumJUnit is junit.xml as gotestsum writes it for a shard.
func gotestsumJUnit(t *testing.T, path string, cases, failures int, body string) {
	t.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="` + strconv.Itoa(cases) + `" failures="` + strconv.Itoa(failures) + `" errors="0" time="61.5">
	<testsuite tests="` + strconv.Itoa(cases) + `" failures="` + strconv.Itoa(failures) + `" time="61.500000" name="github.com/amqha/amqha/scenarios" timestamp="2025-01-02T03:04:05Z">
		<properties><property name="go.version" value="go1.26"></property></properties>
` + body + `
	</testsuite>
</testsuites>
`
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
}

func readMerged(t *testing.T, path string) junitRoot {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var root junitRoot
	require.NoError(t, xml.Unmarshal(b, &root), string(b))
	return root
}

// twoShards lays out two downloaded CI artifacts, each reports/ of one job.
func twoShards(t *testing.T) (a, b string) {
	t.Helper()
	base := t.TempDir()
	a, b = filepath.Join(base, "amqha-reports-jdbc"), filepath.Join(base, "amqha-reports-zookeeper")
	fakeResult(t, filepath.Join(a, "20250102-030405"), "kill-master@jdbc", "kill-master", "jdbc", checker.Pass)
	fakeResult(t, filepath.Join(a, "20250102-030405"), "db-restart", "db-restart", "jdbc", checker.Fail)
	gotestsumJUnit(t, filepath.Join(a, JUnitFile), 2, 1,
		`<testcase classname="github.com/amqha/amqha/scenarios" name="TestScenarios/jdbc/kill-master" time="30.0"></testcase>
<testcase classname="github.com/amqha/amqha/scenarios" name="TestScenarios/jdbc/db-restart" time="31.5"><failure message="Failed" type="">no-loss: fail</failure></testcase>`)
	fakeResult(t, filepath.Join(b, "20250102-030411"), "zk-kill-leader", "zk-kill-leader", "zookeeper", checker.Pass)
	gotestsumJUnit(t, filepath.Join(b, JUnitFile), 1, 0,
		`<testcase classname="github.com/amqha/amqha/scenarios" name="TestScenarios/zookeeper/zk-kill-leader" time="12.0"></testcase>`)
	return a, b
}

func TestMergeOfTwoShardsWritesOneIndexAndOneJUnit(t *testing.T) {
	a, b := twoShards(t)
	out := filepath.Join(t.TempDir(), "merged")

	m, err := Merge(MergeOptions{Inputs: []string{a, b}, Out: out})

	require.NoError(t, err)
	require.Len(t, m.Rows, 3)
	assert.Equal(t, []string{filepath.Join(a, JUnitFile), filepath.Join(b, JUnitFile)}, m.JUnitFiles)
	assert.Zero(t, m.Synthesised)
	for _, name := range []string{"kill-master@jdbc", "db-restart", "zk-kill-leader"} {
		assert.FileExists(t, filepath.Join(out, name, ResultFile))
		assert.FileExists(t, filepath.Join(out, name, HTMLFile))
		assert.FileExists(t, filepath.Join(out, name, "broker1.log"))
	}
	index, err := os.ReadFile(m.Index)
	require.NoError(t, err)
	for _, href := range []string{"./kill-master@jdbc/report.html", "./db-restart/report.html", "./zk-kill-leader/report.html"} {
		assert.Contains(t, string(index), `href="`+href+`"`)
	}
	root := readMerged(t, m.JUnit)
	assert.Equal(t, 3, root.Tests)
	assert.Equal(t, 1, root.Failures)
	assert.Equal(t, "123.000", root.Time)
	require.Len(t, root.Suites, 2)
	junit, _ := os.ReadFile(m.JUnit)
	assert.Contains(t, string(junit), `<failure message="Failed" type="">no-loss: fail</failure>`, "test cases are kept verbatim")
	assert.Contains(t, string(junit), `name="TestScenarios/zookeeper/zk-kill-leader"`)
}

func TestMergeKeepsTheSameScenarioFromTwoShardsApart(t *testing.T) {
	base := t.TempDir()
	a, b := filepath.Join(base, "a"), filepath.Join(base, "b")
	fakeResult(t, filepath.Join(a, "20250102-030405"), "kill-master@jdbc", "kill-master", "jdbc", checker.Pass)
	fakeResult(t, filepath.Join(b, "20250102-030405"), "kill-master@jdbc", "kill-master", "jdbc", checker.Fail)
	out := filepath.Join(base, "merged")

	m, err := Merge(MergeOptions{Inputs: []string{a, b}, Out: out})

	require.NoError(t, err)
	require.Len(t, m.Rows, 2)
	assert.Equal(t, filepath.Join(out, "kill-master@jdbc"), m.Rows[0].Dir)
	assert.Equal(t, filepath.Join(out, "kill-master@jdbc~2"), m.Rows[1].Dir)
	assert.Equal(t, checker.Pass, m.Rows[0].Result.Verdict)
	assert.Equal(t, checker.Fail, m.Rows[1].Result.Verdict)
	second, err := ReadResult(filepath.Join(out, "kill-master@jdbc~2"))
	require.NoError(t, err)
	assert.Equal(t, checker.Fail, second.Verdict, "the second shard's copy is the second shard's run")
	index, _ := os.ReadFile(m.Index)
	assert.Contains(t, string(index), `href="./kill-master@jdbc/report.html"`)
	assert.Contains(t, string(index), `href="./kill-master@jdbc~2/report.html"`)
}

func TestMergeSynthesisesJUnitFromResultsWhenAnInputHasNone(t *testing.T) {
	run := filepath.Join(t.TempDir(), "20250102-030405")
	fakeResult(t, run, "kill-master@jdbc", "kill-master", "jdbc", checker.Pass)
	fakeResult(t, run, "kill-master-nonpersistent", "kill-master-nonpersistent", "shared-kahadb", checker.Fail)
	out := filepath.Join(t.TempDir(), "merged")
	failures := func(res checker.Result) []string {
		if res.Verdict == checker.Fail {
			return []string{"  no-loss: fail (expected pass): 3 lost"}
		}
		return nil
	}

	m, err := Merge(MergeOptions{Inputs: []string{run}, Out: out, Failures: failures})

	require.NoError(t, err)
	assert.Equal(t, 2, m.Synthesised)
	assert.Empty(t, m.JUnitFiles)
	root := readMerged(t, m.JUnit)
	assert.Equal(t, 2, root.Tests)
	assert.Equal(t, 1, root.Failures)
	assert.Equal(t, "60.000", root.Time)
	junit, _ := os.ReadFile(m.JUnit)
	s := string(junit)
	assert.Contains(t, s, `name="TestScenarios/jdbc/kill-master"`)
	assert.Contains(t, s, `name="TestScenarios/shared-kahadb/kill-master-nonpersistent"`)
	assert.Contains(t, s, `no-loss: fail (expected pass): 3 lost</failure>`)
	assert.Equal(t, 1, strings.Count(s, "<failure"))
	assert.Contains(t, s, "report: kill-master@jdbc/report.html")
}

func TestMergeJudgesSynthesisedCasesByVerdictWithoutFailures(t *testing.T) {
	run := filepath.Join(t.TempDir(), "run")
	fakeResult(t, run, "x", "x", "jdbc", checker.Unknown)

	m, err := Merge(MergeOptions{Inputs: []string{run}, Out: filepath.Join(t.TempDir(), "m")})

	require.NoError(t, err)
	assert.Equal(t, 1, readMerged(t, m.JUnit).Failures)
}

func TestMergeInputWithoutResultsIsBadInputNamingIt(t *testing.T) {
	a, _ := twoShards(t)
	empty := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(empty, JUnitFile), []byte("<testsuites/>"), 0o644))
	out := filepath.Join(t.TempDir(), "merged")

	_, err := Merge(MergeOptions{Inputs: []string{a, empty}, Out: out})

	require.ErrorIs(t, err, ErrBadInput)
	assert.Contains(t, err.Error(), empty)
	assert.Contains(t, err.Error(), "no result folder")
	assert.NoDirExists(t, out, "nothing is written for bad input")
}

func TestMergeMissingInputIsBadInputNamingIt(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-artifact")

	_, err := Merge(MergeOptions{Inputs: []string{missing}, Out: filepath.Join(t.TempDir(), "m")})

	require.ErrorIs(t, err, ErrBadInput)
	assert.Contains(t, err.Error(), missing)
}

func TestMergeMalformedJUnitIsBadInputNamingTheFile(t *testing.T) {
	for name, doc := range map[string]string{
		"truncated":  `<testsuites><testsuite tests="1"><testcase name="a">`,
		"not junit":  `<html></html>`,
		"empty":      ``,
		"bad counts": `<testsuite tests="many"></testsuite>`,
	} {
		t.Run(name, func(t *testing.T) {
			a, b := twoShards(t)
			bad := filepath.Join(b, JUnitFile)
			require.NoError(t, os.WriteFile(bad, []byte(doc), 0o644))
			out := filepath.Join(t.TempDir(), "merged")

			_, err := Merge(MergeOptions{Inputs: []string{a, b}, Out: out})

			require.ErrorIs(t, err, ErrBadInput)
			assert.Contains(t, err.Error(), bad)
			assert.NoDirExists(t, out)
		})
	}
}

func TestMergeMalformedResultIsBadInputNamingTheFile(t *testing.T) {
	a, b := twoShards(t)
	bad := filepath.Join(b, "20250102-030411", "zk-kill-leader", ResultFile)
	require.NoError(t, os.WriteFile(bad, []byte(`{"scenario":`), 0o644))

	_, err := Merge(MergeOptions{Inputs: []string{a, b}, Out: filepath.Join(t.TempDir(), "m")})

	require.ErrorIs(t, err, ErrBadInput)
	assert.Contains(t, err.Error(), bad)
}

func TestMergeRefusesAnOutputFolderInUse(t *testing.T) {
	a, _ := twoShards(t)
	out := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(out, "old.txt"), nil, 0o644))

	_, err := Merge(MergeOptions{Inputs: []string{a}, Out: out})

	require.ErrorIs(t, err, ErrBadInput)
	assert.Contains(t, err.Error(), out)
}

// reports/ holds runs and a latest link to one of them: merging reports/
// and reports/latest takes every result folder once.
func TestMergeTakesAFolderReachedTwiceOnce(t *testing.T) {
	reports := t.TempDir()
	fakeResult(t, filepath.Join(reports, "20250102-030405"), "kill-master", "kill-master", "jdbc", checker.Pass)
	fakeResult(t, filepath.Join(reports, "20250102-040405"), "kill-master", "kill-master", "jdbc", checker.Pass)
	require.NoError(t, UpdateLatest(reports, filepath.Join(reports, "20250102-040405")))

	m, err := Merge(MergeOptions{Inputs: []string{reports, filepath.Join(reports, LatestLink)},
		Out: filepath.Join(t.TempDir(), "merged")})

	require.NoError(t, err)
	assert.Len(t, m.Rows, 2, "two runs, each once")
}

// reports/merged-<timestamp> below reports/ is not merged again, but a
// merged folder given as an input is.
func TestMergeSkipsAnEarlierMergeBelowAnInputButNotAsOne(t *testing.T) {
	reports := t.TempDir()
	fakeResult(t, filepath.Join(reports, "20250102-030405"), "kill-master", "kill-master", "jdbc", checker.Pass)
	first := filepath.Join(reports, "merged-1")
	_, err := Merge(MergeOptions{Inputs: []string{reports}, Out: first})
	require.NoError(t, err)

	again, err := Merge(MergeOptions{Inputs: []string{reports}, Out: filepath.Join(reports, "merged-2")})
	require.NoError(t, err)
	assert.Len(t, again.Rows, 1)

	ofMerge, err := Merge(MergeOptions{Inputs: []string{first}, Out: filepath.Join(t.TempDir(), "m")})
	require.NoError(t, err)
	assert.Len(t, ofMerge.Rows, 1)
	assert.Equal(t, 1, readMerged(t, ofMerge.JUnit).Tests, "the first merge's junit.xml is merged")
	assert.Zero(t, ofMerge.Synthesised)
}

func TestMergeAcceptsASingleTestsuiteRootAndCountsCasesWithoutTotals(t *testing.T) {
	run := filepath.Join(t.TempDir(), "shard")
	fakeResult(t, filepath.Join(run, "r1"), "a", "a", "jdbc", checker.Pass)
	require.NoError(t, os.WriteFile(filepath.Join(run, JUnitFile), []byte(`<testsuite name="s">
<testcase name="a" time="1.5"/><testcase name="b" time="2"><failure>x</failure></testcase><testcase name="c"><skipped/></testcase>
</testsuite>`), 0o644))

	m, err := Merge(MergeOptions{Inputs: []string{run}, Out: filepath.Join(t.TempDir(), "m")})

	require.NoError(t, err)
	root := readMerged(t, m.JUnit)
	assert.Equal(t, 3, root.Tests)
	assert.Equal(t, 1, root.Failures)
	assert.Equal(t, 1, root.Skipped)
	assert.Equal(t, "3.500", root.Time)
}

func TestUniqueName(t *testing.T) {
	used := map[string]bool{}
	got := []string{uniqueName("a", used), uniqueName("a", used), uniqueName("b", used), uniqueName("a", used)}
	assert.Equal(t, []string{"a", "a~2", "b", "a~3"}, got)
}
