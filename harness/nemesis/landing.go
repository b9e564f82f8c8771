package nemesis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/cluster"
)

// landing is when a network fault's change was in place in its first and
// its last container: a partition begins when its first cut holds, and a
// heal is over only when its last rule is gone.
type landing struct {
	first, last time.Time
	// viaExec names the containers whose agent did not answer, so their
	// rules went in through the slower docker exec.
	viaExec []string
}

// spread is how far apart the first and the last container's change landed.
func (l landing) spread() time.Duration { return l.last.Sub(l.first) }

// add widens l to include t.
func (l *landing) add(t time.Time) {
	if l.first.IsZero() || t.Before(l.first) {
		l.first = t
	}
	if t.After(l.last) {
		l.last = t
	}
}

// timedFault is a fault that lands container by container and can tell
// when; inject stamps its events with those moments instead of with the
// moment the whole call returned.
type timedFault interface {
	applyTimed(ctx context.Context, nodes []*cluster.Node) (landing, error)
}

// job is the one rule set one container gets for a network fault.
type job struct {
	node  *cluster.Node
	rules []string
	// clearNetem also deletes the netem qdisc (heal, where netem exists).
	clearNetem bool
}

// apply sends the rules to the container's fault agent, or, where the
// container has none, applies them with one docker exec (viaExec true).
func (j job) apply(ctx context.Context) (viaExec bool, err error) {
	err = j.node.RestoreRules(ctx, j.rules, j.clearNetem)
	if errors.Is(err, cluster.ErrNoAgent) {
		_, err = j.node.Exec(ctx, restoreCmd(j.rules, j.clearNetem)...)
		return true, err
	}
	return false, err
}

// runJobs runs every job at once, so that the cuts land together instead
// of one container after another. A failing container does not stop the
// others; its error names the fault and the node. The landing covers the
// containers whose exec succeeded: a failed one changed nothing.
func runJobs(ctx context.Context, fault string, jobs []job) (landing, error) {
	done := make([]time.Time, len(jobs))
	errs := make([]error, len(jobs))
	execs := make([]bool, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if execs[i], err = j.apply(ctx); err != nil {
				errs[i] = fmt.Errorf("%s on %s: %w", fault, j.node.Name, err)
				return
			}
			done[i] = time.Now()
		}()
	}
	wg.Wait()
	var l landing
	for i, t := range done {
		if !t.IsZero() {
			l.add(t)
		}
		if execs[i] {
			l.viaExec = append(l.viaExec, jobs[i].node.Name)
		}
	}
	return l, errors.Join(errs...)
}
