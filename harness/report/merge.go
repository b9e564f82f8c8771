package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/amqha/amqha/harness/checker"
)

// JUnitFile is the JUnit XML file `make scenarios` writes into the reports
// folder, and the one Merge writes into its output.
const JUnitFile = "junit.xml"

// mergeMarker marks a folder Merge wrote. Found below an input, such a
// folder is skipped: `amqha report merge reports` must not count the
// copies an earlier merge into reports/merged-<timestamp> made. Given as an
// input itself, a merged folder is merged like any other.
const mergeMarker = ".amqha-merged"

// ErrBadInput marks a Merge error caused by what it was given: a missing
// folder, one with no results, a malformed result.json or junit.xml, an
// output folder that is already in use. The CLI exits 2 for it.
var ErrBadInput = errors.New("bad input")

// inputError is an error that errors.Is reports as ErrBadInput while
// printing only its own message.
type inputError struct{ err error }

func (e inputError) Error() string        { return e.err.Error() }
func (e inputError) Unwrap() error        { return e.err }
func (e inputError) Is(target error) bool { return target == ErrBadInput }

func badInput(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// MergeOptions configure Merge.
type MergeOptions struct {
	// Inputs are run folders (reports/<run-id>), folders holding them
	// (reports/, a downloaded CI artifact), or single result folders.
	Inputs []string
	// Out is the folder to write; it must not exist yet or be empty.
	Out string
	// Failures explains why a result misses its expectations, one line per
	// reason, for the JUnit test cases Merge synthesises; an empty answer
	// means the result met them. runner.Mismatches is the CLI's; nil
	// judges by the verdict alone.
	Failures func(checker.Result) []string
}

// Copy is one result folder copied into the merged output.
type Copy struct {
	// Src is the result folder found in an input.
	Src string
	// Dir is its copy in the output, whose base name differs from Src's
	// when another input had a folder of the same name.
	Dir string
}

// Merged is what Merge wrote.
type Merged struct {
	// Rows are the copied results, as WriteIndex and Summary take them.
	Rows []Row
	// Copies pairs every copy with its source, in the order of Rows.
	Copies []Copy
	// JUnitFiles are the inputs' junit.xml files merged into JUnit.
	JUnitFiles []string
	// Synthesised counts the test cases made from result.json files, for
	// inputs that hold no junit.xml.
	Synthesised int
	// Index and JUnit are the paths of the written index.html and junit.xml.
	Index, JUnit string
}

// source is one input folder and what was found under it.
type source struct {
	path    string   // as given
	results []Row    // result folders, resolved, not seen in an earlier input
	junit   []string // junit.xml files, resolved, not seen in an earlier input
	rows    []Row    // the copies of results, filled by copyResults
}

// Merge finds every scenario result folder (one holding result.json) under
// o.Inputs, copies them into o.Out so the links of the index it writes
// there stay relative, and writes one junit.xml merged from the inputs'
// junit.xml files. An input without a junit.xml gets a test case per
// result instead, failing when o.Failures names a reason. Nothing is
// written unless every input is usable.
func Merge(o MergeOptions) (Merged, error) {
	var m Merged
	if len(o.Inputs) == 0 {
		return m, badInput("merge: no input folders given")
	}
	srcs, err := scanInputs(o.Inputs)
	if err != nil {
		return m, err
	}
	suites, err := readAllJUnit(srcs)
	if err != nil {
		return m, err
	}
	if err := prepareOut(o.Out); err != nil {
		return m, err
	}
	if err := copyResults(o.Out, srcs, &m); err != nil {
		return m, err
	}
	for i := range srcs {
		if len(srcs[i].junit) == 0 && len(srcs[i].rows) > 0 {
			suites = append(suites, synthSuite(o.Out, srcs[i], o.Failures))
			m.Synthesised += len(srcs[i].rows)
		}
		m.JUnitFiles = append(m.JUnitFiles, srcs[i].junit...)
	}
	m.JUnit = filepath.Join(o.Out, JUnitFile)
	if err := writeJUnit(m.JUnit, suites); err != nil {
		return m, err
	}
	m.Index = filepath.Join(o.Out, IndexFile)
	if err := WriteIndex(o.Out, m.Rows); err != nil {
		return m, fmt.Errorf("merge: %w", err)
	}
	return m, nil
}

// scanInputs walks every input. A folder found through two inputs (say
// reports/ and reports/<run-id>) is taken once, from the first.
func scanInputs(paths []string) ([]source, error) {
	seen := map[string]bool{}
	var srcs []source
	for _, p := range paths {
		s, err := scanInput(p, seen)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	return srcs, nil
}

// scanInput lists the result folders and junit.xml files under path. The
// input itself may be a symlink (reports/latest); links below it are not
// followed, so reports/latest inside reports/ is not counted twice.
func scanInput(path string, seen map[string]bool) (source, error) {
	root, err := resolveDir(path)
	if err != nil {
		return source{path: path}, err
	}
	sc := &scanner{src: source{path: path}, root: root, seen: seen}
	if err := filepath.WalkDir(root, sc.visit); err != nil {
		return sc.src, err
	}
	if sc.found == 0 {
		return sc.src, badInput("merge input %s: no result folder (one holding %s) under it", path, ResultFile)
	}
	return sc.src, nil
}

// scanner collects one input's results and JUnit files as WalkDir visits it.
type scanner struct {
	src   source
	root  string
	seen  map[string]bool
	found int // result folders, including ones an earlier input had
}

func (sc *scanner) visit(p string, d fs.DirEntry, err error) error {
	if err != nil {
		return badInput("merge input %s: %w", sc.src.path, err)
	}
	if d.IsDir() {
		if p != sc.root && isRegular(filepath.Join(p, mergeMarker)) {
			return filepath.SkipDir
		}
		if !isRegular(filepath.Join(p, ResultFile)) {
			return nil
		}
		if err := sc.result(p); err != nil {
			return err
		}
		return filepath.SkipDir // a result folder holds no further runs
	}
	if d.Name() == JUnitFile && d.Type().IsRegular() && !sc.seen[p] {
		sc.seen[p] = true
		sc.src.junit = append(sc.src.junit, p)
	}
	return nil
}

// result reads the result folder dir's result.json, so that a malformed
// one stops the merge before anything is written.
func (sc *scanner) result(dir string) error {
	sc.found++
	if sc.seen[dir] {
		return nil
	}
	sc.seen[dir] = true
	res, err := ReadResult(dir)
	if err != nil {
		return badInput("merge input %s: %w", sc.src.path, err)
	}
	sc.src.results = append(sc.src.results, Row{Result: res, Dir: dir})
	return nil
}

// resolveDir follows path's symlinks and checks it is a folder.
func resolveDir(path string) (string, error) {
	root, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", badInput("merge input %s: no such folder", path)
	}
	if err != nil {
		return "", badInput("merge input %s: %w", path, err)
	}
	st, err := os.Stat(root)
	if err != nil {
		return "", badInput("merge input %s: %w", path, err)
	}
	if !st.IsDir() {
		return "", badInput("merge input %s: not a folder", path)
	}
	return root, nil
}

func isRegular(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// prepareOut creates out and marks it as a merge, refusing a folder that
// already holds something: a second merge into it would mix two merges'
// results.
func prepareOut(out string) error {
	if out == "" {
		return badInput("merge: no output folder given")
	}
	entries, err := os.ReadDir(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(out, 0o755); err != nil {
			return fmt.Errorf("merge: create output: %w", err)
		}
	case err != nil:
		return badInput("merge output %s: %w", out, err)
	case len(entries) > 0:
		return badInput("merge output %s already exists and is not empty", out)
	}
	if err := os.WriteFile(filepath.Join(out, mergeMarker), nil, 0o644); err != nil {
		return fmt.Errorf("merge: mark output: %w", err)
	}
	return nil
}

// copyResults copies every source's result folders into out.
func copyResults(out string, srcs []source, m *Merged) error {
	used := map[string]bool{}
	for i := range srcs {
		for _, r := range srcs[i].results {
			dst := filepath.Join(out, uniqueName(filepath.Base(r.Dir), used))
			if err := copyDir(r.Dir, dst); err != nil {
				return err
			}
			row := Row{Result: r.Result, Dir: dst}
			srcs[i].rows = append(srcs[i].rows, row)
			m.Rows = append(m.Rows, row)
			m.Copies = append(m.Copies, Copy{Src: r.Dir, Dir: dst})
		}
	}
	return nil
}

// uniqueName returns base, or base~2, base~3... when an earlier result
// folder took it: the same scenario run in two shards keeps both runs.
// "~" needs no escaping in the index's relative links, unlike "#" or "?".
func uniqueName(base string, used map[string]bool) string {
	name := base
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s~%d", base, n)
	}
	used[name] = true
	return name
}

// copyDir copies the folders and regular files under src to dst. A result
// folder holds no links; temporary files of an interrupted write are left
// behind, as the index would never read them.
func copyDir(src, dst string) error {
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular() && !isTempFile(d.Name()):
			return copyFile(p, target)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("merge: copy %s to %s: %w", src, dst, err)
	}
	return nil
}

// isTempFile matches writeAtomic's temporary names, ".result.json.tmp-123".
func isTempFile(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
