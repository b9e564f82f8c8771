package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// Attach hands the running cluster to the next scenario: from now on its
// role samples go to rec, its container logs to logDir, and its progress
// lines to say (nil: discarded).
func (c *Cluster) Attach(rec *history.Recorder, logDir string, say func(string)) {
	if say == nil {
		say = func(string) {}
	}
	c.roles.attach(rec)
	c.logs.moveTo(logDir)
	c.progressMu.Lock()
	c.opts.progress = say
	c.progressMu.Unlock()
}

// say prints one progress line to whoever the cluster is attached to.
func (c *Cluster) say(msg string) {
	c.progressMu.Lock()
	say := c.opts.progress
	c.progressMu.Unlock()
	say(msg)
}

// baselineSteady is how long the baseline must hold before a restore
// counts: a role sampled once, between two elections, proves nothing.
const baselineSteady = time.Second

// Restore brings a cluster that a scenario left faulted back to its
// healthy baseline: it lifts every CPU quota a starve left (on down nodes
// too, which would keep it when started), removes every disk-full's
// filler (and marks down a node that exited on its full store), thaws
// paused nodes, starts every node that is down, sets skewed broker clocks
// back to the host's and delayed store proxies back to pass-through,
// and waits until one master and slaves, one ZooKeeper leader and
// followers, and a database primary (with a synchronous standby under
// Patroni) hold for baselineSteady; a broker whose IO exception handler
// still waits to restart transports then gets a fresh JVM (iohandler.go).
// Partitions are the nemesis's to heal,
// before this is called. A restore that misses timeout returns an error
// saying what was still wrong; the caller then rebuilds the cluster.
func (c *Cluster) Restore(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// A store left full would fail whatever the restore starts at once.
	errs := []error{c.LiftQuotas(ctx), c.FreeStores(ctx)}
	for _, n := range c.Nodes() {
		if state, _ := n.snapshot(); state == history.Paused {
			errs = append(errs, n.Resume(ctx))
		}
	}
	// Clocks first: a broker started skewed would compute a fenced
	// lease's correction from the skew (SyncClocks).
	errs = append(errs, c.SyncClocks(ctx))
	errs = append(errs, c.startDown(ctx), c.UndelayStores(ctx))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("restore %s cluster: %w", c.profile.Name, err)
	}
	if err := c.WaitBaseline(ctx); err != nil {
		return err
	}
	if err := c.masterFirst(ctx); err != nil {
		return err
	}
	restarted, err := c.restartStaleJVMs(ctx)
	if err != nil {
		return fmt.Errorf("restore %s cluster: %w", c.profile.Name, err)
	}
	if !restarted {
		return nil
	}
	if err := c.WaitBaseline(ctx); err != nil {
		return err
	}
	return c.masterFirst(ctx)
}

// masterFirst makes broker1 the master again, as at bring-up, when a
// scenario left another broker master: scenarios name brokers and hosts
// by number (restart broker:1, kill node:2), so every scenario must start
// from the same layout. The other brokers stop cleanly, which releases
// the lock or lease at once, and start again once broker1 leads.
func (c *Cluster) masterFirst(ctx context.Context) error {
	if len(c.Brokers) < 2 || c.Role(c.Brokers[0]) == history.Master {
		return nil
	}
	c.say(fmt.Sprintf("restore: %s is master; stopping the other brokers so that broker1 leads again", c.masterName()))
	var wg sync.WaitGroup
	errs := make([]error, len(c.Brokers))
	for i, b := range c.Brokers[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.Stop(ctx, 30*time.Second)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := c.waitRole(ctx, c.Brokers[:1], history.Master, time.Until(deadline(ctx))); err != nil {
		return fmt.Errorf("restore: broker1 did not become master: %w", err)
	}
	if err := c.startDown(ctx); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return c.WaitBaseline(ctx)
}

func (c *Cluster) masterName() string {
	for _, b := range c.Brokers {
		if c.Role(b) == history.Master {
			return b.Name
		}
	}
	return "no broker"
}

func deadline(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return time.Now().Add(time.Minute)
}

// startDown starts every node that is down, all at once: each service
// retries its peers (a broker its database, Patroni its ensemble), so
// order does not matter and starting together is the quickest.
func (c *Cluster) startDown(ctx context.Context) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, n := range c.Nodes() {
		if state, _ := n.snapshot(); state != history.Down {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := n.Start(ctx); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// WaitBaseline waits until the cluster is healthy and stays so for
// baselineSteady, or ctx ends; the error says what was still wrong.
func (c *Cluster) WaitBaseline(ctx context.Context) error {
	var since time.Time
	var last string
	for {
		last = c.unhealthy(ctx)
		switch {
		case last != "":
			since = time.Time{}
		case since.IsZero():
			since = time.Now()
		case time.Since(since) >= baselineSteady:
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s cluster not back to its baseline: %s", c.profile.Name, last)
		case <-time.After(SampleInterval):
		}
	}
}

// unhealthy says what keeps the cluster from its baseline, "" if nothing.
func (c *Cluster) unhealthy(ctx context.Context) string {
	roles := map[string]history.Role{}
	for _, n := range c.Nodes() {
		roles[n.Name] = c.Role(n)
	}
	var wrong []string
	wrong = append(wrong, unbalanced(roles, c.Brokers, history.Master, history.Slave)...)
	wrong = append(wrong, unbalanced(roles, c.ZooKeepers, history.Leader, history.Follower)...)
	switch {
	case len(c.Databases) == 1:
		wrong = append(wrong, unbalanced(roles, c.Databases, history.Primary, "")...)
	case len(c.Databases) > 1:
		wrong = append(wrong, unbalanced(roles, c.Databases, history.Primary, history.Replica)...)
		if len(wrong) == 0 {
			if err := c.syncStandby(ctx); err != nil {
				wrong = append(wrong, err.Error())
			}
		}
	}
	return strings.Join(wrong, "; ")
}

// unbalanced lists what keeps nodes from having exactly one node in lead
// and every other in rest (rest "" when there is a single node), as read
// from roles.
func unbalanced(roles map[string]history.Role, nodes []*Node, lead, rest history.Role) []string {
	var wrong []string
	leads := 0
	for _, n := range nodes {
		switch r := roles[n.Name]; {
		case r == lead:
			leads++
		case r != rest || rest == "":
			wrong = append(wrong, fmt.Sprintf("%s is %s", n.Name, orUnknown(r)))
		}
	}
	if len(nodes) > 0 && leads != 1 {
		wrong = append(wrong, fmt.Sprintf("%d %s(s) among %s", leads, lead, nodeKind(nodes)))
	}
	return wrong
}

func orUnknown(r history.Role) history.Role {
	if r == "" {
		return "not sampled yet"
	}
	return r
}

func nodeKind(nodes []*Node) string { return string(nodes[0].Kind) + " nodes" }

// syncStandby asks the Patroni primary for its cluster view: strict
// synchronous mode needs a synchronous standby before it commits anything.
func (c *Cluster) syncStandby(ctx context.Context) error {
	var primary *Node
	for _, n := range c.Databases {
		if c.Role(n) == history.Primary {
			primary = n
		}
	}
	if primary == nil {
		return errors.New("no Patroni primary")
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+primary.Endpoint(PatroniPort)+"/cluster", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("Patroni cluster view from %s: %w", primary.Name, err)
	}
	defer resp.Body.Close()
	var view struct {
		Members []struct {
			Name  string `json:"name"`
			Role  string `json:"role"`
			State string `json:"state"`
		} `json:"members"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&view); err != nil {
		return fmt.Errorf("Patroni cluster view from %s: %w", primary.Name, err)
	}
	for _, m := range view.Members {
		if m.Role == "sync_standby" && (m.State == "streaming" || m.State == "running") {
			return nil
		}
	}
	return fmt.Errorf("Patroni primary %s has no streaming synchronous standby yet", primary.Name)
}

// restartStaleJVMs restarts every broker whose IO exception handler is
// still waiting to restart transports once the cluster is back at its
// baseline, where no store error is left to wait out, and every broker
// whose JVM cut its store limit on a full disk, reported a deadlock, or
// runs a lease locker that corrects its clock: only a fresh JVM is rid of
// that thread, measures the freed disk again, has its queues' threads
// back, or measures its clock again. The clocks are synced by then, so any
// correction is one measured during a skew. It reports whether it
// restarted any.
func (c *Cluster) restartStaleJVMs(ctx context.Context) (bool, error) {
	var stale []*Node
	why := map[string]string{}
	for _, b := range c.Brokers {
		switch {
		case b.iowait.waiting():
			why[b.Name] = "IO exception handler still waits to restart transports from an earlier store error"
		case b.limit.refusing():
			why[b.Name] = "store limit was cut to the free space of a full disk (storelimit.go)"
		case b.dumps.deadlocked():
			why[b.Name] = "JVM reported a Java-level deadlock in a thread dump; those threads never run again (threaddump.go)"
		case b.leaseDiff.correcting() != 0:
			why[b.Name] = fmt.Sprintf("lease locker corrects its clock by %d ms, measured while the clock was skewed (leasediff.go)",
				b.leaseDiff.correcting())
		default:
			continue
		}
		stale = append(stale, b)
	}
	if len(stale) == 0 {
		return false, nil
	}
	var errs []error
	for _, b := range stale {
		c.say(fmt.Sprintf("restore: %s's %s; restarting its container", b.Name, why[b.Name]))
		b.iowait.reset()
		if err := b.Restart(ctx); err != nil {
			errs = append(errs, fmt.Errorf("restart %s: %w", b.Name, err))
		}
	}
	return true, errors.Join(errs...)
}
