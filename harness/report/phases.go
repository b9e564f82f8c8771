package report

import (
	"strconv"
	"time"

	"github.com/amqha/amqha/harness/checker"
)

// phaseRow is one line of the report's "clients by phase" table.
type phaseRow struct {
	checker.Phase
	// At and Len place the phase on the run's axis, in seconds.
	At, Len time.Duration
	// Rate is acknowledged sends per second, to a whole number.
	Rate string
}

func phaseRows(ps []checker.Phase, ax Axis) []phaseRow {
	out := make([]phaseRow, 0, len(ps))
	for _, p := range ps {
		out = append(out, phaseRow{Phase: p, At: ax.Offset(p.From), Len: p.To.Sub(p.From), Rate: rate(p.AckedPerS)})
	}
	return out
}

func rate(perS float64) string { return strconv.FormatFloat(perS, 'f', 0, 64) }

// fmtMS prints a latency in milliseconds at a precision worth reading.
func fmtMS(ms float64) string {
	return fmtDur(time.Duration(ms * float64(time.Millisecond)))
}

// phaseSummary is one run's line in the index's phase comparison: the
// clients before the faults, in the worst phase of the faults (the lowest
// acknowledged rate while or after one was in effect, before the last
// ended), and after recovery.
type phaseSummary struct {
	Scenario, Profile    string
	Before, Worst, After phaseCell
	WorstName            string
}

// phaseCell is a phase's rate and tail latency, "–" when absent.
type phaseCell struct {
	Rate, P99 string
}

func cellOf(p *checker.Phase) phaseCell {
	if p == nil {
		return phaseCell{Rate: "–", P99: "–"}
	}
	return phaseCell{Rate: rate(p.AckedPerS), P99: fmtMS(p.P99MS)}
}

func summarisePhases(scenario, profile string, ps []checker.Phase) (phaseSummary, bool) {
	if len(ps) == 0 {
		return phaseSummary{}, false
	}
	var before, worst, after *checker.Phase
	for i := range ps {
		p := &ps[i]
		switch p.Kind {
		case checker.PhaseBefore:
			before = p
		case checker.PhaseAfter:
			after = p
		default:
			if worst == nil || p.AckedPerS < worst.AckedPerS {
				worst = p
			}
		}
	}
	s := phaseSummary{Scenario: scenario, Profile: profile, Before: cellOf(before), Worst: cellOf(worst), After: cellOf(after)}
	if worst != nil {
		s.WorstName = worst.Name
	}
	return s, true
}
