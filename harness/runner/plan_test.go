package runner

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/scenario"
)

// planYAML is a scenario file named name on profiles (a YAML list's
// inside) whose timeline is steps, each "action target".
func planYAML(name, profiles string, steps ...string) string {
	s := "name: " + name + "\ndescription: a plan test\nprofiles: [" + profiles + "]\n"
	if len(steps) > 0 {
		s += "timeline:\n"
		for i, st := range steps {
			action, target, _ := strings.Cut(st, " ")
			s += "  - at: " + (time.Duration(i+1) * time.Second).String() + "\n    action: " + action + "\n"
			if target != "" {
				s += "    target: " + target + "\n"
			}
		}
	}
	return s
}

// planDir writes files (name -> content) into a fresh folder.
func planDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	return dir
}

// plannedPairs is each planned run as "scenario@profile", in plan order.
func plannedPairs(plan []Planned) []string {
	out := make([]string, len(plan))
	for i, p := range plan {
		out[i] = p.File.Name + "@" + p.Profile
	}
	return out
}

// A folder plans every file in name order, each on its own profiles in
// the order the file lists them.
func TestPlanExpandsEveryFileOnItsProfiles(t *testing.T) {
	dir := planDir(t, map[string]string{
		"kill-master.yaml": planYAML("kill-master", "shared-kahadb, jdbc", "kill master", "restart previous"),
		"zk-leader.yaml":   planYAML("zk-leader", "zookeeper", "kill zk:leader"),
		"notes.txt":        "not a scenario",
	})
	plan, err := Plan([]string{dir}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"kill-master@shared-kahadb", "kill-master@jdbc", "zk-leader@zookeeper"}, plannedPairs(plan))
	assert.Same(t, plan[0].File, plan[1].File, "one file, parsed once, planned on two profiles")
	assert.Equal(t, filepath.Join(dir, "kill-master.yaml"), plan[0].File.Path)
}

// --on replaces every file's profiles. A step whose target the profile
// lacks is refused before any container starts, with the file and line;
// the runs that are valid are still planned, and every refusal is
// reported at once.
func TestPlanWithOverrideRefusesStepsTheProfileCannotTake(t *testing.T) {
	dir := planDir(t, map[string]string{
		"kill-master.yaml": planYAML("kill-master", "shared-kahadb, jdbc", "kill master"),
		"zk-leader.yaml":   planYAML("zk-leader", "zookeeper", "kill broker:1", "kill zk:leader"),
		"zk-follower.yaml": planYAML("zk-follower", "zookeeper", "pause zk:follower"),
	})
	plan, err := Plan([]string{dir}, "jdbc")
	assert.Equal(t, []string{"kill-master@jdbc"}, plannedPairs(plan))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, filepath.Join(dir, "zk-leader.yaml")+":")
	assert.Contains(t, msg, "timeline[1]", "the refused step is named by its index")
	assert.NotRegexp(t, `zk-leader\.yaml:\d+: timeline\[0\]`, msg, "broker:1 exists on jdbc")
	assert.Contains(t, msg, filepath.Join(dir, "zk-follower.yaml")+":", "both bad files are reported")
	assert.Regexp(t, regexp.MustCompile(`zk-leader\.yaml:\d+: timeline\[1\]`), msg, "the refusal carries the step's line")
}

func TestPlanRefusesBadInput(t *testing.T) {
	t.Run("no paths", func(t *testing.T) {
		_, err := Plan(nil, "")
		assert.ErrorContains(t, err, "no scenario files given")
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := Plan([]string{filepath.Join(t.TempDir(), "gone.yaml")}, "")
		assert.ErrorContains(t, err, "gone.yaml")
	})
	t.Run("unknown override", func(t *testing.T) {
		dir := planDir(t, map[string]string{"quiet.yaml": planYAML("quiet", "jdbc")})
		plan, err := Plan([]string{dir}, "no-such-profile")
		assert.Empty(t, plan)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no-such-profile")
		assert.Contains(t, err.Error(), "quiet.yaml", "the error names the file it was planned for")
	})
	t.Run("invalid scenario", func(t *testing.T) {
		dir := planDir(t, map[string]string{
			"quiet.yaml": planYAML("quiet", "jdbc"),
			"bad.yaml":   planYAML("bad", "jdbc", "explode master"),
		})
		plan, err := Plan([]string{dir}, "")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "bad.yaml")
		assert.Empty(t, plan, "a file that does not parse stops the whole plan")
	})
}

func TestOnlyAndProfiles(t *testing.T) {
	dir := planDir(t, map[string]string{
		"a.yaml": planYAML("a", "shared-kahadb, jdbc"),
		"b.yaml": planYAML("b", "jdbc, replicated"),
	})
	plan, err := Plan([]string{dir}, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"a@jdbc", "b@jdbc"}, plannedPairs(Only(plan, "jdbc")))
	assert.Empty(t, Only(plan, "zookeeper"))
	assert.Empty(t, Only(nil, "jdbc"))
	assert.Equal(t, []string{"a@jdbc", "b@jdbc"}, plannedPairs(Only(plan, "jdbc-stock", "jdbc")), "any profile of a list")

	f := plan[0].File
	assert.Equal(t, []string{"shared-kahadb", "jdbc"}, Profiles(f, ""))
	assert.Equal(t, []string{"zookeeper"}, Profiles(f, "zookeeper"), "the override wins, even over a file that lacks it")
}

// A scenario of several profiles gets a folder per profile; one of a
// single profile keeps the plain name, as the README's paths show.
func TestDir(t *testing.T) {
	one := &scenario.File{Name: "kill-master", Profiles: []string{"jdbc"}}
	two := &scenario.File{Name: "kill-master", Profiles: []string{"jdbc", "replicated"}}
	assert.Equal(t, filepath.Join("reports", "r1", "kill-master"), Dir(filepath.Join("reports", "r1"), one, "jdbc"))
	assert.Equal(t, filepath.Join("reports", "r1", "kill-master@replicated"), Dir(filepath.Join("reports", "r1"), two, "replicated"))
	// --on a profile the file does not list: still the plain name.
	assert.Equal(t, filepath.Join("r", "kill-master"), Dir("r", one, "zookeeper"))
}

// The run id is the run folder's name, for a scenario folder and for one
// repetition of a repeated run alike.
func TestRunIDOf(t *testing.T) {
	cases := map[string]string{
		"reports/20250102-030405/kill-master":            "20250102-030405",
		"reports/20250102-030405/kill-master@jdbc":       "20250102-030405",
		"reports/20250102-030405/kill-master/":           "20250102-030405",
		"reports/20250102-030405/kill-master@jdbc/run-3": "20250102-030405",
		"reports/20250102-030405/kill-master/run-1/":     "20250102-030405",
		"./reports/../reports/20250102-030405/quiet":     "20250102-030405",
	}
	for dir, want := range cases {
		assert.Equal(t, want, runIDOf(filepath.FromSlash(dir)), dir)
	}
}

// A drawn schedule never fails the validation a run applies, on any
// profile: no db target without a database, no zk target without an
// ensemble, no clock skew under a broker image without libfaketime.
func TestExploreScheduleValidatesOnEveryProfile(t *testing.T) {
	profiles := []string{"shared-kahadb", "jdbc", "jdbc-stock", "zookeeper", "leveldb", "replicated", "replicated-stock"}
	fills := map[string]int{}
	for _, profile := range profiles {
		p, err := cluster.LookupProfile(profile)
		require.NoError(t, err, profile)
		for seed := range int64(40) {
			f, err := ExploreSchedule(seed, profile, 3*time.Minute)
			require.NoError(t, err)
			f.Path = f.Name + ".yaml"
			require.NoError(t, Validate(f, profile), "seed %d on %s:\n%s", seed, profile, f.YAML())
			_, err = scenario.Parse(f.Path, f.YAML())
			require.NoError(t, err, "seed %d on %s:\n%s", seed, profile, f.YAML())
			for _, s := range f.Timeline {
				if s.Action == fault.ClockSkew {
					assert.Empty(t, p.BrokerImage, "seed %d on %s: %s under a broker image of its own", seed, profile, s)
				}
				if s.Action == fault.DiskFull {
					fills[profile]++
					k, _ := s.Target.Needs()
					assert.Equal(t, p.StoreKind(), k, "seed %d on %s: %s fills a node without the store", seed, profile, s)
					assert.True(t, f.FillsStore(), "seed %d on %s: the schedule must ask for sized stores", seed, profile)
				}
				if k, ok := s.Target.Needs(); ok {
					assert.True(t, p.Has(k), "seed %d on %s: %s needs %s", seed, profile, s, k)
				}
			}
		}
	}
	for _, profile := range []string{"shared-kahadb", "jdbc", "replicated"} {
		assert.Positive(t, fills[profile], "no disk-full drawn on %s in 40 seeds", profile)
	}
	assert.Zero(t, fills["zookeeper"]+fills["leveldb"], "a disk-full drawn where no store can be filled")
	_, err := ExploreSchedule(1, "nope", time.Minute)
	assert.Error(t, err, "unknown profile")
}

// RunLanes runs lanes side by side, each lane's jobs in order.
func TestRunLanesKeepsEachLaneInOrder(t *testing.T) {
	var mu sync.Mutex
	got := map[int][]int{}
	RunLanes([][]int{{10, 11, 12}, {20, 21}, {}}, func(v int) {
		mu.Lock()
		defer mu.Unlock()
		got[v/10] = append(got[v/10], v)
	})
	assert.Equal(t, map[int][]int{1: {10, 11, 12}, 2: {20, 21}}, got)
}

// A stability-matrix cell names the checks that disagreed with the
// scenario, not those that failed as expected; a run that could not be
// carried out is an error cell with the error's first line.
func TestMatrixCell(t *testing.T) {
	o := &Outcome{Result: checker.Result{Verdict: checker.Fail, Checks: []checker.CheckResult{
		{Name: checker.NoLoss, Status: checker.Fail, Expected: checker.Pass},
		{Name: checker.QuorumBlocking, Status: checker.Fail, Expected: checker.Fail},
		{Name: checker.MaxFailover, Status: checker.NotApplicable, Expected: checker.Pass},
	}, Failover: []checker.Failover{{RTOms: 6100, Recovered: true}}}}
	cell, failed := matrixCell(o, nil)
	assert.True(t, failed)
	assert.Equal(t, "fail", cell.Verdict)
	assert.Equal(t, []string{string(checker.NoLoss)}, cell.Failed)
	assert.Equal(t, "6.1s", cell.Failover)

	o.Result.Checks = o.Result.Checks[1:]
	o.Result.Verdict = checker.Pass
	cell, failed = matrixCell(o, nil)
	assert.False(t, failed, "an expected failure is no failure")
	assert.Empty(t, cell.Failed)

	cell, failed = matrixCell(nil, errors.New("bring-up: broker2 never started\ncontainer log follows"))
	assert.True(t, failed)
	assert.Equal(t, "error", cell.Verdict)
	assert.Equal(t, []string{"bring-up: broker2 never started"}, cell.Failed)
}

// Mismatches is what `amqha check` and the test suite print: one line per
// check that disagrees, and a verdict line when the verdict is not a pass
// for any other reason.
func TestMismatches(t *testing.T) {
	res := checker.Result{Verdict: checker.Fail, Checks: []checker.CheckResult{
		{Name: checker.NoLoss, Status: checker.Fail, Expected: checker.Pass, Detail: "1 lost: m7"},
		{Name: checker.QuorumBlocking, Status: checker.Pass, Expected: checker.Fail, Detail: "no window"},
		{Name: checker.MaxFailover, Status: checker.NotApplicable, Expected: checker.Pass},
		{Name: checker.SingleMaster, Status: checker.Pass, Expected: checker.Pass},
	}}
	assert.Equal(t, []string{
		"  no-loss: fail (expected pass): 1 lost: m7",
		"  quorum-blocking: pass (expected fail): no window",
	}, Mismatches(res), "an expected failure that passed is a mismatch too; n/a for pass is not")

	assert.Empty(t, Mismatches(checker.Result{Verdict: checker.Pass}))
	assert.Equal(t, []string{"  verdict unknown"}, Mismatches(checker.Result{Verdict: checker.Unknown}))
}

// A check that cannot fail as configured reports info, and checker.Judge
// passes it where a pass is expected; Mismatches must agree with the
// verdict, or `amqha check` and the stability matrix fail a passing run
// (every run with duplicates: report has an info no-duplicates check).
func TestMismatchesAgreeWithTheVerdictOnInfo(t *testing.T) {
	res := checker.Result{Checks: []checker.CheckResult{
		{Name: checker.NoLoss, Status: checker.Pass},
		{Name: checker.NoDuplicates, Status: checker.Info, Detail: "0 duplicated"},
	}}
	require.NoError(t, checker.Judge(&res, nil))
	require.Equal(t, checker.Pass, res.Verdict)
	assert.Empty(t, Mismatches(res))
	cell, failed := matrixCell(&Outcome{Result: res}, nil)
	assert.False(t, failed)
	assert.Empty(t, cell.Failed)
}

// Progress lines carry the run's label and its age, one line per call,
// whole even when lines come from several goroutines.
func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "kill-master/jdbc")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				p.line("fault: 6s kill master")
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 100)
	for _, l := range lines {
		require.Regexp(t, `^\[kill-master/jdbc +\d+\.\ds\] fault: 6s kill master$`, l)
	}

	newProgress(nil, "discarded").line("goes nowhere") // a nil writer is allowed
}

// A run keeps its scenario file byte for byte, under the file's own
// name, so that `amqha check` judges it again with the same expectations.
func TestSaveScenarioKeepsTheFileAsWritten(t *testing.T) {
	body := planYAML("kill-master", "jdbc", "kill master") + "# a comment the parser drops\n"
	src := planDir(t, map[string]string{"kill-master.yaml": body})
	f := &scenario.File{Path: filepath.Join(src, "kill-master.yaml"), Name: "kill-master"}
	dir := t.TempDir()
	require.NoError(t, saveScenario(dir, f))
	got, err := os.ReadFile(filepath.Join(dir, "kill-master.yaml"))
	require.NoError(t, err)
	assert.Equal(t, body, string(got))

	f.Path = filepath.Join(src, "gone.yaml")
	assert.ErrorContains(t, saveScenario(dir, f), "keep a copy of "+f.Path)
}

// PrintSummary is `amqha check`'s output: the table, then what disagreed.
func TestPrintSummary(t *testing.T) {
	res := checker.Result{Scenario: "kill-master", Profile: "jdbc", Verdict: checker.Fail, Checks: []checker.CheckResult{
		{Name: checker.NoLoss, Status: checker.Fail, Expected: checker.Pass, Detail: "1 lost: m7"}}}
	var buf bytes.Buffer
	PrintSummary(&buf, res, filepath.Join("reports", "r", "kill-master"))
	out := buf.String()
	assert.Contains(t, out, "| kill-master ")
	assert.Contains(t, out, filepath.Join("reports", "r", "kill-master", "report.html"))
	assert.True(t, strings.HasSuffix(out, "  no-loss: fail (expected pass): 1 lost: m7\n"), out)
}
