package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
			strings.ToUpper(string(r.Result.Verdict)),
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

// progressInterval bounds how often a non-terminal Progress prints, so CI
// logs get a heartbeat without a line per operation.
const progressInterval = 5 * time.Second

// Progress prints a status line that refreshes in place on a terminal and
// degrades to a throttled plain line elsewhere (CI logs, files). It is safe
// for concurrent use, since producer and consumer goroutines both report.
type Progress struct {
	mu      sync.Mutex
	w       io.Writer
	label   string
	tty     bool
	now     func() time.Time
	last    time.Time // when a line was last printed (non-tty)
	pending string    // last message not yet printed (non-tty)
	width   int       // length of the line on screen (tty)
	started bool
}

// NewProgress returns a Progress writing to w, prefixing lines with label.
func NewProgress(w io.Writer, label string) *Progress {
	return &Progress{w: w, label: label, tty: isTerminal(w), now: time.Now}
}

// isTerminal avoids a dependency on x/term: a character device is the
// only kind of output where "\r" rewriting makes sense.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update sets the status line to the formatted message.
func (p *Progress) Update(format string, args ...any) {
	msg := p.label + ": " + fmt.Sprintf(format, args...)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		p.redraw(msg)
		return
	}
	now := p.now()
	if p.started && now.Sub(p.last) < progressInterval {
		p.pending = msg
		return
	}
	p.started, p.last, p.pending = true, now, ""
	fmt.Fprintln(p.w, msg)
}

// redraw pads with spaces rather than using ANSI clear-line, so the output
// is still legible on terminals that ignore escape codes.
func (p *Progress) redraw(msg string) {
	pad := ""
	if n := len(msg); n < p.width {
		pad = strings.Repeat(" ", p.width-n)
	}
	p.width = len(msg)
	p.started = true
	fmt.Fprint(p.w, "\r"+msg+pad)
}

// Done ends the status line. A throttled message is printed so the final
// state always reaches the log.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		if p.started {
			fmt.Fprintln(p.w)
		}
		p.started, p.width = false, 0
		return
	}
	if p.pending != "" {
		fmt.Fprintln(p.w, p.pending)
		p.pending = ""
	}
}
