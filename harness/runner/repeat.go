package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/amqha/amqha/harness/report"
)

// Job is one planned run: a scenario on a profile, and which repetition.
type Job struct {
	Planned
	// Run is the repetition, 1-based.
	Run int
}

// Repeat expands each lane into repeat rounds: every scenario of the lane
// once, then every one again, so a scenario's runs do not follow each
// other on the cluster and each meets the state its neighbours leave.
func Repeat(lanes [][]Planned, repeat int) [][]Job {
	out := make([][]Job, len(lanes))
	for i, lane := range lanes {
		for r := 1; r <= repeat; r++ {
			for _, p := range lane {
				out[i] = append(out[i], Job{Planned: p, Run: r})
			}
		}
	}
	return out
}

// RunPlan runs plan repeat times, lanes profiles side by side, and returns
// the stability matrix with the exit status: ExitFail if any run failed
// or could not run, ExitInterrupted if the session was cancelled.
func (s *Session) RunPlan(plan []Planned, lanes, repeat int, stderr io.Writer) (*report.Matrix, int) {
	m := report.NewMatrix(repeat)
	code := ExitPass
	var mu sync.Mutex
	RunLanesWithRest(Repeat(Lanes(plan, lanes), repeat), func(j Job, rest []Job) {
		if s.Ctx.Err() != nil {
			return
		}
		defer s.Retire(j.Profile, plannedOf(rest))
		dir := Dir(s.RunDir, j.File, j.Profile)
		if repeat > 1 {
			dir = filepath.Join(dir, fmt.Sprintf("run-%d", j.Run))
		}
		o, err := s.RunAs(j.File, j.Profile, dir)
		cell, failed := matrixCell(o, err)
		m.Set(j.File.Name, j.Profile, j.Run, cell)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case errors.Is(err, context.Canceled):
			code = ExitInterrupted
		case err != nil:
			fmt.Fprintf(stderr, "amqha: %s on %s (run %d): %v\n", j.File.Name, j.Profile, j.Run, err)
			code = max(code, ExitFail)
		case failed:
			code = max(code, ExitFail)
		}
	})
	return m, code
}

// plannedOf is the runs of jobs, repetitions aside.
func plannedOf(jobs []Job) []Planned {
	out := make([]Planned, len(jobs))
	for i, j := range jobs {
		out[i] = j.Planned
	}
	return out
}

func matrixCell(o *Outcome, err error) (report.MatrixCell, bool) {
	if err != nil {
		return report.MatrixCell{Verdict: "error", Failed: []string{firstLine(err.Error())}}, true
	}
	var failed []string
	for _, c := range o.Result.Checks {
		if mismatch(c) {
			failed = append(failed, string(c.Name))
		}
	}
	return report.MatrixCell{Verdict: string(o.Result.Verdict), Failed: failed,
		Failover: report.WorstFailoverText(o.Result.Failover)}, len(Mismatches(o.Result)) > 0
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
