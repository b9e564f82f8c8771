package cluster

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// A JVM prints a thread dump to its stdout on SIGQUIT, and HotSpot ends it
// with its own deadlock detection: after "JNI global refs", a section that
// begins "Found one Java-level deadlock:" and ends "Found N deadlock(s).".
// The broker is PID 1 of its container and the node image has no jcmd, so
// the signal is the way in, and the dump arrives through the log follower
// like any other line (into <node>.log).
//
// Measured on 5.17.2 with a JDBC store (disk-full on the database, four
// producers on one queue): Queue.rollbackPendingCursorAdditions holds the
// queue's indexOrderedCursorUpdates and waits for the store's
// pendingAdditions, while JDBCMessageStore.addMessage holds pendingAdditions
// and waits in Queue.onAdd (apache/activemq#1731). The lease's renewal
// thread is not involved, so the broker stays master of a queue that
// never moves again: nothing but such a dump names the cause.
var (
	dumpEndLine      = regexp.MustCompile(`^JNI global refs`)
	deadlockLine     = regexp.MustCompile(`^Found one Java-level deadlock`)
	deadlockDoneLine = regexp.MustCompile(`^Found \d+ deadlocks?\.`)
)

// Bounds of a dump: how long to wait for the end of one, how long the
// deadlock section may take after it, and how many of its lines are kept.
const (
	dumpWait      = 5 * time.Second
	deadlockWait  = time.Second
	deadlockLines = 40
)

// threadDumps follows one broker's thread dumps in its log.
type threadDumps struct {
	mu    sync.Mutex
	dumps int // dumps whose thread list has ended
	// section is the deadlock section being read, open until its last line.
	section []string
	open    bool
	// deadlocks holds every complete section, in order, since the JVM started.
	deadlocks [][]string
}

func (d *threadDumps) note(line string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case dumpEndLine.MatchString(line):
		d.dumps++
	case deadlockLine.MatchString(line):
		d.open, d.section = true, []string{line}
	case d.open && deadlockDoneLine.MatchString(line):
		d.deadlocks = append(d.deadlocks, append(d.section, line))
		d.open, d.section = false, nil
	case d.open && len(d.section) < deadlockLines:
		d.section = append(d.section, line)
	}
}

// state is the count of ended dumps and of deadlock sections, and whether
// one is still being read.
func (d *threadDumps) state() (dumps, deadlocks int, open bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dumps, len(d.deadlocks), d.open
}

// deadlocked reports whether the JVM has reported a deadlock since it
// started: its deadlocked threads never run again.
func (d *threadDumps) deadlocked() bool {
	_, n, _ := d.state()
	return n > 0
}

func (d *threadDumps) deadlock(i int) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deadlocks[i]
}

func (d *threadDumps) reset() {
	d.mu.Lock()
	d.dumps, d.section, d.open, d.deadlocks = 0, nil, false, nil
	d.mu.Unlock()
}

// DumpThreads asks every running broker's JVM for a thread dump and
// returns one history.DumpEvent per broker: Phase history.PhaseDeadlock
// with the deadlock section in Detail, history.PhaseNoDeadlock, or Error
// where no dump came (a broker down or frozen cannot be asked).
func (c *Cluster) DumpThreads(ctx context.Context) []history.Event {
	out := make([]history.Event, len(c.Brokers))
	var wg sync.WaitGroup
	for i, b := range c.Brokers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = b.dumpThreads(ctx)
			out[i].Time = time.Now()
		}()
	}
	wg.Wait()
	return out
}

func (n *Node) dumpThreads(ctx context.Context) history.Event {
	ev := history.Event{Type: history.DumpEvent, Node: n.Name}
	if state, _ := n.snapshot(); state == history.Down || state == history.Paused {
		ev.Error = "not dumped: the broker is " + string(state)
		return ev
	}
	dumps, deadlocks, _ := n.dumps.state()
	if _, err := n.Exec(ctx, "kill", "-QUIT", "1"); err != nil {
		ev.Error = "not dumped: " + err.Error()
		return ev
	}
	ended := time.Now().Add(dumpWait)
	for {
		d, _, _ := n.dumps.state()
		if d > dumps {
			break
		}
		if time.Now().After(ended) || sleepCtx(ctx, 50*time.Millisecond) != nil {
			ev.Error = "no thread dump came within " + dumpWait.String()
			return ev
		}
	}
	// The deadlock section follows the thread list in the same write;
	// give the follower a moment for it.
	settled := time.Now().Add(deadlockWait)
	for time.Now().Before(settled) {
		if _, n2, open := n.dumps.state(); n2 > deadlocks && !open {
			break
		}
		if sleepCtx(ctx, 50*time.Millisecond) != nil {
			break
		}
	}
	if _, n2, _ := n.dumps.state(); n2 > deadlocks {
		ev.Phase = history.PhaseDeadlock
		ev.Detail = strings.Join(n.dumps.deadlock(n2-1), "\n")
		return ev
	}
	ev.Phase = history.PhaseNoDeadlock
	return ev
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
