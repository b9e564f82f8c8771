package report

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

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
	// Counts and the failover time are right-aligned, as tablewriter v0
	// aligned numbers by itself: digits line up by place.
	t := newConsoleTable(w, 4, 5, 6, 7)
	t.Header(consoleHeader("scenario", "profile", "verdict", "sent ok/fail/info",
		"delivered", "lost", "dup", "worst failover (ms)", "checks not passed", "report"))
	for _, r := range rows {
		c := r.Result.Counts
		_ = t.Append([]string{ // fails only for cells it cannot turn into strings
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
	renderTable(w, t, "summary")
	queueTable(w, rows)
	incompleteLines(w, rows)
}

// newConsoleTable is the style of every console table: ASCII borders, so
// the table stays intact in CI logs and terminals without UTF-8, and no
// wrapping, which would split report paths that then can't be
// copy-pasted. Cells of the columns numbered right (0-based) are
// right-aligned, the others left.
func newConsoleTable(w io.Writer, right ...int) *tablewriter.Table {
	cfg := tablewriter.NewConfigBuilder().
		WithHeaderAutoWrap(tw.WrapNone).
		WithRowAutoWrap(tw.WrapNone).
		Build()
	// consoleHeader already upper-cases the header; tablewriter's own
	// formatting would also split words at case and punctuation changes.
	cfg.Header.Formatting.AutoFormat = tw.Off
	if len(right) > 0 {
		align := make([]tw.Align, slices.Max(right)+1)
		for i := range align {
			align[i] = tw.AlignLeft
		}
		for _, i := range right {
			align[i] = tw.AlignRight
		}
		cfg.Row.Alignment.PerColumn = align
	}
	return tablewriter.NewTable(w,
		tablewriter.WithConfig(cfg),
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})))
}

// consoleHeader upper-cases a table's column names.
func consoleHeader(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strings.ToUpper(n)
	}
	return out
}

// renderTable renders t; a table that cannot be rendered is named on w
// rather than silently missing, since the caller has no error to return.
func renderTable(w io.Writer, t *tablewriter.Table, what string) {
	if err := t.Render(); err != nil {
		fmt.Fprintf(w, "(the %s table could not be rendered: %v)\n", what, err)
	}
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
	var failed, unknown, info []string
	for _, c := range cs {
		name := string(c.Name)
		switch c.Status {
		case checker.Fail:
			if c.Expected == checker.Fail {
				name += " (expected)"
			}
			failed = append(failed, name)
		case checker.Unknown:
			unknown = append(unknown, name)
		case checker.Info:
			info = append(info, name)
		}
	}
	// Info is listed apart: a check that cannot fail must not read as one
	// that held.
	var out []string
	if len(failed) > 0 {
		out = append(out, strings.Join(failed, ", "))
	}
	if len(unknown) > 0 {
		out = append(out, "unknown: "+strings.Join(unknown, ", "))
	}
	if len(info) > 0 {
		out = append(out, "info: "+strings.Join(info, ", "))
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, "; ")
}
