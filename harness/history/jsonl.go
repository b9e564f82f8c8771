package history

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File names inside a scenario's report folder.
const (
	OpsFile    = "history.jsonl"
	EventsFile = "events.jsonl"
)

// WriteJSONL writes one JSON document per line.
func WriteJSONL[T any](w io.Writer, items []T) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for i := range items {
		if err := enc.Encode(&items[i]); err != nil {
			return fmt.Errorf("encode line %d: %w", i+1, err)
		}
	}
	return bw.Flush()
}

// ReadJSONL reads one JSON document per line; errors name the line.
func ReadJSONL[T any](r io.Reader) ([]T, error) {
	items, _, err := readJSONL[T](r, false)
	return items, err
}

// ReadJSONLPartial is ReadJSONL for a file whose writer may have died
// mid-line: a last line that has no newline and does not parse is skipped,
// and cut reports it. A bad line anywhere else is still an error, because
// an append-only writer cannot leave one there: it means corruption.
func ReadJSONLPartial[T any](r io.Reader) (items []T, cut bool, err error) {
	return readJSONL[T](r, true)
}

func readJSONL[T any](r io.Reader, tolerateCut bool) ([]T, bool, error) {
	var out []T
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	// unterminated is set when the scanner hands out a final line that
	// no newline ended: only that line can be a cut write.
	unterminated := false
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		adv, tok, err := bufio.ScanLines(data, atEOF)
		if atEOF && tok != nil && bytes.IndexByte(data[:adv], '\n') < 0 {
			unterminated = true
		}
		return adv, tok, err
	})
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			if tolerateCut && unterminated {
				return out, true, nil
			}
			return nil, false, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return nil, false, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, false, nil
}

// Save writes history.jsonl and events.jsonl into dir. Each file is
// replaced whole, atomically, so that Save after a Recorder's stream
// leaves exactly the snapshot, and a crash during Save leaves the
// streamed file rather than half of the new one.
func (r Run) Save(dir string) error {
	if err := writeFile(filepath.Join(dir, OpsFile), r.Ops); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, EventsFile), r.Events)
}

// Load reads a run saved by Save or left by a Recorder's stream. Like
// LoadPartial, it skips a last line cut short; use LoadPartial to learn
// whether it had to.
func Load(dir string) (Run, error) {
	run, _, err := LoadPartial(dir)
	return run, err
}

// LoadPartial reads a run saved by Save or left by a stream whose process
// died. cut names the files (OpsFile, EventsFile) whose last line was cut
// short mid-write and skipped: such a run is incomplete.
func LoadPartial(dir string) (run Run, cut []string, err error) {
	ops, opsCut, err := readFile[Op](filepath.Join(dir, OpsFile))
	if err != nil {
		return Run{}, nil, err
	}
	events, eventsCut, err := readFile[Event](filepath.Join(dir, EventsFile))
	if err != nil {
		return Run{}, nil, err
	}
	if opsCut {
		cut = append(cut, OpsFile)
	}
	if eventsCut {
		cut = append(cut, EventsFile)
	}
	return Run{Ops: ops, Events: events}, cut, nil
}

// writeFile writes through a temporary file renamed into place. A stream
// still appending to the old file then writes to an unlinked inode instead
// of into the middle of the new one.
func writeFile[T any](path string, items []T) error {
	return WriteAtomic(path, func(w io.Writer) error { return WriteJSONL(w, items) })
}

// WriteAtomic writes a file through a temporary file renamed into place,
// so a crash or a full disk never leaves a half-written file that a reader
// would take for a finished one. The file is 0644: runs are meant to be
// shared.
func WriteAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	bw := bufio.NewWriterSize(tmp, 256*1024)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes 0600 files
		tmp.Close()
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename %s: %w", path, err)
	}
	return nil
}

func readFile[T any](path string) ([]T, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	items, cut, err := ReadJSONLPartial[T](f)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return items, cut, nil
}
