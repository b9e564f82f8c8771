// Package nemesis injects the faults of a scenario's timeline into a running
// cluster and records each fault's start and end in the run's events.
package nemesis

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/scenario"
)

// Fault is one family of faults: it acts on the brokers a step targets.
type Fault interface {
	Apply(ctx context.Context, brokers []*cluster.Node) error
}

// families implements every action of the fault vocabulary; a test
// holds it to fault.Actions(), so an action the parser accepts cannot
// lack an implementation here.
var families = map[fault.Action]func(c *cluster.Cluster) Fault{
	fault.Kill:         func(*cluster.Cluster) Fault { return kill{} },
	fault.Stop:         func(*cluster.Cluster) Fault { return stop{} },
	fault.Start:        func(*cluster.Cluster) Fault { return start{} },
	fault.Restart:      func(*cluster.Cluster) Fault { return restart{} },
	fault.Pause:        func(*cluster.Cluster) Fault { return pause{} },
	fault.Resume:       func(*cluster.Cluster) Fault { return resume{} },
	fault.Partition:    func(c *cluster.Cluster) Fault { return partition{c: c} },
	fault.Heal:         func(c *cluster.Cluster) Fault { return heal{c} },
	fault.Delay:        func(*cluster.Cluster) Fault { return netem{[]string{"delay", "300ms", "100ms"}} },
	fault.Loss:         func(c *cluster.Cluster) Fault { return partition{c: c, probability: "0.2"} },
	fault.Starve:       func(*cluster.Cluster) Fault { return starve{} },
	fault.Unstarve:     func(*cluster.Cluster) Fault { return unstarve{} },
	fault.ClockSkew:    func(*cluster.Cluster) Fault { return skew{} },
	fault.ClockSync:    func(*cluster.Cluster) Fault { return skew{} },
	fault.StoreDelay:   func(c *cluster.Cluster) Fault { return storeDelay{c: c} },
	fault.StoreUndelay: func(c *cluster.Cluster) Fault { return storeDelay{c: c} },
	fault.DiskFull:     func(c *cluster.Cluster) Fault { return disk{c: c, full: true} },
	fault.DiskFree:     func(c *cluster.Cluster) Fault { return disk{c: c} },
}

// fault returns the family that implements the step's action on its
// target: a cut scoped with from reaches only peers of that kind, a
// starve leaves its cpus, and a skew moves the clock by the step's offset
// (0 for clock-sync).
func (n *Nemesis) fault(step scenario.Step) (Fault, error) {
	if step.Action == fault.Partition && step.Target.Kind == fault.Bridge {
		return bridge{n.c}, nil
	}
	mk, ok := families[step.Action]
	if !ok {
		return nil, fmt.Errorf("action %q is not implemented by this build of the nemesis", step.Action)
	}
	switch f := mk(n.c).(type) {
	case partition:
		if step.From != "" {
			f.from = step.From
		}
		return f, nil
	case starve:
		f.cpus = step.CPUs
		return f, nil
	case skew:
		f.offset = step.Offset
		return f, nil
	case storeDelay:
		f.latency = step.Latency
		return f, nil
	default:
		return f, nil
	}
}

// Supported fails for an action this build cannot inject here, so a
// scenario that needs it is refused before any container starts, never
// skipped.
func Supported(action fault.Action) error {
	if _, err := (&Nemesis{}).fault(scenario.Step{Action: action}); err != nil {
		return err
	}
	if spec, _ := fault.Lookup(action); spec.NeedsNetem && !netemAvailable() {
		return errNoNetem
	}
	return nil
}

// Check refuses, before anything starts, a step this build cannot inject
// or whose target the profile does not have (zk:leader on shared-kahadb).
func Check(p cluster.Profile, action fault.Action, target fault.Target) error {
	if err := Supported(action); err != nil {
		return err
	}
	if err := checkStoreDelay(p, action); err != nil {
		return err
	}
	spec, _ := fault.Lookup(action)
	if spec.Store {
		if err := checkStore(p, action, target); err != nil {
			return err
		}
	} else if len(spec.Kinds) > 0 && !spec.Reaches(fault.Database) && p.BrokerImage != "" {
		return fmt.Errorf("%s: profile %s runs brokers of its own image, whose entry point does not preload libfaketime", action, p.Name)
	}
	need, ok := target.Needs()
	if !ok {
		return nil
	}
	if !p.Has(need) {
		return fmt.Errorf("target %q needs %s nodes, which profile %s does not have", target, need, p.Name)
	}
	return nil
}

// Nemesis applies steps to one cluster.
type Nemesis struct {
	c        *cluster.Cluster
	rec      *history.Recorder
	mu       sync.Mutex
	previous []*cluster.Node
	// open holds the faults still in effect (a kill lasts until the node
	// is started again), so that each one's end can be recorded.
	open openFaults
	wg   sync.WaitGroup
}

// New returns a nemesis for c that records into rec.
func New(c *cluster.Cluster, rec *history.Recorder) *Nemesis {
	return &Nemesis{c: c, rec: rec, open: openFaults{}}
}

// masterWait bounds how long a "master" target waits for a master to exist.
const masterWait = 60 * time.Second

// Apply runs one step. A step with a duration heals itself after it, in
// the background; Wait waits for those.
func (n *Nemesis) Apply(ctx context.Context, idx int, step scenario.Step) error {
	f, err := n.fault(step)
	if err != nil {
		return err
	}
	detail := offsetDetail(step)
	if step.CPUs > 0 {
		detail = cpusDetail(step.CPUs)
	}
	if step.Latency > 0 {
		detail = latencyDetail(step.Latency)
	}
	brokers, err := n.resolve(ctx, step.Action, step.Target)
	if err != nil {
		return fmt.Errorf("step %d (%s): %w", idx, step, err)
	}
	ev, done, err := n.inject(ctx, f, history.Event{Type: history.FaultEvent, Phase: history.PhaseStart, Step: idx,
		Action: step.Action, Target: step.Target.String(), From: step.From, Nodes: names(brokers), Detail: detail}, brokers)
	n.settle(ev, done, err)
	if err != nil {
		return fmt.Errorf("step %d (%s): %w", idx, step, err)
	}
	if heal := step.Action.Undo(); heal != "" && step.Duration > 0 {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			select {
			case <-ctx.Done():
				return
			case <-time.After(step.Duration):
			}
			hf, _ := n.fault(scenario.Step{Action: heal})
			hev, done, err := n.inject(ctx, hf, history.Event{Type: history.FaultEvent, Phase: history.PhaseStart,
				Step: idx, Action: heal, Target: "previous", Nodes: names(brokers),
				Detail: "automatic, after " + step.Duration.String()}, brokers)
			n.settle(hev, done, err)
		}()
	}
	return nil
}

// inject applies f and records its start at the moment the call returned:
// a SIGKILL or a freeze is certain only then, and a receipt that a doomed
// master sent in the meantime must not count as a recovery. A network
// fault lands container by container, so its start is when its first
// container's change was in place (the first cut holds; the first rule is
// gone). It returns when the step's effect was complete, for settle.
func (n *Nemesis) inject(ctx context.Context, f Fault, ev history.Event, brokers []*cluster.Node) (history.Event, time.Time, error) {
	began := time.Now()
	var l landing
	var err error
	var measured string
	switch tf := f.(type) {
	case timedFault:
		l, err = tf.applyTimed(ctx, brokers)
	case reportingFault:
		measured, err = tf.applyReporting(ctx, brokers)
	default:
		err = f.Apply(ctx, brokers)
	}
	done := time.Now()
	took := done.Sub(began).Round(time.Millisecond)
	if ev.Detail != "" {
		ev.Detail += "; "
	}
	ev.Detail += "injected in " + took.String()
	if measured != "" {
		ev.Detail += "; " + measured
	}
	if s, ok := f.(skew); ok && err == nil {
		// The clock is read back after the write landed; the fault is
		// stamped at the write's return, not after the read.
		ev.Time = done
		ev.Detail += "; " + s.measured(ctx, brokers)
	}
	if !l.first.IsZero() {
		ev.Time, done = l.first, l.last
		ev.Detail += fmt.Sprintf("; %s within %s", landed(ev.Action), l.spread().Round(time.Millisecond))
		if len(l.viaExec) > 0 {
			ev.Detail += "; by docker exec on " + strings.Join(l.viaExec, ", ")
		}
	}
	if err != nil {
		ev.Error = err.Error()
	}
	ev.Began = began
	return n.rec.Event(ev), done, err
}

// landed words a network fault's spread for the event's detail.
func landed(action fault.Action) string {
	if action == fault.Heal {
		return "rules gone"
	}
	return "cuts landed"
}

// settle records what a step left behind: lasting faults stay open until
// healed; healing ones close the faults they undo and end at done, when
// their effect was complete (a heal's last rule gone).
func (n *Nemesis) settle(ev history.Event, done time.Time, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err != nil {
		n.rec.Event(endOf(ev, time.Now(), err))
		return
	}
	if ev.Action.Lasting() {
		n.open.add(ev)
		return
	}
	for _, o := range n.open.close(ev.Action, ev.Nodes) {
		n.rec.Event(endOf(o, done, nil))
	}
	n.rec.Event(endOf(ev, done, nil))
}

func endOf(ev history.Event, at time.Time, err error) history.Event {
	end := history.Event{Time: at, Type: history.FaultEvent, Phase: history.PhaseEnd, Step: ev.Step,
		Action: ev.Action, Target: ev.Target, From: ev.From, Nodes: ev.Nodes}
	if err != nil {
		end.Error = err.Error()
	}
	return end
}

// Wait waits for timed heals still pending.
func (n *Nemesis) Wait() { n.wg.Wait() }

// Close ends every fault still open, at the end of the run.
func (n *Nemesis) Close() {
	n.Wait()
	n.mu.Lock()
	defer n.mu.Unlock()
	now := time.Now()
	for _, ev := range n.open.drain() {
		end := endOf(ev, now, nil)
		end.Detail = "still in effect at the end of the run"
		n.rec.Event(end)
	}
}

func names(bs []*cluster.Node) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.Name
	}
	return out
}
