// Package report turns a checked run into things people read: result.json
// for machines, a console table for the person at the terminal, one
// self-contained report.html per scenario and an index.html per run.
//
// Data shaping (Buckets, Lanes, FaultBands, FailoverMarks, VerdictRows,
// Evidence, AvailabilityGap) is kept apart from rendering so it can be
// golden-tested without parsing HTML, and so that everything the HTML shows
// is aggregated before it reaches a template: a million-operation run still
// renders into a small file.
package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/amqha/amqha/harness/checker"
)

// File names inside a scenario's report folder and a run's folder.
const (
	ResultFile = "result.json"
	HTMLFile   = "report.html"
	IndexFile  = "index.html"
	LatestLink = "latest"
)

// WriteResult writes res as indented JSON to dir/result.json.
func WriteResult(dir string, res checker.Result) error {
	return writeAtomic(filepath.Join(dir, ResultFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		// Check details quote broker output; "<" stays readable in the file.
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	})
}

// ReadResult reads dir/result.json as written by WriteResult.
func ReadResult(dir string) (checker.Result, error) {
	var res checker.Result
	path := filepath.Join(dir, ResultFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return res, fmt.Errorf("read result: %w", err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return res, fmt.Errorf("decode %s: %w", path, err)
	}
	return res, nil
}

// writeAtomic writes through a temporary file and renames it into place, so
// a crash or a full disk never leaves a half-written report that a reader
// (or the index) would take for a finished one.
func writeAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	bw := bufio.NewWriterSize(tmp, 256*1024)
	if err := write(bw); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	// CreateTemp makes 0600 files; reports are meant to be shared.
	if err := tmp.Chmod(0o644); err != nil {
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
