package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"

	"github.com/amqha/amqha/harness/checker"
)

// Row is one scenario run on one profile, as the summary table and the
// run's index list it.
type Row struct {
	Result checker.Result
	// Dir is the scenario's report folder (holding result.json,
	// report.html and history.jsonl).
	Dir string
	// Cluster names the cluster the scenario shared with others (profile#n,
	// scenario k on it); empty when unknown.
	Cluster string
}

// Summary renders one console table line per row, so the person who
// started the run sees the verdicts without opening a browser.
func Summary(w io.Writer, rows []Row) {
	t := tablewriter.NewWriter(w)
	t.SetHeader([]string{"scenario", "profile", "verdict", "sent ok/fail/info",
		"delivered", "lost", "dup", "worst failover (ms)", "failed checks", "report"})
	// Wrapping would split report paths, which then can't be copy-pasted.
	t.SetAutoWrapText(false)
	for _, r := range rows {
		c := r.Result.Counts
		t.Append([]string{
			r.Result.Scenario,
			r.Result.Profile,
			verdictText(r.Result),
			fmt.Sprintf("%d/%d/%d", c.SentOK, c.SentFail, c.SentInfo),
			strconv.Itoa(c.Delivered),
			strconv.Itoa(c.Lost),
			strconv.Itoa(c.Duplicated),
			worstFailoverText(r.Result.Failover, false),
			failedChecks(r.Result.Checks),
			filepath.Join(r.Dir, HTMLFile),
		})
	}
	t.Render()
	incompleteLines(w, rows)
}

// worstFailover returns the longest RTO and whether some disruptive fault
// never recovered; ok is false when the run had no measured failover.
func worstFailover(fs []checker.Failover) (worst time.Duration, never, ok bool) {
	for _, f := range fs {
		ok = true
		if f.RTOms < 0 || !f.Recovered {
			never = true
			continue
		}
		if d := time.Duration(f.RTOms) * time.Millisecond; d > worst {
			worst = d
		}
	}
	return worst, never, ok
}

// worstFailoverText formats worstFailover; a fault that never recovered
// outranks any finite time because it is the worse outcome.
// WorstFailoverText is the longest failover of a run, human-readable:
// "-" without one, "never" if some fault never recovered.
func WorstFailoverText(fs []checker.Failover) string { return worstFailoverText(fs, true) }

func worstFailoverText(fs []checker.Failover, human bool) string {
	worst, never, ok := worstFailover(fs)
	switch {
	case !ok:
		return "-"
	case never:
		return "never"
	case human:
		return fmtDur(worst)
	default:
		return strconv.FormatInt(worst.Milliseconds(), 10)
	}
}

// failedChecks names the checks that failed; a failure the scenario
// expects is still listed, but marked, so a deliberate known-bad profile
// does not read like a regression.
func failedChecks(cs []checker.CheckResult) string {
	var out []string
	for _, c := range cs {
		if c.Status != checker.Fail {
			continue
		}
		if c.Expected == checker.Fail {
			out = append(out, c.Name+" (expected)")
		} else {
			out = append(out, c.Name)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ", ")
}
