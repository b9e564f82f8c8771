package runner

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/report"
	"github.com/amqha/amqha/harness/scenario"
)

// ErrBadInput marks a Recheck error caused by the folder's content (a
// missing or malformed file, a name that points outside the folder, an
// unknown profile), as opposed to a failure to write the new outputs.
var ErrBadInput = errors.New("bad input")

// inputError is an error that errors.Is reports as ErrBadInput while its
// message stays the cause's own.
type inputError struct{ error }

func (e inputError) Unwrap() error        { return e.error }
func (e inputError) Is(target error) bool { return target == ErrBadInput }

// Recheck judges a saved run again, offline, and rewrites its result.json,
// report.html and meta.json. It also judges a run that died: without
// result.json it takes the scenario from the folder's only *.yaml and the
// profile from the folder's name (<scenario>@<profile>), the run's start
// event, or the scenario's only profile, in that order. A run whose
// history stops early is judged on what it recorded, marked incomplete,
// with verdict Unknown.
//
// Recheck reads nothing outside dir: the scenario name from result.json
// must be a plain file name, and no file it reads may be a symlink out of
// the folder. When the folder is bad input (the error matches
// ErrBadInput), a verdict already in result.json is withdrawn: the file
// is rewritten with verdict unknown and the reason, so that an old pass
// does not outlive the evidence it was judged on.
func Recheck(dir string) (checker.Result, error) {
	in, err := loadRecheck(dir)
	if err == nil {
		var res checker.Result
		if res, err = Judge(in.f, in.profile, in.run); err == nil {
			if why := history.IncompleteReason(in.run, in.cut); why != "" {
				res.Incomplete, res.IncompleteReason, res.Verdict = true, why, checker.Unknown
			}
			return res, in.write(dir, res, in.meta)
		}
	}
	err = inputError{err}
	return checker.Result{}, errors.Join(err, withdraw(dir, in, err))
}

// recheckInput is what a saved run folder holds, as far as it was read.
type recheckInput struct {
	prev    checker.Result
	hasPrev bool // result.json was there and decoded
	f       *scenario.File
	profile string
	run     history.Run
	cut     []string
	meta    report.Meta
	// metaSaved is set when meta.json was there; otherwise Recheck writes
	// it from what it recovered, so the next recheck needs no fallback.
	metaSaved bool
}

// loadRecheck reads and validates everything Recheck judges. What was read
// before an error is returned with it, for withdraw: result.json and the
// provenance are read first, so that a refusal for any later reason can
// withdraw the verdict and still keep the images in the report.
func loadRecheck(dir string) (*recheckInput, error) {
	in := &recheckInput{}
	root, escapes, err := confined(dir)
	if err != nil {
		return in, err
	}
	var metaErr error
	if escapes[MetaFile] == nil && escapes[report.HTMLFile] == nil {
		in.meta, in.metaSaved, metaErr = provenance(dir)
	}
	resultPath := filepath.Join(dir, report.ResultFile)
	var data []byte
	if escapes[report.ResultFile] == nil {
		if data, err = os.ReadFile(resultPath); err == nil {
			if err := json.Unmarshal(data, &in.prev); err != nil {
				return in, fmt.Errorf("decode %s: %w", resultPath, err)
			}
			in.hasPrev = true
		} else if !errors.Is(err, fs.ErrNotExist) {
			return in, fmt.Errorf("read result: %w", err)
		}
	}
	if err := firstEscape(escapes); err != nil {
		return in, err
	}
	if in.hasPrev {
		if err := checkPrevious(resultPath, data, in.prev); err != nil {
			return in, err
		}
	}
	if metaErr != nil {
		return in, metaErr
	}
	path, err := history.ScenarioCopy(dir, in.prev.Scenario)
	if err != nil {
		return in, err
	}
	if err := within(root, path); err != nil {
		return in, err
	}
	if in.f, err = scenario.Load(path); err != nil {
		return in, err
	}
	if in.run, in.cut, err = history.LoadPartial(dir); err != nil {
		return in, err
	}
	if in.profile, err = profileOf(dir, path, in.prev, in.f, in.run); err != nil {
		return in, err
	}
	if !in.metaSaved && in.meta.Cluster == "" {
		in.meta.Cluster, in.meta.ClusterTurn = baselineCluster(in.run.Events)
	}
	if in.meta.Seed == "" && in.f.Seed != 0 {
		in.meta.Seed = strconv.FormatInt(in.f.Seed, 10)
	}
	return in, nil
}

// recheckReads are the names of the files Recheck reads in a run folder
// (path.Match patterns): each must stay inside it.
var recheckReads = []string{report.ResultFile, MetaFile, report.HTMLFile, history.OpsFile, history.EventsFile, "*.yaml", "*.log"}

// confined resolves dir, the one root a recheck may read from, and lists
// the files Recheck reads that are symlinks leading out of it, by name:
// a folder from a CI artifact or an archive is not to be trusted with
// paths. Such a file is never opened, and the folder is refused.
func confined(dir string) (string, map[string]error, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err == nil {
		// within compares absolute paths; EvalSymlinks keeps a relative
		// dir relative.
		root, err = filepath.Abs(root)
	}
	if err != nil {
		return "", nil, fmt.Errorf("run folder: %w", err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", nil, fmt.Errorf("run folder: %w", err)
	}
	escapes := map[string]error{}
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink == 0 || !readByRecheck(e.Name()) {
			continue
		}
		if err := within(root, filepath.Join(dir, e.Name())); err != nil {
			escapes[e.Name()] = err
		}
	}
	return root, escapes, nil
}

// firstEscape is the error of the first escaping file by name, or nil.
func firstEscape(escapes map[string]error) error {
	for _, name := range slices.Sorted(maps.Keys(escapes)) {
		return escapes[name]
	}
	return nil
}

func readByRecheck(name string) bool {
	for _, pattern := range recheckReads {
		if ok, _ := filepath.Match(pattern, name); ok {
			return true
		}
	}
	return false
}

// within refuses path unless it resolves, symlinks followed, to a place
// inside root (itself resolved). A path that does not exist passes: the
// read that follows reports it with its own error.
func within(root, path string) error {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		// A symlink to nothing, or a loop: where it leads cannot be checked.
		return fmt.Errorf("%s: %w: refused", path, err)
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return fmt.Errorf("%s: leads to %s, outside the run folder %s: refused", path, real, root)
	}
	return nil
}

// checkPrevious validates the fields of result.json that Recheck acts on:
// the scenario name becomes a file name, the profile picks the checks.
func checkPrevious(path string, data []byte, prev checker.Result) error {
	if n := prev.Scenario; n != "" && !plainName(n) {
		return fmt.Errorf("%s:%d: scenario: %q is not a scenario name (it may not hold a path separator or ..): refused",
			path, jsonLine(data, "scenario"), n)
	}
	if p := prev.Profile; p != "" {
		if _, err := cluster.LookupProfile(p); err != nil || !scenario.KnownProfile(p) {
			return fmt.Errorf("%s:%d: profile: %q is not a known profile (known: %s)",
				path, jsonLine(data, "profile"), p, strings.Join(knownProfiles(), ", "))
		}
	}
	return nil
}

// plainName reports whether a scenario name from result.json can only
// name a file directly in the run folder.
func plainName(n string) bool {
	return !strings.ContainsAny(n, `/\`) && !strings.Contains(n, "..") && !strings.ContainsRune(n, 0) &&
		filepath.IsLocal(n+".yaml")
}

func knownProfiles() []string {
	var out []string
	for name := range cluster.Profiles {
		if scenario.KnownProfile(name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// jsonLine is the line of a top-level key in a JSON object, 0 if absent
// or unreadable: enough to point an editor at the field an error names.
func jsonLine(data []byte, key string) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return 0
		}
		if k, ok := t.(string); ok && k == key {
			return 1 + bytes.Count(data[:dec.InputOffset()], []byte("\n"))
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return 0
		}
	}
	return 0
}

// profileOf is the profile the run ran on: result.json's, else a hint
// from the folder or the history, else the scenario's only profile.
func profileOf(dir, path string, prev checker.Result, f *scenario.File, run history.Run) (string, error) {
	// A folder name or event may carry something that is not a profile
	// (a repeated run's suffix, an edited detail): only a known one counts.
	profile := prev.Profile
	for _, p := range []string{history.FolderProfile(dir), history.StartedOn(run.Events, f.Name)} {
		if profile == "" && scenario.KnownProfile(p) {
			profile = p
		}
	}
	if profile == "" && len(f.Profiles) == 1 {
		profile = f.Profiles[0]
	}
	if profile == "" {
		return "", fmt.Errorf("%s: no result.json, no @profile in the folder name, no run start event, "+
			"and %s runs on %d profiles: cannot tell which profile ran", dir, path, len(f.Profiles))
	}
	return profile, nil
}

// provenance recovers the report's provenance: meta.json if the run
// wrote one; else, for runs from before it, the image table of the
// report.html about to be replaced (the cluster comes from the baseline
// event, once the history is read). The run id is the folder's when
// meta.json does not say. A malformed meta.json is an error, and the
// image table is still read, for the withdrawn report.
func provenance(dir string) (report.Meta, bool, error) {
	m, err := ReadMeta(dir)
	saved := err == nil
	if !saved {
		m = report.Meta{Images: legacyImages(filepath.Join(dir, report.HTMLFile))}
	}
	if m.RunID == "" {
		m.RunID = runIDOf(dir)
	}
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return m, saved, err
}

var (
	imageTable = regexp.MustCompile(`(?s)<th>image</th><th>id / version</th></tr>(.*?)</table>`)
	imageRow   = regexp.MustCompile(`<tr><td>(.*?)</td><td><code>(.*?)</code></td></tr>`)
)

// legacyImages reads the image table back out of a report.html written
// before meta.json existed: it is the only record those runs kept, and the
// recheck is about to overwrite it. Nil when there is none.
func legacyImages(path string) map[string]string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	t := imageTable.FindSubmatch(b)
	if t == nil {
		return nil
	}
	out := map[string]string{}
	for _, r := range imageRow.FindAllSubmatch(t[1], -1) {
		out[html.UnescapeString(string(r[1]))] = html.UnescapeString(string(r[2]))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

var baselineDetail = regexp.MustCompile(`^cluster (\S+), scenario (\d+) on it`)

// baselineCluster reads the cluster and turn from the run's baseline event
// ("cluster jdbc#1, scenario 4 on it, ready in 1.2s").
func baselineCluster(events []history.Event) (string, int) {
	for _, ev := range events {
		// The runner's phase name, spelled out: older builds had no constant.
		if ev.Type != history.RunEvent || ev.Phase != "baseline" {
			continue
		}
		if m := baselineDetail.FindStringSubmatch(ev.Detail); m != nil {
			turn, _ := strconv.Atoi(m[2])
			return m[1], turn
		}
	}
	return "", 0
}

// write saves the new verdict and report, and meta.json if the run had
// none, so the provenance recovered this time is kept in machine form.
func (in *recheckInput) write(dir string, res checker.Result, meta report.Meta) error {
	if err := WriteOutputs(dir, res, in.run, meta); err != nil {
		return err
	}
	if in.metaSaved || len(meta.Images) == 0 && meta.Cluster == "" {
		return nil
	}
	// A meta.json that is there but was refused stays as it is: it is
	// the input to fix, not something to paper over.
	if _, err := os.Lstat(filepath.Join(dir, MetaFile)); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return WriteMeta(dir, meta)
}

// withdrawnPrefix starts the reason of a verdict Recheck withdrew.
const withdrawnPrefix = "not judged: amqha check refused this folder"

// withdraw replaces the verdict of a folder Recheck refused. Rewriting
// beats renaming result.json away: a renamed result would vanish from the
// index and from `amqha report merge` as if the run had never been, and
// the next check, finding no result.json, would fall back on the folder's
// hints and might pass what it refused a moment ago. The rewrite keeps
// the scenario and profile as they were, so a refusal repeats until the
// input is fixed, and shows everywhere as unknown with the reason.
// report.html is rewritten to match, with what history could be read. A
// result.json that is missing or cannot be decoded claims no verdict and
// is left alone.
func withdraw(dir string, in *recheckInput, cause error) error {
	if in == nil || !in.hasPrev {
		return nil
	}
	old := in.prev
	res := checker.Result{Scenario: old.Scenario, Profile: old.Profile, Verdict: checker.Unknown,
		Start: old.Start, End: old.End, Incomplete: true,
		IncompleteReason: fmt.Sprintf("%s (%s); the verdict it had, %s, is withdrawn",
			withdrawnPrefix, firstLine(cause.Error()), old.Verdict)}
	if old.Incomplete && strings.HasPrefix(old.IncompleteReason, withdrawnPrefix) {
		res.IncompleteReason = fmt.Sprintf("%s (%s)", withdrawnPrefix, firstLine(cause.Error()))
	}
	meta := in.meta
	if meta.RunID == "" {
		meta.RunID = runIDOf(dir)
	}
	if err := in.write(dir, res, meta); err != nil {
		return fmt.Errorf("withdraw the verdict in %s: %w", filepath.Join(dir, report.ResultFile), err)
	}
	return nil
}
