package history

import (
	"bufio"
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
	var out []T
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// Save writes history.jsonl and events.jsonl into dir.
func (r Run) Save(dir string) error {
	if err := writeFile(filepath.Join(dir, OpsFile), r.Ops); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, EventsFile), r.Events)
}

// Load reads a run saved by Save.
func Load(dir string) (Run, error) {
	ops, err := readFile[Op](filepath.Join(dir, OpsFile))
	if err != nil {
		return Run{}, err
	}
	events, err := readFile[Event](filepath.Join(dir, EventsFile))
	if err != nil {
		return Run{}, err
	}
	return Run{Ops: ops, Events: events}, nil
}

func writeFile[T any](path string, items []T) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := WriteJSONL(f, items); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func readFile[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	items, err := ReadJSONL[T](f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return items, nil
}
