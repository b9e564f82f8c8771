package history

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndedAndIncompleteReason(t *testing.T) {
	start := Event{Type: RunEvent, Phase: PhaseStart}
	end := Event{Type: RunEvent, Phase: PhaseEnd}
	faultEnd := Event{Type: FaultEvent, Phase: PhaseEnd, Step: 1}

	complete := Run{Events: []Event{start, faultEnd, end}}
	assert.True(t, complete.Ended())
	assert.Empty(t, IncompleteReason(complete, nil))

	// A fault's end is not the run's.
	died := Run{Events: []Event{start, faultEnd}}
	assert.False(t, died.Ended())
	assert.Equal(t, NoEndReason, IncompleteReason(died, nil))
	assert.False(t, Run{}.Ended())

	both := IncompleteReason(died, []string{OpsFile})
	assert.Contains(t, both, NoEndReason)
	assert.Contains(t, both, OpsFile+" was cut short")
}

func TestScenarioCopy(t *testing.T) {
	dir := t.TempDir()
	p, err := ScenarioCopy(dir, "kill-master")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "kill-master.yaml"), p)

	_, err = ScenarioCopy(dir, "")
	assert.ErrorContains(t, err, "no scenario file")

	write := func(name string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("name: x\n"), 0o644))
	}
	write("kill-master.yaml")
	write("broker1.log")
	p, err = ScenarioCopy(dir, "")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "kill-master.yaml"), p)

	write("other.yaml")
	_, err = ScenarioCopy(dir, "")
	assert.ErrorContains(t, err, "2 scenario files (kill-master.yaml, other.yaml)")
}

func TestFolderProfile(t *testing.T) {
	assert.Equal(t, "jdbc", FolderProfile("reports/run/kill-master@jdbc"))
	assert.Equal(t, "jdbc", FolderProfile("reports/run/kill-master@jdbc/"))
	assert.Empty(t, FolderProfile("reports/run/kill-master"))
	assert.Empty(t, FolderProfile("reports/a@b/kill-master"), "only the folder's own name counts")
}

func TestStartedOn(t *testing.T) {
	evs := []Event{
		{Type: RoleEvent, Detail: "kill-master on nothing"},
		{Type: RunEvent, Phase: PhaseStart, Detail: "kill-master on shared-kahadb"},
	}
	assert.Equal(t, "shared-kahadb", StartedOn(evs, "kill-master"))
	assert.Empty(t, StartedOn(evs, "other"), "another scenario's start")
	assert.Empty(t, StartedOn(nil, "kill-master"))
}
