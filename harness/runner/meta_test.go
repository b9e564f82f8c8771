package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/report"
	"github.com/amqha/amqha/harness/scenario"
)

const nodeImage = "amqha.local/node:da927c2c365c"

func TestMetaRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := report.Meta{RunID: "20250102-030405", Seed: "42", Images: map[string]string{"node": nodeImage},
		Cluster: "jdbc#1", ClusterTurn: 3}
	require.NoError(t, WriteMeta(dir, m))

	got, err := ReadMeta(dir)

	require.NoError(t, err)
	assert.Equal(t, m, got)
	_, err = ReadMeta(t.TempDir())
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// The rewritten report keeps the images the run saved in meta.json.
func TestRecheckKeepsImagesFromMeta(t *testing.T) {
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
	require.NoError(t, WriteMeta(dir, report.Meta{RunID: "the-run", Images: map[string]string{"node": nodeImage},
		Cluster: "shared-kahadb#2", ClusterTurn: 5}))

	_, err := Recheck(dir)

	require.NoError(t, err)
	page := readHTML(t, dir)
	assert.Contains(t, page, "<code>"+nodeImage+"</code>")
	assert.Contains(t, page, "shared-kahadb#2")
	assert.Contains(t, page, "the-run", "meta.json's run id wins over the folder's parent")
}

// A run from before meta.json kept its images only in report.html: the
// recheck carries them over, takes the cluster from the baseline event,
// and writes meta.json so the next recheck needs neither.
func TestRecheckKeepsImagesOfARunWithoutMeta(t *testing.T) {
	run := healthyRun("shared-kahadb")
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), run)
	res, err := Judge(mustLoad(t, filepath.Join(dir, "quiet.yaml")), "shared-kahadb", run)
	require.NoError(t, err)
	require.NoError(t, WriteOutputs(dir, res, run, report.Meta{RunID: "20250102-030405",
		Images: map[string]string{"node": nodeImage, "broker": "a&b <c>"}}))

	_, err = Recheck(dir)

	require.NoError(t, err)
	page := readHTML(t, dir)
	assert.Contains(t, page, "<code>"+nodeImage+"</code>")
	m, err := ReadMeta(dir)
	require.NoError(t, err, "Recheck did not save what it recovered")
	assert.Equal(t, map[string]string{"node": nodeImage, "broker": "a&b <c>"}, m.Images)
	assert.Equal(t, "shared-kahadb#1", m.Cluster)
	assert.Equal(t, 1, m.ClusterTurn)

	// Once more: from meta.json now, the same report.
	_, err = Recheck(dir)
	require.NoError(t, err)
	assert.Contains(t, readHTML(t, dir), "<code>"+nodeImage+"</code>")
}

func TestRecheckRefusesAMalformedMeta(t *testing.T) {
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), healthyRun("shared-kahadb"))
	passed(t, dir, "quiet", "shared-kahadb")
	bad := []byte(`{"images": ["node"]}`)
	require.NoError(t, os.WriteFile(filepath.Join(dir, MetaFile), bad, 0o644))

	_, err := Recheck(dir)

	require.ErrorIs(t, err, ErrBadInput)
	assert.ErrorContains(t, err, filepath.Join(dir, MetaFile))
	requireWithdrawn(t, dir, MetaFile)
	b, err := os.ReadFile(filepath.Join(dir, MetaFile))
	require.NoError(t, err)
	assert.Equal(t, bad, b, "the refused meta.json is the input to fix: left as it is")
}

// A refusal rewrites report.html; the images of the report it replaces
// stay in it, and are saved in meta.json.
func TestRecheckWithdrawalKeepsTheImages(t *testing.T) {
	run := healthyRun("shared-kahadb")
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb"), run)
	res, err := Judge(mustLoad(t, filepath.Join(dir, "quiet.yaml")), "shared-kahadb", run)
	require.NoError(t, err)
	require.NoError(t, WriteOutputs(dir, res, run, report.Meta{Images: map[string]string{"node": nodeImage}}))
	require.NoError(t, os.WriteFile(filepath.Join(dir, history.EventsFile), []byte("{oops\n"), 0o644))

	_, err = Recheck(dir)

	require.ErrorIs(t, err, ErrBadInput)
	requireWithdrawn(t, dir, history.EventsFile)
	assert.Contains(t, readHTML(t, dir), "<code>"+nodeImage+"</code>")
	m, err := ReadMeta(dir)
	require.NoError(t, err)
	assert.Equal(t, nodeImage, m.Images["node"])
}

// An exploratory scenario's seed reaches the report.
func TestRecheckShowsTheScenarioSeed(t *testing.T) {
	dir := runFolder(t, "quiet", quietYAML("shared-kahadb")+"seed: 42\n", healthyRun("shared-kahadb"))

	_, err := Recheck(dir)

	require.NoError(t, err)
	assert.Contains(t, readHTML(t, dir), "seed <code>42</code>")
}

func mustLoad(t *testing.T, path string) *scenario.File {
	t.Helper()
	f, err := scenario.Load(path)
	require.NoError(t, err)
	return f
}
