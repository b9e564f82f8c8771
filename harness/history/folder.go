package history

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Ended reports whether the run recorded its end: the run event with phase
// end that the runner records once the workload has drained. A history
// without it stops early, so absence of evidence in it proves nothing.
func (r Run) Ended() bool {
	for i := len(r.Events) - 1; i >= 0; i-- {
		if ev := &r.Events[i]; ev.Type == RunEvent && ev.Phase == PhaseEnd {
			return true
		}
	}
	return false
}

// NoEndReason is IncompleteReason's text for a run without its end event.
const NoEndReason = "the run ended before its drain (no run end event in " + EventsFile + ")"

// IncompleteReason says why a loaded run is incomplete, or "" when it is
// complete. cut is what LoadPartial skipped.
func IncompleteReason(run Run, cut []string) string {
	var why []string
	if !run.Ended() {
		why = append(why, NoEndReason)
	}
	for _, f := range cut {
		why = append(why, "the last line of "+f+" was cut short (the process died mid-write)")
	}
	return strings.Join(why, "; ")
}

// ScenarioCopy returns the scenario file a run's folder keeps (the runner
// copies it in under its own name, <scenario>.yaml). With a scenario name,
// as result.json gives it, that file; without one, as for a run that died
// before judging, the folder's only *.yaml.
func ScenarioCopy(dir, name string) (string, error) {
	if name != "" {
		return filepath.Join(dir, name+".yaml"), nil
	}
	matches, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return "", fmt.Errorf("look for the scenario file in %s: %w", dir, err)
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return "", fmt.Errorf("%s: no result.json and no scenario file (*.yaml): cannot tell which scenario ran", dir)
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = filepath.Base(m)
	}
	return "", fmt.Errorf("%s: no result.json and %d scenario files (%s): cannot tell which one ran",
		dir, len(matches), strings.Join(names, ", "))
}

// FolderProfile returns the profile a scenario folder's name carries, as
// the runner names folders of scenarios with several profiles
// (<scenario>@<profile>), or "" when it carries none.
func FolderProfile(dir string) string {
	base := filepath.Base(filepath.Clean(dir))
	if _, profile, ok := strings.Cut(base, "@"); ok {
		return profile
	}
	return ""
}

// StartedOn returns the profile the run's start event names (the runner
// records "<scenario> on <profile>"), or "" when there is no such event.
// It is the only record of a profile given on the command line to a
// single-profile scenario, whose folder name carries none.
func StartedOn(events []Event, scenario string) string {
	prefix := scenario + " on "
	for _, ev := range events {
		if ev.Type == RunEvent && ev.Phase == PhaseStart && strings.HasPrefix(ev.Detail, prefix) {
			return strings.TrimPrefix(ev.Detail, prefix)
		}
	}
	return ""
}
