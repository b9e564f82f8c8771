package history

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// streamPeriod bounds what a killed run loses: at most this much of its
// newest records. Short against a kill -9, long enough that the disk sees
// a few large writes a second rather than one per operation.
const streamPeriod = 250 * time.Millisecond

// streamBuffer is each file's write buffer; it also flushes by itself when
// full, so a burst between two ticks never grows memory.
const streamBuffer = 64 << 10

// Stream makes the recorder append every operation and event to
// dir/history.jsonl and dir/events.jsonl as the run goes, those recorded
// before the call first, so that a run that dies still leaves its
// evidence. The files are created (truncated) at once and written every
// streamPeriod by a background goroutine; Op and Event stay as cheap as
// without a stream. A recorder streams at most once; Close ends it.
func (r *Recorder) Stream(dir string) error {
	r.life.Lock()
	defer r.life.Unlock()
	if r.st.Load() != nil {
		return errors.New("history: recorder is already streaming (or has streamed)")
	}
	st, err := openStream(dir)
	if err != nil {
		return err
	}
	// Write what was recorded so far now: it proves the files writable
	// before the run depends on them.
	if err := st.flush(r); err != nil {
		return errors.Join(err, st.closeFiles())
	}
	r.st.Store(st)
	register(r)
	go st.loop(r)
	return nil
}

// Flush writes everything recorded so far to the streamed files. It is for
// callers about to exit without Close (see FlushAll); it is a no-op when
// the recorder does not stream or has been closed. It returns the stream's
// first write error, if any.
func (r *Recorder) Flush() error {
	st := r.st.Load()
	if st == nil {
		return nil
	}
	return st.flush(r)
}

// Close stops the stream, writes what is left and closes the files. It is
// idempotent, returning the same error each time, and a no-op on a
// recorder that never streamed. Records made after Close stay in memory
// only: Run.Save writes them.
func (r *Recorder) Close() error {
	r.life.Lock()
	defer r.life.Unlock()
	st := r.st.Load()
	if st == nil {
		return nil
	}
	return st.close(r)
}

// pending returns the records from index ops and events on. The slices
// share the recorder's arrays, yet are safe to read after the lock is
// released: a record never changes once appended, and later appends write
// past their end (or into a new array).
func (r *Recorder) pending(ops, events int) ([]Op, []Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ops[ops:len(r.ops):len(r.ops)], r.events[events:len(r.events):len(r.events)]
}

// stream appends a recorder's records to its two files. The recorder's
// lock is held only to read how far the slices reach; encoding and
// writing happen under wmu, off the recording goroutines' path.
type stream struct {
	// wmu serialises the ticker, Flush (possibly from a signal handler)
	// and Close; it is always taken before the recorder's lock.
	wmu           sync.Mutex
	ops, events   *jsonlFile
	nOps, nEvents int   // records already handed to the files
	err           error // first write error; sticky, like bufio.Writer's
	closed        bool
	stop, done    chan struct{}
	once          sync.Once
	closeErr      error
}

func openStream(dir string) (*stream, error) {
	ops, err := createJSONL(filepath.Join(dir, OpsFile))
	if err != nil {
		return nil, err
	}
	events, err := createJSONL(filepath.Join(dir, EventsFile))
	if err != nil {
		return nil, errors.Join(err, ops.close())
	}
	return &stream{ops: ops, events: events, stop: make(chan struct{}), done: make(chan struct{})}, nil
}

// loop flushes every streamPeriod until close. A write error is kept in
// st.err for Flush and Close to report: a goroutine has nobody to tell.
func (st *stream) loop(r *Recorder) {
	defer close(st.done)
	t := time.NewTicker(streamPeriod)
	defer t.Stop()
	for {
		select {
		case <-st.stop:
			return
		case <-t.C:
			_ = st.flush(r)
		}
	}
}

// flush writes the records not yet written and pushes the buffers to the
// files. After a write error it writes nothing more: the files' tails are
// then unknown, and appending past a gap would hide it.
func (st *stream) flush(r *Recorder) error {
	st.wmu.Lock()
	defer st.wmu.Unlock()
	if st.closed || st.err != nil {
		return st.err
	}
	ops, events := r.pending(st.nOps, st.nEvents)
	if err := writeItems(st.ops, ops); err != nil {
		st.err = err
		return err
	}
	st.nOps += len(ops)
	if err := writeItems(st.events, events); err != nil {
		st.err = err
		return err
	}
	st.nEvents += len(events)
	return nil
}

func (st *stream) close(r *Recorder) error {
	st.once.Do(func() {
		close(st.stop)
		<-st.done
		unregister(r)
		err := st.flush(r)
		st.wmu.Lock()
		defer st.wmu.Unlock()
		st.closed = true
		st.closeErr = errors.Join(err, st.closeFiles())
	})
	return st.closeErr
}

func (st *stream) closeFiles() error {
	return errors.Join(st.ops.close(), st.events.close())
}

// jsonlFile is one streamed file. Its encoder is json.NewEncoder's with
// default settings, the same as WriteJSONL's, so the stream and Run.Save
// write byte-identical files.
type jsonlFile struct {
	f   *os.File
	bw  *bufio.Writer
	enc *json.Encoder
}

func createJSONL(path string) (*jsonlFile, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("stream: %w", err)
	}
	bw := bufio.NewWriterSize(f, streamBuffer)
	return &jsonlFile{f: f, bw: bw, enc: json.NewEncoder(bw)}, nil
}

// writeItems encodes items and flushes the buffer to the file. There is
// no fsync: the records must outlive the process, which the kernel's page
// cache already ensures, not the machine.
func writeItems[T any](jf *jsonlFile, items []T) error {
	for i := range items {
		if err := jf.enc.Encode(&items[i]); err != nil {
			return fmt.Errorf("stream %s: %w", jf.f.Name(), err)
		}
	}
	if err := jf.bw.Flush(); err != nil {
		return fmt.Errorf("stream %s: %w", jf.f.Name(), err)
	}
	return nil
}

func (jf *jsonlFile) close() error {
	if err := jf.f.Close(); err != nil {
		return fmt.Errorf("stream: close %s: %w", jf.f.Name(), err)
	}
	return nil
}

// live is every recorder streaming now, for FlushAll.
var live = struct {
	mu   sync.Mutex
	recs map[*Recorder]struct{}
}{recs: map[*Recorder]struct{}{}}

func register(r *Recorder) {
	live.mu.Lock()
	defer live.mu.Unlock()
	live.recs[r] = struct{}{}
}

func unregister(r *Recorder) {
	live.mu.Lock()
	defer live.mu.Unlock()
	delete(live.recs, r)
}

// FlushAll flushes every recorder that is streaming, for a process about
// to exit without running deferred Closes (a signal handler calling
// os.Exit). It is safe to call from any goroutine while others record.
func FlushAll() error {
	live.mu.Lock()
	recs := make([]*Recorder, 0, len(live.recs))
	for r := range live.recs {
		recs = append(recs, r)
	}
	live.mu.Unlock()
	var errs []error
	for _, r := range recs {
		errs = append(errs, r.Flush())
	}
	return errors.Join(errs...)
}
