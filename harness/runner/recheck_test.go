package runner

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/history/historytest"
	"github.com/amqha/amqha/harness/report"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

// quietYAML is a scenario without faults; profiles is its YAML list.
func quietYAML(profiles string) string {
	return "name: quiet\ndescription: no faults\nprofiles: [" + profiles + "]\n"
}

// healthyRun is a synthetic complete run: 20 sends, each acknowledged by
// broker1 and delivered once, under a steady master, between a start and
// an end event.
func healthyRun(profile string) history.Run { return historytest.Quiet(at(0), profile) }

// withoutEnd drops the run end event, as a run killed mid-drain leaves it.
func withoutEnd(run history.Run) history.Run {
	run.Events = run.Events[:len(run.Events)-1]
	return run
}

// runFolder writes what a run leaves in its folder, name under a fresh
// run folder: the scenario copy and the history, and no result.json.
func runFolder(t *testing.T, name, yaml string, run history.Run) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "20250102-030405", name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "quiet.yaml"), []byte(yaml), 0o644))
	require.NoError(t, run.Save(dir))
	return dir
}

func readHTML(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, report.HTMLFile))
	require.NoError(t, err)
	return string(b)
}

// The control case: a complete run passes and carries no marker, so the
// incomplete cases below fail for their own reason.
func TestRecheckCompleteRunPasses(t *testing.T) {
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
	res, err := Recheck(dir)
	require.NoError(t, err)
	assert.Equal(t, checker.Pass, res.Verdict, "checks: %+v", res.Checks)
	assert.False(t, res.Incomplete)
	assert.Empty(t, res.IncompleteReason)
	assert.NotContains(t, readHTML(t, dir), "incomplete:")
	b, err := os.ReadFile(filepath.Join(dir, report.ResultFile))
	require.NoError(t, err)
	assert.NotContains(t, string(b), "incomplete", "a complete run's result.json has no incomplete field")
}

func TestRecheckWithoutEndEventIsIncomplete(t *testing.T) {
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), withoutEnd(healthyRun("shared-kahadb")))
	res, err := Recheck(dir)
	require.NoError(t, err)
	assert.True(t, res.Incomplete)
	assert.Equal(t, checker.Unknown, res.Verdict)
	assert.Contains(t, res.IncompleteReason, "ended before its drain")
	assert.NotEmpty(t, Mismatches(res), "amqha check must not exit 0 on an incomplete run")
	// The recorded part is still counted and judged; nothing in it fails
	// (the checker may leave no-loss unknown for want of the rest).
	var noLoss *checker.CheckResult
	for i := range res.Checks {
		if res.Checks[i].Name == checker.NoLoss {
			noLoss = &res.Checks[i]
		}
	}
	require.NotNil(t, noLoss, "no no-loss check in %+v", res.Checks)
	assert.NotEqual(t, checker.Fail, noLoss.Status)
	assert.Equal(t, 20, res.Counts.Delivered)

	saved, err := report.ReadResult(dir)
	require.NoError(t, err)
	assert.True(t, saved.Incomplete, "result.json lacks the incomplete flag")
	assert.Equal(t, checker.Unknown, saved.Verdict)
	assert.Contains(t, readHTML(t, dir), "incomplete: the run ended before its drain")
}

// A history whose writer died mid-line loads, and the run is incomplete
// even though its events reached the end.
func TestRecheckTruncatedHistoryIsIncomplete(t *testing.T) {
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
	f, err := os.OpenFile(filepath.Join(dir, history.OpsFile), os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"index":60,"time":"2025-01-02T03:04:`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	res, err := Recheck(dir)
	require.NoError(t, err)
	assert.True(t, res.Incomplete)
	assert.Equal(t, checker.Unknown, res.Verdict)
	assert.Contains(t, res.IncompleteReason, history.OpsFile+" was cut short")
	assert.NotContains(t, res.IncompleteReason, "drain", "the end event was there")
	assert.Equal(t, 20, res.Counts.SentOK)
}

// A bad line that is not a cut last line is still an error naming it.
func TestRecheckCorruptHistoryFails(t *testing.T) {
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
	path := filepath.Join(dir, history.OpsFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, append([]byte("{oops\n"), b...), 0o644))
	_, err = Recheck(dir)
	assert.ErrorContains(t, err, history.OpsFile+": line 1:")
}

// Without result.json the profile comes from the folder name, the start
// event, or the scenario's only profile; a name or event that is not a
// profile is passed over.
func TestRecheckWithoutResultFindsTheProfile(t *testing.T) {
	cases := []struct {
		name, folder, profiles, started, want string
	}{
		{"folder name", "quiet@jdbc", "shared-kahadb, jdbc", "", "jdbc"},
		{"folder name over start event", "quiet@jdbc", "shared-kahadb, jdbc", "shared-kahadb", "jdbc"},
		{"start event", "quiet", "shared-kahadb, jdbc", "jdbc", "jdbc"},
		{"start event past a bad folder name", "quiet@run2", "shared-kahadb, jdbc", "jdbc", "jdbc"},
		{"only profile", "quiet", "jdbc", "", "jdbc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := healthyRun(c.started)
			if c.started == "" {
				run.Events = run.Events[1:]
			}
			dir := runFolder(t, c.folder, quietYAML(c.profiles), run)
			res, err := Recheck(dir)
			require.NoError(t, err)
			assert.Equal(t, c.want, res.Profile)
			assert.Equal(t, "quiet", res.Scenario)
			_, err = os.Stat(filepath.Join(dir, report.ResultFile))
			assert.NoError(t, err, "Recheck did not write result.json")
		})
	}
}

func TestRecheckWithoutResultNeedsScenarioAndProfile(t *testing.T) {
	t.Run("no scenario file", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("jdbc"), healthyRun("jdbc"))
		require.NoError(t, os.Remove(filepath.Join(dir, "quiet.yaml")))
		_, err := Recheck(dir)
		assert.ErrorContains(t, err, "no scenario file")
	})
	t.Run("two scenario files", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("jdbc"), healthyRun("jdbc"))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "other.yaml"), []byte("name: other\n"), 0o644))
		_, err := Recheck(dir)
		assert.ErrorContains(t, err, "cannot tell which one ran")
	})
	t.Run("several profiles and no hint", func(t *testing.T) {
		run := healthyRun("x")
		run.Events = run.Events[1:]
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb, jdbc"), run)
		_, err := Recheck(dir)
		assert.ErrorContains(t, err, "cannot tell which profile ran")
	})
	t.Run("no history", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("jdbc"), healthyRun("jdbc"))
		require.NoError(t, os.Remove(filepath.Join(dir, history.OpsFile)))
		_, err := Recheck(dir)
		assert.ErrorIs(t, err, os.ErrNotExist)
	})
}

// With result.json, its scenario and profile win over the folder's hints.
func TestRecheckTakesTheProfileFromResult(t *testing.T) {
	dir := runFolder(t, "quiet@shared-kahadb", quietYAML("shared-kahadb, jdbc"), healthyRun("shared-kahadb"))
	require.NoError(t, report.WriteResult(dir, checker.Result{Scenario: "quiet", Profile: "jdbc"}))
	res, err := Recheck(dir)
	require.NoError(t, err)
	assert.Equal(t, "jdbc", res.Profile)

	require.NoError(t, os.WriteFile(filepath.Join(dir, report.ResultFile), []byte("{broken"), 0o644))
	_, err = Recheck(dir)
	assert.ErrorContains(t, err, "decode", "a broken result.json is an error, not a missing one")
}

// The incomplete flag round-trips through result.json under its own name.
func TestIncompleteInResultJSON(t *testing.T) {
	b, err := json.Marshal(checker.Result{Incomplete: true, IncompleteReason: "why"})
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(b), `"incomplete":true`) && strings.Contains(string(b), `"incomplete_reason":"why"`), string(b))
}

// passed writes the result.json a finished run leaves: the scenario on
// profile, passed.
func passed(t *testing.T, dir, scenarioName, profile string) {
	t.Helper()
	require.NoError(t, report.WriteResult(dir, checker.Result{Scenario: scenarioName, Profile: profile, Verdict: checker.Pass}))
}

// requireWithdrawn asserts that the folder's result.json no longer claims
// a verdict: unknown, with a reason that says why.
func requireWithdrawn(t *testing.T, dir, why string) checker.Result {
	t.Helper()
	saved, err := report.ReadResult(dir)
	require.NoError(t, err)
	assert.Equal(t, checker.Unknown, saved.Verdict)
	assert.True(t, saved.Incomplete)
	assert.Contains(t, saved.IncompleteReason, "amqha check refused this folder")
	assert.Contains(t, saved.IncompleteReason, why)
	assert.Empty(t, saved.Checks, "the old checks are withdrawn with the verdict")
	assert.Contains(t, readHTML(t, dir), "not judged: amqha check refused this folder", "report.html still shows the old verdict")
	return saved
}

// A scenario name in result.json that walks out of the folder is refused
// before any file is opened; a valid scenario placed where it points
// shows that it was not read.
func TestRecheckRefusesAScenarioNameOutsideTheFolder(t *testing.T) {
	for _, name := range []string{"../../quiet", "../quiet", "sub/quiet", `..\quiet`, "/etc/quiet", ".."} {
		t.Run(name, func(t *testing.T) {
			dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
			require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(filepath.Dir(dir)), "quiet.yaml"),
				[]byte(quietYAML("shared-kahadb")), 0o644))
			passed(t, dir, name, "shared-kahadb")

			_, err := Recheck(dir)

			require.ErrorIs(t, err, ErrBadInput)
			assert.ErrorContains(t, err, filepath.Join(dir, report.ResultFile)+":2: scenario:")
			assert.ErrorContains(t, err, "is not a scenario name")
			requireWithdrawn(t, dir, "is not a scenario name")
		})
	}
}

// A scenario copy (or any file Recheck reads) that is a symlink out of
// the folder is refused; a symlink to a file inside it is fine.
func TestRecheckRefusesSymlinksOutOfTheFolder(t *testing.T) {
	t.Run("scenario copy", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		outside := filepath.Join(t.TempDir(), "quiet.yaml")
		require.NoError(t, os.Rename(filepath.Join(dir, "quiet.yaml"), outside))
		require.NoError(t, os.Symlink(outside, filepath.Join(dir, "quiet.yaml")))

		_, err := Recheck(dir)

		require.ErrorIs(t, err, ErrBadInput)
		assert.ErrorContains(t, err, "outside the run folder")
	})
	t.Run("history", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		passed(t, dir, "quiet", "shared-kahadb")
		outside := filepath.Join(t.TempDir(), history.OpsFile)
		require.NoError(t, os.Rename(filepath.Join(dir, history.OpsFile), outside))
		require.NoError(t, os.Symlink(outside, filepath.Join(dir, history.OpsFile)))

		_, err := Recheck(dir)

		require.ErrorIs(t, err, ErrBadInput)
		assert.ErrorContains(t, err, filepath.Join(dir, history.OpsFile)+": leads to")
		requireWithdrawn(t, dir, "outside the run folder")
	})
	t.Run("result.json itself", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		outside := t.TempDir()
		passed(t, outside, "quiet", "shared-kahadb")
		require.NoError(t, os.Symlink(filepath.Join(outside, report.ResultFile), filepath.Join(dir, report.ResultFile)))

		_, err := Recheck(dir)

		require.ErrorIs(t, err, ErrBadInput)
		assert.ErrorContains(t, err, "outside the run folder")
		saved, err := report.ReadResult(outside)
		require.NoError(t, err)
		assert.Equal(t, checker.Pass, saved.Verdict, "nothing outside the folder is read or written")
	})
	t.Run("inside is fine, and so is a symlinked run folder", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		require.NoError(t, os.Rename(filepath.Join(dir, "quiet.yaml"), filepath.Join(dir, "kept.txt")))
		require.NoError(t, os.Symlink("kept.txt", filepath.Join(dir, "quiet.yaml")))
		latest := filepath.Join(t.TempDir(), "latest")
		require.NoError(t, os.Symlink(dir, latest))

		res, err := Recheck(latest)

		require.NoError(t, err)
		assert.Equal(t, checker.Pass, res.Verdict)
	})
	t.Run("a folder given by a relative path", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		t.Chdir(filepath.Dir(filepath.Dir(dir)))

		res, err := Recheck(filepath.Join(filepath.Base(filepath.Dir(dir)), "quiet"))

		require.NoError(t, err)
		assert.Equal(t, checker.Pass, res.Verdict)
	})
}

func TestRecheckRefusesAnUnknownProfile(t *testing.T) {
	dir := runFolder(t, "quiet@jdbc", quietYAML("shared-kahadb, jdbc"), healthyRun("jdbc"))
	passed(t, dir, "quiet", "postgres-ha")

	_, err := Recheck(dir)

	require.ErrorIs(t, err, ErrBadInput)
	assert.ErrorContains(t, err, filepath.Join(dir, report.ResultFile)+":3: profile:")
	assert.ErrorContains(t, err, `"postgres-ha" is not a known profile (known: `)
	assert.ErrorContains(t, err, "jdbc")
	saved := requireWithdrawn(t, dir, "is not a known profile")
	assert.Equal(t, "postgres-ha", saved.Profile, "kept as it was, so the next check refuses it too")

	// The refusal sticks until result.json is fixed: the folder's hints do
	// not override the file that was refused.
	_, err = Recheck(dir)
	require.ErrorIs(t, err, ErrBadInput)
	saved = requireWithdrawn(t, dir, "is not a known profile")
	assert.NotContains(t, saved.IncompleteReason, "the verdict it had", "said once, when it was withdrawn")
}

// Any bad input withdraws an old pass; a result.json that cannot be
// decoded claims nothing and is left as it is.
func TestRecheckBadInputWithdrawsTheOldVerdict(t *testing.T) {
	t.Run("corrupt history", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		passed(t, dir, "quiet", "shared-kahadb")
		require.NoError(t, os.WriteFile(filepath.Join(dir, history.OpsFile), []byte("{oops\n{}\n"), 0o644))

		_, err := Recheck(dir)

		require.ErrorIs(t, err, ErrBadInput)
		saved := requireWithdrawn(t, dir, history.OpsFile+": line 1:")
		assert.Contains(t, saved.IncompleteReason, "the verdict it had, pass, is withdrawn")
		assert.Equal(t, "quiet", saved.Scenario)
	})
	t.Run("missing scenario copy", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		passed(t, dir, "quiet", "shared-kahadb")
		require.NoError(t, os.Remove(filepath.Join(dir, "quiet.yaml")))

		_, err := Recheck(dir)

		require.ErrorIs(t, err, ErrBadInput)
		requireWithdrawn(t, dir, "quiet.yaml")
	})
	t.Run("undecodable result.json", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		path := filepath.Join(dir, report.ResultFile)
		require.NoError(t, os.WriteFile(path, []byte(`{"verdict":"pass",`), 0o644))

		_, err := Recheck(dir)

		require.ErrorIs(t, err, ErrBadInput)
		b, rerr := os.ReadFile(path)
		require.NoError(t, rerr)
		assert.Equal(t, `{"verdict":"pass",`, string(b))
	})
	t.Run("no result.json: nothing to withdraw, nothing written", func(t *testing.T) {
		dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
		require.NoError(t, os.Remove(filepath.Join(dir, "quiet.yaml")))

		_, err := Recheck(dir)

		require.ErrorIs(t, err, ErrBadInput)
		assert.NoFileExists(t, filepath.Join(dir, report.ResultFile))
	})
}

// A failure to write the new outputs is not bad input: the folder was
// fine, the disk (here: a directory where report.html goes) was not.
func TestRecheckWriteFailureIsNotBadInput(t *testing.T) {
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, report.HTMLFile, "in-the-way"), 0o755))

	_, err := Recheck(dir)

	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrBadInput)
}

func TestJSONLine(t *testing.T) {
	b := []byte("{\n  \"scenario\": \"x\",\n  \"checks\": [\n    {\"profile\": \"nested\"}\n  ],\n  \"profile\": \"p\"\n}\n")
	assert.Equal(t, 2, jsonLine(b, "scenario"))
	assert.Equal(t, 6, jsonLine(b, "profile"), "the top-level key, not the nested one")
	assert.Equal(t, 0, jsonLine(b, "verdict"))
	assert.Equal(t, 0, jsonLine([]byte("[1]"), "profile"))
}
