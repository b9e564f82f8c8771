package runner

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
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
func healthyRun(profile string) history.Run {
	run := history.Run{Events: []history.Event{
		{Time: at(0), Type: history.RunEvent, Phase: history.PhaseStart, Detail: "quiet on " + profile}}}
	for i := range 20 {
		id := fmt.Sprintf("m%03d", i)
		t := at(1 + float64(i)*0.1)
		run.Ops = append(run.Ops,
			history.Op{Time: t, Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id},
			history.Op{Time: t.Add(10 * time.Millisecond), Process: history.Producer, Type: history.OK, F: history.Send, ID: id, Broker: "broker1"},
			history.Op{Time: t.Add(50 * time.Millisecond), Process: history.Consumer, Type: history.OK, F: history.Receive, ID: id, Broker: "broker1"})
	}
	for i := range run.Ops {
		run.Ops[i].Index = int64(i)
	}
	for sec := range 5 {
		run.Events = append(run.Events,
			history.Event{Time: at(float64(sec)), Type: history.RoleEvent, Node: "broker1", Role: history.Master},
			history.Event{Time: at(float64(sec)), Type: history.RoleEvent, Node: "broker2", Role: history.Slave})
	}
	run.Events = append(run.Events,
		history.Event{Time: at(4), Type: history.RunEvent, Phase: "drain"},
		history.Event{Time: at(5), Type: history.RunEvent, Phase: history.PhaseEnd})
	return run
}

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
	// The checks still say what the recorded part shows.
	require.NotEmpty(t, res.Checks)
	assert.Equal(t, checker.NoLoss, res.Checks[0].Name)
	assert.Equal(t, checker.Pass, res.Checks[0].Status)
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
