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
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
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

// writeAtomic writes through a temporary file renamed into place, so the
// index never takes a half-written report for a finished one.
func writeAtomic(path string, write func(io.Writer) error) error {
	return history.WriteAtomic(path, write)
}
