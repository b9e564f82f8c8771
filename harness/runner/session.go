package runner

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/amqha/amqha/docker"
	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/report"
	"github.com/amqha/amqha/harness/scenario"
)

// Exit statuses shared by the CLI and the test suite.
const (
	ExitPass     = 0
	ExitFail     = 1
	ExitBadInput = 2
	// ExitInterrupted follows the shell's 128+SIGINT convention.
	ExitInterrupted = 130
)

// Session is one invocation's worth of scenario runs: one run folder, one
// Ctrl-C handler that removes every container before exiting.
type Session struct {
	Ctx    context.Context
	RunDir string
	Root   string
	Image  string
	Out    io.Writer

	cancel context.CancelFunc
	pool   *Pool
	mu     sync.Mutex
	rows   []report.Row
	runs   int
}

// NewSession checks Docker and the image, sweeps what dead runs left, and
// installs the interrupt handler. On failure it prints why and returns nil
// with the exit status to use.
func NewSession(parent context.Context, root string, out io.Writer) (*Session, int) {
	ctx, cancel := context.WithCancel(parent)
	s := &Session{Ctx: ctx, cancel: cancel, Root: root, Out: out, Image: docker.Image()}
	if err := cluster.CheckImage(ctx, s.Image); err != nil {
		fmt.Fprintln(out, "amqha:", err)
		cancel()
		return nil, ExitBadInput
	}
	if err := cluster.Sweep(ctx); err != nil {
		fmt.Fprintln(out, "amqha: sweeping leftovers:", err)
	}
	id := cluster.NewRunID()
	s.RunDir = filepath.Join(root, id)
	s.pool = NewPool(s.Image, id)
	if err := os.MkdirAll(s.RunDir, 0o755); err != nil {
		fmt.Fprintln(out, "amqha:", err)
		cancel()
		return nil, ExitBadInput
	}
	s.onInterrupt()
	return s, ExitPass
}

// onInterrupt removes this process's containers on SIGINT/SIGTERM and
// exits: deferred cleanups in other goroutines would never get to run.
func (s *Session) onInterrupt() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	// A closed stdout (amqha run | head) must not kill the run mid-fault:
	// with SIGPIPE notified, writes fail and the run still cleans up.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	go func() {
		got := <-sig
		s.Abort(got.String(), ExitInterrupted)
	}()
}

// Abort removes every container, network and volume of this process and
// exits with code. It is for paths where deferred cleanups cannot run: a
// signal, or a test binary about to be killed by its -timeout.
func (s *Session) Abort(reason string, code int) {
	fmt.Fprintf(s.Out, "\namqha: %s: removing containers, networks and volumes\n", reason)
	s.flush() // first, in case the cleanup hangs
	s.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := cluster.RemoveOwn(ctx); err != nil {
		fmt.Fprintln(s.Out, "amqha: cleanup:", err)
	}
	s.flush() // again: what the cancelled runs recorded while they ended
	os.Exit(code)
}

// flush writes every streaming run's history to disk; `amqha check` then
// judges it and marks it incomplete.
func (s *Session) flush() {
	if err := history.FlushAll(); err != nil {
		fmt.Fprintln(s.Out, "amqha: saving histories:", err)
	}
}

// AbortBefore arranges an Abort shortly before deadline, so that go test's
// -timeout, which panics without running deferred cleanups, finds nothing
// of ours running.
func (s *Session) AbortBefore(timeout time.Duration) {
	const margin = 30 * time.Second
	if timeout <= margin {
		return
	}
	time.AfterFunc(timeout-margin, func() { s.Abort("test timeout is near", ExitFail) })
}

// Run runs one scenario on one profile, on the session's cluster for that
// profile, and remembers its row for the summary. Runs on different
// profiles may be called concurrently.
func (s *Session) Run(f *scenario.File, profile string) (*Outcome, error) {
	return s.RunAs(f, profile, Dir(s.RunDir, f, profile))
}

// RunAs is Run with the scenario's output folder chosen by the caller
// (repeated runs of one scenario each need their own).
func (s *Session) RunAs(f *scenario.File, profile, dir string) (*Outcome, error) {
	s.mu.Lock()
	s.runs++
	queue := fmt.Sprintf("amqha.%s.%d", f.Name, s.runs)
	s.mu.Unlock()
	out, err := Run(s.Ctx, f, profile, s.pool, Options{RunDir: s.RunDir, Dir: dir,
		RunID: filepath.Base(s.RunDir), Progress: s.Out, Queue: queue})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.rows = append(s.rows, report.Row{Result: out.Result, Dir: out.Dir, Cluster: out.Cluster})
	s.mu.Unlock()
	return out, nil
}

// Retire removes the session's clusters of profile that none of rest,
// the runs left in the profile's lane, needs (Pool.Retire).
func (s *Session) Retire(profile string, rest []Planned) {
	s.pool.Retire(profile, rest, func(msg string) { fmt.Fprintf(s.Out, "[%s] %s\n", profile, msg) })
}

// Close prints the summary, writes the run's index and points latest at
// it. It returns code, or ExitFail if the index could not be written.
func (s *Session) Close(code int) int {
	defer s.cancel()
	s.pool.Close(func(msg string) { fmt.Fprintln(s.Out, "amqha:", msg) })
	s.mu.Lock()
	rows := s.rows
	s.mu.Unlock()
	if len(rows) == 0 {
		return code
	}
	report.Summary(s.Out, rows)
	if err := report.WriteIndex(s.RunDir, rows); err != nil {
		fmt.Fprintln(s.Out, "amqha: index:", err)
		return max(code, ExitFail)
	}
	if err := report.UpdateLatest(s.Root, s.RunDir); err != nil {
		fmt.Fprintln(s.Out, "amqha: latest:", err)
	}
	fmt.Fprintf(s.Out, "report: %s\n", filepath.Join(s.RunDir, "index.html"))
	return code
}

// Profiles is the profiles to run f on: the override, if set, else the file's.
func Profiles(f *scenario.File, override string) []string {
	if override != "" {
		return []string{override}
	}
	return f.Profiles
}

// Mismatches lists the checks whose status differs from the expectation,
// one line each, for test and CLI messages.
func Mismatches(res checker.Result) []string {
	var out []string
	for _, c := range res.Checks {
		if !mismatch(c) {
			continue
		}
		out = append(out, fmt.Sprintf("  %s: %s (expected %s): %s", c.Name, c.Status, c.Expected, c.Detail))
	}
	if res.Verdict != checker.Pass && len(out) == 0 {
		out = append(out, "  verdict "+string(res.Verdict))
	}
	return out
}

// mismatch reports whether a check disagrees with its expectation; n/a
// where a pass was expected is no disagreement (the check had nothing to judge).
func mismatch(c checker.CheckResult) bool {
	return !checker.Matches(c.Status, c.Expected)
}
