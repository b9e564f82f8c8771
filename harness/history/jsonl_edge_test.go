package history

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every field of an operation and an event survives a save and a load,
// the awkward values included: a nanosecond time, an error with a quote
// and a newline, non-ASCII ids, a node list.
func TestSaveLoadKeepsEveryField(t *testing.T) {
	ts := time.Date(2025, 6, 7, 8, 9, 10, 123456789, time.UTC)
	run := Run{
		Ops: []Op{
			{Index: 0, Time: ts, Process: Producer, Type: Invoke, F: Send, ID: "m-é-1", RetryOf: "m-é-0"},
			{Index: 1, Time: ts.Add(time.Nanosecond), Process: Producer, Type: Info, F: Send, ID: "m-é-1",
				Broker: "broker2", Error: "no receipt: \"timeout\"\nconnection reset"},
			{Index: 2, Time: ts.Add(time.Second), Process: Consumer, Type: OK, F: Receive, ID: "m-é-1",
				Broker: "broker3", Redelivered: true},
		},
		Events: []Event{
			{Time: ts, Type: RunEvent, Phase: PhaseStart, Detail: "kill-master on jdbc"},
			{Time: ts, Type: FaultEvent, Phase: PhaseStart, Step: 2, Action: "partition", Target: "minority",
				Nodes: []string{"broker1", "zk1"}, Detail: "iptables", Error: "zk1: exit 1"},
			{Time: ts, Type: RoleEvent, Node: "pg2", Role: Replica},
		},
	}
	dir := t.TempDir()
	require.NoError(t, run.Save(dir))
	got, cut, err := LoadPartial(dir)
	require.NoError(t, err)
	assert.Empty(t, cut)
	assert.Equal(t, run, got)
}

// Times are kept as instants: a record stamped in another zone loads as
// the same moment, which is all the checker compares.
func TestJSONLKeepsTheInstantAcrossZones(t *testing.T) {
	zone := time.FixedZone("CEST", 2*60*60)
	in := []Op{{Time: time.Date(2025, 6, 7, 10, 9, 10, 5, zone), ID: "m1"}}
	var b bytes.Buffer
	require.NoError(t, WriteJSONL(&b, in))
	out, err := ReadJSONL[Op](&b)
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.True(t, out[0].Time.Equal(in[0].Time), "%v loaded as %v", in[0].Time, out[0].Time)
}

// Fields that are empty stay out of the file: a long history is mostly
// sends without an error, a retry or a redelivery.
func TestJSONLOmitsEmptyFields(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteJSONL(&b, []Op{{Time: t0, Process: Producer, Type: Invoke, F: Send, ID: "m1"}}))
	assert.Equal(t, `{"index":0,"time":"2025-01-02T03:04:05Z","process":"producer","type":"invoke","f":"send","id":"m1"}`+"\n", b.String())
}

// An empty run saves as two empty files and loads back empty; an empty
// reader is no error.
func TestEmptyRunRoundTrip(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Run{}.Save(dir))
	for _, f := range []string{OpsFile, EventsFile} {
		assert.Empty(t, mustRead(t, filepath.Join(dir, f)), f)
	}
	got, cut, err := LoadPartial(dir)
	require.NoError(t, err)
	assert.Empty(t, cut)
	assert.Equal(t, Run{}, got)

	items, err := ReadJSONL[Op](strings.NewReader(""))
	require.NoError(t, err)
	assert.Empty(t, items)
}

// Blank lines are skipped but still counted, so an error names the line
// an editor shows; CRLF line ends (a file that went through Windows) read
// as plain ones.
func TestReadJSONLLinesAsAnEditorCountsThem(t *testing.T) {
	items, err := ReadJSONL[Op](strings.NewReader("{\"id\":\"a\"}\r\n\r\n{\"id\":\"b\"}\r\n"))
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Equal(t, "b", items[1].ID)

	_, err = ReadJSONL[Op](strings.NewReader("{\"id\":\"a\"}\n\n\n{\"id\":"))
	assert.ErrorContains(t, err, "line 4:")
}

// A line of the wrong shape is corruption, named by its line; the
// partial reader forgives only the last line, and only without its
// newline.
func TestReadJSONLRejectsWrongTypes(t *testing.T) {
	_, err := ReadJSONL[Op](strings.NewReader(`{"index":"seven"}` + "\n"))
	assert.ErrorContains(t, err, "line 1:")

	_, _, err = ReadJSONLPartial[Op](strings.NewReader(`{"index":"seven"}` + "\n" + `{"index":1}` + "\n"))
	assert.ErrorContains(t, err, "line 1:", "a bad line with its newline is never a cut write")

	items, cut, err := ReadJSONLPartial[Op](strings.NewReader(`{"ind`))
	require.NoError(t, err)
	assert.True(t, cut, "the only line, cut short")
	assert.Empty(t, items)
}

// A line longer than the reader's 16 MiB limit is an error that names
// it, not a silent stop.
func TestReadJSONLLineTooLong(t *testing.T) {
	long := `{"id":"` + strings.Repeat("x", 16<<20) + `"}`
	_, err := ReadJSONL[Op](strings.NewReader(`{"id":"a"}` + "\n" + long + "\n"))
	assert.ErrorContains(t, err, "line 2:")
	assert.ErrorIs(t, err, bufio.ErrTooLong)

	_, _, err = ReadJSONLPartial[Op](strings.NewReader(`{"id":"a"}` + "\n" + long))
	assert.ErrorIs(t, err, bufio.ErrTooLong, "an over-long last line is not taken for a cut one")
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteJSONLReportsErrors(t *testing.T) {
	ops := make([]Op, 100)
	err := WriteJSONL(&failingWriter{n: 10}, ops)
	assert.ErrorIs(t, err, errDiskFull)

	// A value JSON cannot encode names its line.
	type item struct{ V any }
	err = WriteJSONL(io.Discard, []item{{V: 1}, {V: make(chan int)}})
	assert.ErrorContains(t, err, "encode line 2")
}

// WriteAtomic's promise: a failed write leaves the old file exactly as it
// was, and no temporary file beside it.
func TestWriteAtomicFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "result.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))

	err := WriteAtomic(path, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half of the new")
		return errDiskFull
	})
	assert.ErrorIs(t, err, errDiskFull)
	assert.ErrorContains(t, err, path)
	assert.Equal(t, "old", string(mustRead(t, path)))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "a temporary file was left behind")

	require.NoError(t, WriteAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}))
	assert.Equal(t, "new", string(mustRead(t, path)))
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
}
