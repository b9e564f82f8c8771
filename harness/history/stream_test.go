package history

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// fixedRecorder stamps records at t0 plus one millisecond per record, so
// that files written at different times compare byte for byte.
func fixedRecorder() *Recorder {
	r := NewRecorder()
	n := 0
	r.now = func() time.Time { n++; return t0.Add(time.Duration(n) * time.Millisecond) }
	return r
}

func sendOp(i int) Op {
	return Op{Process: Producer, Type: OK, F: Send, ID: fmt.Sprintf("m%05d", i), Broker: "broker1"}
}

// record makes n sends from each of workers goroutines, and an event every
// tenth send, the way the workload and the role probe record at once.
func record(r *Recorder, workers, n int) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				r.Op(sendOp(w*n + i))
				if i%10 == 0 {
					r.Event(Event{Type: RoleEvent, Node: fmt.Sprintf("broker%d", w+1), Role: Master})
				}
			}
		}()
	}
	wg.Wait()
}

func readBack(t *testing.T, dir string) Run {
	t.Helper()
	run, cut, err := LoadPartial(dir)
	require.NoError(t, err)
	require.Empty(t, cut)
	return run
}

// A process that is killed after a Flush, without Close, leaves files
// holding everything recorded up to the flush, earliest records included.
func TestStreamSurvivesAKillAfterFlush(t *testing.T) {
	dir := t.TempDir()
	r := fixedRecorder()
	r.Event(Event{Type: RunEvent, Phase: PhaseStart, Detail: "before the stream"})
	r.Op(sendOp(-1))
	require.NoError(t, r.Stream(dir))
	t.Cleanup(func() { _ = r.Close() }) // only to stop the goroutine after the test

	record(r, 4, 500)
	require.NoError(t, FlushAll())
	want := r.Snapshot()
	got := readBack(t, dir)
	assert.Equal(t, want, got)
	assert.Len(t, got.Ops, 2001)
	assert.Equal(t, "before the stream", got.Events[0].Detail)
}

// Stream writes what was recorded before it at once, not at the first
// tick: a run that dies right after Stream still has its start.
func TestStreamWritesEarlierRecordsAtOnce(t *testing.T) {
	dir := t.TempDir()
	r := fixedRecorder()
	r.Event(Event{Type: RunEvent, Phase: PhaseStart})
	r.Op(sendOp(1))
	require.NoError(t, r.Stream(dir))
	t.Cleanup(func() { _ = r.Close() })
	assert.Equal(t, r.Snapshot(), readBack(t, dir))
}

// Without any Flush, the background goroutine writes within a period.
func TestStreamWritesOnItsOwn(t *testing.T) {
	dir := t.TempDir()
	r := fixedRecorder()
	require.NoError(t, r.Stream(dir))
	t.Cleanup(func() { _ = r.Close() })
	r.Op(sendOp(1))
	r.Event(Event{Type: RunEvent, Phase: PhaseEnd})
	require.Eventually(t, func() bool {
		run, _, err := LoadPartial(dir)
		return err == nil && len(run.Ops) == 1 && run.Ended()
	}, 10*streamPeriod, streamPeriod/5)
}

// Close then Save, as the runner's normal end does, leaves the same bytes
// the stream wrote, and Save into another folder writes them too.
func TestCloseThenSaveMatchesTheStream(t *testing.T) {
	dir := t.TempDir()
	r := fixedRecorder()
	require.NoError(t, r.Stream(dir))
	record(r, 3, 700)
	require.NoError(t, r.Close())
	streamed := readFiles(t, dir)

	snap := r.Snapshot()
	require.NoError(t, snap.Save(dir))
	assert.Equal(t, streamed, readFiles(t, dir), "Save over the stream changed the files")
	other := t.TempDir()
	require.NoError(t, snap.Save(other))
	assert.Equal(t, streamed, readFiles(t, other), "Save of the snapshot differs from the stream")
}

func readFiles(t *testing.T, dir string) [2][]byte {
	t.Helper()
	var out [2][]byte
	for i, name := range []string{OpsFile, EventsFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		out[i] = b
	}
	require.NotEmpty(t, out[0])
	return out
}

// Save while the stream still runs must not be corrupted by it: the
// stream's later writes go to the replaced file, not into the new one.
func TestSaveWhileStreamingIsNotInterleaved(t *testing.T) {
	dir := t.TempDir()
	r := fixedRecorder()
	require.NoError(t, r.Stream(dir))
	record(r, 1, 100)
	snap := r.Snapshot()
	require.NoError(t, snap.Save(dir))
	record(r, 1, 100)
	require.NoError(t, r.Close())
	assert.Equal(t, snap, readBack(t, dir))
}

func TestCloseIsIdempotentAndSafeWithoutStream(t *testing.T) {
	assert.NoError(t, NewRecorder().Close())
	assert.NoError(t, NewRecorder().Flush())

	r := fixedRecorder()
	require.NoError(t, r.Stream(t.TempDir()))
	require.NoError(t, r.Close())
	require.NoError(t, r.Close())
	assert.NoError(t, r.Flush(), "Flush after Close")
	r.Op(sendOp(1)) // still recorded in memory
	assert.Len(t, r.Snapshot().Ops, 1)
}

func TestCloseUnregisters(t *testing.T) {
	r := fixedRecorder()
	require.NoError(t, r.Stream(t.TempDir()))
	live.mu.Lock()
	_, in := live.recs[r]
	live.mu.Unlock()
	require.True(t, in, "a streaming recorder is not in the registry")
	require.NoError(t, r.Close())
	live.mu.Lock()
	_, in = live.recs[r]
	live.mu.Unlock()
	assert.False(t, in, "a closed recorder is still in the registry")
}

func TestStreamErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir")
	err := NewRecorder().Stream(missing)
	require.Error(t, err)
	assert.Contains(t, err.Error(), OpsFile)

	// A folder where events.jsonl cannot be created: history.jsonl's file
	// is closed again and the error names events.jsonl.
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, EventsFile), 0o755))
	err = NewRecorder().Stream(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), EventsFile)

	r := fixedRecorder()
	require.NoError(t, r.Stream(t.TempDir()))
	defer r.Close()
	assert.ErrorContains(t, r.Stream(t.TempDir()), "already streaming")
}

// A write error is not lost in the background goroutine: Flush and Close
// report it.
func TestWriteErrorReachesFlushAndClose(t *testing.T) {
	r := fixedRecorder()
	require.NoError(t, r.Stream(t.TempDir()))
	st := r.st.Load()
	require.NoError(t, st.ops.f.Close()) // the next write fails
	r.Op(sendOp(1))
	err := r.Flush()
	require.Error(t, err)
	assert.Contains(t, err.Error(), OpsFile)
	assert.ErrorIs(t, r.Close(), os.ErrClosed)
}

// FlushAll from another goroutine, as a signal handler calls it, while
// producers record: the race detector is the judge here.
func TestFlushAllWhileRecording(t *testing.T) {
	dir := t.TempDir()
	r := fixedRecorder()
	require.NoError(t, r.Stream(dir))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			assert.NoError(t, FlushAll())
		}
	}()
	record(r, 4, 2000)
	<-done
	require.NoError(t, r.Close())
	got := readBack(t, dir)
	assert.Len(t, got.Ops, 8000)
	assert.True(t, bytes.Equal(mustJSONL(t, r.Snapshot().Ops), mustRead(t, filepath.Join(dir, OpsFile))))
}

func mustJSONL[T any](t *testing.T, items []T) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteJSONL(&b, items))
	return b.Bytes()
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
