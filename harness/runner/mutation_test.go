package runner

import (
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/scenario"
)

// The mutation suite: a recorded run of the replicated profile (a kill of
// the master, then its restart) is edited one way at a time, as a bug in
// the harness or a cut file would edit it, and judged again. Each edit
// states the status of every check it affects; an edit that takes
// evidence away must never leave a pass among the checks that need it.

const fixtureDir = "testdata/fixture"

// fixture loads the recorded run and its scenario.
func fixture(t *testing.T) (*scenario.File, history.Run) {
	t.Helper()
	f, err := scenario.Load(filepath.Join(fixtureDir, "mutation-fixture.yaml"))
	require.NoError(t, err)
	return f, history.Run{
		Ops:    readGz[history.Op](t, filepath.Join(fixtureDir, "history.jsonl.gz")),
		Events: readGz[history.Event](t, filepath.Join(fixtureDir, "events.jsonl.gz")),
	}
}

func readGz[T any](t *testing.T, path string) []T {
	t.Helper()
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	require.NoError(t, err)
	items, err := history.ReadJSONL[T](zr)
	require.NoError(t, err)
	return items
}

// judgeRun is what `amqha check` does with a run folder: the scenario's
// configuration, the profile's quorum, the checks and the verdict.
func judgeRun(t *testing.T, f *scenario.File, run history.Run) checker.Result {
	t.Helper()
	res, err := Judge(f, "replicated", run)
	require.NoError(t, err)
	return res
}

func statusOf(res checker.Result, name checker.Check) checker.Status {
	for _, c := range res.Checks {
		if c.Name == name {
			return c.Status
		}
	}
	return "absent"
}

func TestTheRecordedRunPasses(t *testing.T) {
	f, run := fixture(t)
	res := judgeRun(t, f, run)
	for _, c := range res.Checks {
		assert.True(t, checker.Matches(c.Status, c.Expected), "%s: %s: %s", c.Name, c.Status, c.Detail)
	}
	require.Equal(t, checker.Pass, res.Verdict)
	assert.Equal(t, checker.Info, statusOf(res, checker.NoDuplicates), "no-duplicates cannot fail under duplicates: report")
	assert.Equal(t, checker.Info, statusOf(res, checker.Availability), "availability cannot fail without max-unavailable")
}

// mutation is one edit of the recorded run and what it must do.
type mutation struct {
	name string
	edit func(t *testing.T, f *scenario.File, run *history.Run)
	// want is the status of each affected check; verdict the run's.
	want    map[checker.Check]checker.Status
	verdict checker.Status
	// starves names evidence the edit removes: no check that needs it
	// may pass.
	starves []checker.Evidence
}

func TestEachMutationGetsItsVerdict(t *testing.T) {
	for _, m := range append(mutations(), overlapMutations()...) {
		t.Run(m.name, func(t *testing.T) {
			f, run := fixture(t)
			m.edit(t, f, &run)
			res := judgeRun(t, f, run)
			for name, want := range m.want {
				assert.Equal(t, want, statusOf(res, name), "%s: %s", name, detailOf(res, name))
			}
			assert.Equal(t, m.verdict, res.Verdict, "verdict; checks: %v", summary(res))
			for _, e := range m.starves {
				for _, s := range checker.Registry() {
					if slices.Contains(s.Needs, e) {
						assert.NotEqual(t, checker.Pass, statusOf(res, s.Name), "%s passes without %s", s.Name, e)
					}
				}
			}
		})
	}
}

func detailOf(res checker.Result, name checker.Check) string {
	for _, c := range res.Checks {
		if c.Name == name {
			return c.Detail
		}
	}
	return ""
}

func summary(res checker.Result) []string {
	var out []string
	for _, c := range res.Checks {
		out = append(out, string(c.Name)+"="+string(c.Status))
	}
	return out
}

// reindex renumbers the ops and the end marker's count, as if the run had
// recorded exactly what the edit left: the suite then tests the checks, not
// the guard's count of lines.
func reindex(run *history.Run) {
	for i := range run.Ops {
		run.Ops[i].Index = int64(i)
	}
	for i := range run.Events {
		if e := &run.Events[i]; e.Type == history.RunEvent && e.Ops > 0 {
			e.Ops = min(e.Ops, int64(len(run.Ops)))
		}
	}
	for i := range run.Events {
		if e := &run.Events[i]; e.Type == history.RunEvent && e.Phase == history.PhaseEnd {
			e.Ops = int64(len(run.Ops))
		}
	}
}

func dropOps(run *history.Run, drop func(op history.Op) bool) {
	run.Ops = slices.DeleteFunc(run.Ops, drop)
	reindex(run)
}

func dropEvents(run *history.Run, drop func(e history.Event) bool) {
	run.Events = slices.DeleteFunc(run.Events, drop)
}

// firstAck is the earliest acknowledged send.
func firstAck(t *testing.T, run history.Run) history.Op {
	for _, op := range run.Ops {
		if op.F == history.Send && op.Type == history.OK {
			return op
		}
	}
	t.Fatal("the fixture has no acknowledged send")
	return history.Op{}
}

func faultStart(t *testing.T, run history.Run, step int) history.Event {
	for _, e := range run.Events {
		if e.Type == history.FaultEvent && e.Phase == history.PhaseStart && e.Step == step {
			return e
		}
	}
	t.Fatalf("the fixture has no start of step %d", step)
	return history.Event{}
}

func insertOp(run *history.Run, op history.Op) {
	i, _ := slices.BinarySearchFunc(run.Ops, op.Time, func(o history.Op, t time.Time) int { return o.Time.Compare(t) })
	run.Ops = slices.Insert(run.Ops, i, op)
	reindex(run)
}

func insertEvent(run *history.Run, e history.Event) {
	i, _ := slices.BinarySearchFunc(run.Events, e.Time, func(o history.Event, t time.Time) int { return o.Time.Compare(t) })
	run.Events = slices.Insert(run.Events, i, e)
}
