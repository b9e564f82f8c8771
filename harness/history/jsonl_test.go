package history

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// saved writes a small complete run to a fresh folder.
func saved(t *testing.T) (string, Run) {
	t.Helper()
	r := fixedRecorder()
	r.Event(Event{Type: RunEvent, Phase: PhaseStart, Detail: "s on p"})
	for i := range 5 {
		r.Op(sendOp(i))
	}
	r.Event(Event{Type: RunEvent, Phase: PhaseEnd})
	run := r.Snapshot()
	dir := t.TempDir()
	require.NoError(t, run.Save(dir))
	return dir, run
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(s)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

func TestLoadSkipsALastLineCutShort(t *testing.T) {
	for _, file := range []string{OpsFile, EventsFile} {
		t.Run(file, func(t *testing.T) {
			dir, run := saved(t)
			appendTo(t, filepath.Join(dir, file), `{"index":5,"time":"2025-01-02T03:`)
			got, cut, err := LoadPartial(dir)
			require.NoError(t, err)
			assert.Equal(t, []string{file}, cut)
			assert.Equal(t, run, got)
			assert.Contains(t, IncompleteReason(got, cut), file+" was cut short")

			got, err = Load(dir)
			require.NoError(t, err)
			assert.Equal(t, run, got)
		})
	}
}

// A last line without its newline that parses is a whole record: kept,
// and nothing is reported cut.
func TestLoadKeepsAWholeLastLineWithoutNewline(t *testing.T) {
	dir, run := saved(t)
	path := filepath.Join(dir, OpsFile)
	b := mustRead(t, path)
	require.NoError(t, os.WriteFile(path, b[:len(b)-1], 0o644))
	got, cut, err := LoadPartial(dir)
	require.NoError(t, err)
	assert.Empty(t, cut)
	assert.Equal(t, run, got)
}

// Damage anywhere but a cut last line is corruption, not a dead writer,
// and still fails with the line number.
func TestLoadRejectsBadLines(t *testing.T) {
	cases := map[string]struct{ mangle func(string) string }{
		"bad middle line": {func(s string) string {
			lines := strings.SplitAfter(s, "\n")
			lines[2] = "{not json\n"
			return strings.Join(lines, "")
		}},
		"bad last line with its newline": {func(s string) string { return s + "{not json\n" }},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir, _ := saved(t)
			path := filepath.Join(dir, OpsFile)
			require.NoError(t, os.WriteFile(path, []byte(c.mangle(string(mustRead(t, path)))), 0o644))
			_, _, err := LoadPartial(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), OpsFile)
			assert.Regexp(t, `line [36]:`, err.Error())
		})
	}
}

// ReadJSONL stays strict: a cut last line is an error there.
func TestReadJSONLIsStrict(t *testing.T) {
	_, err := ReadJSONL[Op](strings.NewReader(`{"index":0}` + "\n" + `{"ind`))
	assert.ErrorContains(t, err, "line 2:")
	items, cut, err := ReadJSONLPartial[Op](strings.NewReader(`{"index":0}` + "\n" + `{"ind`))
	require.NoError(t, err)
	assert.True(t, cut)
	assert.Len(t, items, 1)
}

func TestLoadMissingFile(t *testing.T) {
	dir, _ := saved(t)
	require.NoError(t, os.Remove(filepath.Join(dir, EventsFile)))
	_, _, err := LoadPartial(dir)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorContains(t, err, EventsFile)
}

// Save replaces files atomically: no temporary file is left behind, and
// the files are readable by others.
func TestSaveLeavesNoTemporaryFiles(t *testing.T) {
	dir, _ := saved(t)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{OpsFile, EventsFile}, names)
	st, err := os.Stat(filepath.Join(dir, OpsFile))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
}

func TestSaveIntoMissingFolderFails(t *testing.T) {
	err := Run{}.Save(filepath.Join(t.TempDir(), "gone"))
	assert.ErrorContains(t, err, OpsFile)
}

// A Save that fails leaves no temporary file: here the rename fails,
// because history.jsonl is a folder that is not empty.
func TestFailedSaveLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, OpsFile, "x"), 0o755))
	err := Run{Ops: []Op{sendOp(1)}}.Save(dir)
	require.ErrorContains(t, err, "rename")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "a temporary file was left behind")
	assert.Equal(t, OpsFile, entries[0].Name())
}
