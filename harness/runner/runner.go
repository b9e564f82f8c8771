// Package runner executes one scenario on one profile: it starts the
// cluster, drives the workload while the nemesis plays the timeline,
// drains, tears everything down, and judges the recorded history.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
	"github.com/amqha/amqha/harness/nemesis"
	"github.com/amqha/amqha/harness/scenario"
	"github.com/amqha/amqha/harness/workload"
)

// Options configure a run.
type Options struct {
	// RunDir is the run's folder (reports/<run-id>); the scenario's
	// outputs go in a subfolder.
	RunDir string
	// RunID names the run.
	RunID string
	// Progress receives human-readable progress; nil discards it.
	Progress io.Writer
	// Queue is the destination the workload uses; unique per run.
	Queue string
	// Dir is the scenario's output folder; default Dir(RunDir, f, profile).
	Dir string
}

// Outcome is what one scenario run produced.
type Outcome struct {
	Result checker.Result
	Dir    string
	// Cluster says which cluster the run shared, and its turn on it.
	Cluster string
}

// drainTimeout bounds the final drain, so a cluster that never serves
// again fails the run instead of hanging it.
const drainTimeout = 3 * time.Minute

// Validate refuses a scenario this build cannot run on profile, before
// any container starts.
func Validate(f *scenario.File, profile string) error {
	p, err := cluster.LookupProfile(profile)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	for i, s := range f.Timeline {
		if err := checkStep(p, s); err != nil {
			return fmt.Errorf("%s:%d: timeline[%d]: %w", f.Path, s.Line, i, err)
		}
	}
	return checkPopulation(f, p)
}

// checkPopulation refuses a client population other than the default where
// the profile has no brokers: the ZooKeeper workload is one client of
// znodes, which the default population leaves alone.
func checkPopulation(f *scenario.File, p cluster.Profile) error {
	w := f.Workload
	if p.Has(cluster.KindBroker) || (w.Producers <= scenario.DefaultProducers && w.Consumers <= scenario.DefaultConsumers &&
		w.Queues <= 1 && w.Connect == scenario.DefaultConnect) {
		return nil
	}
	return fmt.Errorf("%s: workload: profile %s has no brokers, so its workload is one ZooKeeper client: a population other than the default (producers, consumers, queues, connect) needs STOMP brokers", f.Path, p.Name)
}

// checkStep is Validate for one step, which an exploratory schedule also
// draws with, so that no drawn step is refused later.
func checkStep(p cluster.Profile, s scenario.Step) error {
	if err := nemesis.Check(p, s.Action, s.Target); err != nil {
		return err
	}
	if s.From != "" && !p.Has(s.From) {
		return fmt.Errorf("from %s needs %s nodes, which profile %s does not have", s.From, s.From, p.Name)
	}
	return nil
}

// Dir is the scenario's output folder inside the run folder.
func Dir(runDir string, f *scenario.File, profile string) string {
	if len(f.Profiles) > 1 {
		return filepath.Join(runDir, f.Name+"@"+profile)
	}
	return filepath.Join(runDir, f.Name)
}

// Run executes f on profile, on a cluster from pool (restored to its
// baseline, or built). The error is for runs that could not be carried
// out (Docker, bring-up); a guarantee broken by the cluster is a failed
// verdict in the Outcome, not an error.
func Run(ctx context.Context, f *scenario.File, profile string, pool *Pool, o Options) (*Outcome, error) {
	if err := Validate(f, profile); err != nil {
		return nil, err
	}
	dir := o.Dir
	if dir == "" {
		dir = Dir(o.RunDir, f, profile)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	if err := saveScenario(dir, f); err != nil {
		return nil, err
	}
	p := newProgress(o.Progress, f.Name+"/"+profile)
	rec := history.NewRecorder()
	// The evidence goes to disk as the run goes, so a run that errors,
	// times out or is interrupted still leaves what it recorded.
	if err := rec.Stream(dir); err != nil {
		return nil, err
	}
	defer rec.Close()
	rec.Event(history.Event{Type: history.RunEvent, Phase: history.PhaseStart, Detail: f.Name + " on " + profile})
	lease, err := pool.Acquire(ctx, profile, f.DelaysStore(), f.FillsStore(), rec, dir, p.line)
	defer lease.Release()
	if err != nil {
		return nil, err
	}
	c := lease.Cluster
	// The role samples of whatever runs next on the cluster are not this run's.
	defer c.Attach(nil, dir, nil)
	p.line(fmt.Sprintf("cluster %s ready for its scenario %d in %s", lease.Name, lease.Turn, lease.Prepared.Round(100*time.Millisecond)))
	rec.Event(history.Event{Type: history.RunEvent, Phase: history.PhaseBaseline, Detail: fmt.Sprintf(
		"cluster %s, scenario %d on it, ready in %s", lease.Name, lease.Turn, lease.Prepared.Round(time.Millisecond))})
	// Saved now, so that a run that dies early still says what it ran on.
	if err := WriteMeta(dir, runMeta(o.RunID, c, lease)); err != nil {
		return nil, err
	}
	if err := drive(ctx, f, c, rec, p, o.Queue); err != nil {
		return nil, err
	}
	rec.Event(history.Event{Type: history.RunEvent, Phase: history.PhaseEnd})
	c.Attach(nil, dir, nil)
	// The stream has written every record; only if it failed is the whole
	// history written again.
	streamErr := rec.Close()
	if streamErr != nil {
		p.line("history stream: " + streamErr.Error() + "; saving the whole history instead")
	}
	return judge(f, profile, dir, o.RunID, rec.Snapshot(), streamErr != nil, c, lease)
}

// drive runs the workload and the fault timeline together, then drains.
func drive(ctx context.Context, f *scenario.File, c *cluster.Cluster, rec *history.Recorder, p *progress, queue string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newLoad(ctx, f, c, rec, queue)
	nem := nemesis.New(c, rec)
	prodDone := make(chan error, 1)
	go func() { prodDone <- w.produce(ctx) }()
	stopWatch := p.watch(rec, c)
	defer stopWatch()

	began := time.Now()
	timelineErr := playTimeline(ctx, f, nem, p)
	nem.Wait()
	if err := <-prodDone; err != nil && ctx.Err() != nil {
		return fmt.Errorf("producer: %w", err)
	}
	nem.Close()
	if timelineErr != nil {
		return timelineErr
	}
	rec.Event(history.Event{Type: history.RunEvent, Phase: history.PhaseDrain})
	p.line("producer done; draining")
	dctx, dcancel := context.WithTimeout(ctx, drainTimeout)
	defer dcancel()
	drained := "every consumer and subscriber went quiet"
	if err := w.drain(dctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		drained = fmt.Sprintf("timed out after %s: %v", drainTimeout, err)
		p.line(fmt.Sprintf("drain did not finish within %s (%v); judging what was delivered", drainTimeout, err))
	}
	drainStore(ctx, c, w, rec, p)
	dumpThreads(ctx, c, rec, p)
	rec.Event(history.Event{Type: history.RunEvent, Phase: history.PhaseDrained, Detail: drained})
	settle(ctx, f, c, began, p)
	return nil
}

// settle keeps the role samples coming after the drain until the cluster
// is back to its baseline or the last rejoin bound has passed: a timeline
// cut short must not end the evidence a rejoin check needs (a PostgreSQL
// member's pg_rewind alone can take 15 s on 2 cores).
func settle(ctx context.Context, f *scenario.File, c *cluster.Cluster, began time.Time, p *progress) {
	by := rejoinDeadline(f, began)
	if by.IsZero() || time.Now().After(by) {
		return
	}
	sctx, cancel := context.WithDeadline(ctx, by)
	defer cancel()
	if err := c.WaitBaseline(sctx); err != nil && ctx.Err() == nil {
		p.line("settle: " + err.Error())
	}
}

// rejoinDeadline is when the rejoin bound of the timeline's last start or
// restart runs out; zero when no rejoin check applies.
func rejoinDeadline(f *scenario.File, began time.Time) time.Time {
	bound := max(f.Expect.RejoinWithin, f.Expect.RejoinFollowerWithin)
	last := time.Duration(-1)
	for _, s := range f.Timeline {
		if s.Action == scenario.ActionStart || s.Action == scenario.ActionRestart {
			last = s.At
		}
	}
	if bound <= 0 || last < 0 {
		return time.Time{}
	}
	return began.Add(last + bound)
}

// load is a workload as the runner drives it: produce while faults run,
// then drain what is left.
type load struct {
	produce func(context.Context) error
	drain   func(context.Context) error
	// again drains once more with a fresh consumer; nil where there is no
	// store to ask whether anything is left.
	again func(context.Context) error
	// queues are the broker's names of the run's queues, for the store lookup.
	queues []string
}

// newLoad picks the client for the profile: STOMP against brokers, or
// znode creates against a ZooKeeper-only ensemble. The STOMP consumer
// consumers start at once (after their configured delay) and run until drained.
func newLoad(ctx context.Context, f *scenario.File, c *cluster.Cluster, rec *history.Recorder, queue string) load {
	cfg := workloadConfig(f, queue)
	if len(c.Brokers) == 0 {
		z := workload.NewZK(cfg, rec, endpoints(c.ZooKeepers, cluster.ZKPort))
		return load{produce: z.Run, drain: z.FinalRead}
	}
	eps := endpoints(c.Brokers, cluster.STOMPPort)
	pop := workload.NewPopulation(cfg, f.Workload.Producers, f.Workload.Consumers, rec, eps)
	pop.StartConsumers(ctx)
	produce, drain := pop.Produce, pop.Drain
	if t := f.Workload.Transactions; t != nil {
		tx := workload.NewTxProducer(cfg, workload.Transactions{Rate: t.Rate, Size: t.Size, AbortEvery: t.AbortEvery}, rec, eps)
		produce = alongside(produce, tx.Run)
	}
	if t := f.Workload.Topic; t != nil {
		subs := subscribers(cfg, t.Subscribers, rec, eps)
		done := make(chan error, len(subs))
		for _, s := range subs {
			go func() { done <- s.Run(ctx) }()
		}
		topic := workload.NewTopicProducer(cfg, t.Rate, rec, eps)
		produce = alongside(produce, func(ctx context.Context) error { return topic.Run(ctx, allSubscribed(ctx, subs)) })
		drain = alongside(drain, drainAll(subs, done))
	}
	return load{produce: produce, drain: drain, again: pop.DrainAgain, queues: workload.Destinations(cfg)}
}

// subscribers are a topic's durable subscribers. They subscribe at once,
// whatever the consumer's delay: a durable subscription only keeps what
// is sent after it exists.
func subscribers(cfg workload.Config, n int, rec *history.Recorder, eps workload.Endpoints) []*workload.Consumer {
	cfg.ConsumerDelay = 0
	out := make([]*workload.Consumer, n)
	for i := range out {
		out[i] = workload.NewSubscriber(cfg, rec, eps, i+1)
	}
	return out
}

// drainAll drains subscribers whose Run results arrive on done.
func drainAll(subs []*workload.Consumer, done <-chan error) func(context.Context) error {
	return func(dctx context.Context) error {
		for _, s := range subs {
			s.Drain()
		}
		var errs []error
		for range subs {
			select {
			case err := <-done:
				errs = append(errs, err)
			case <-dctx.Done():
				return dctx.Err()
			}
		}
		return errors.Join(errs...)
	}
}

// allSubscribed is closed once every subscriber has subscribed.
func allSubscribed(ctx context.Context, subs []*workload.Consumer) <-chan struct{} {
	ready := make(chan struct{})
	go func() {
		for _, s := range subs {
			select {
			case <-s.Subscribed():
			case <-ctx.Done():
				return
			}
		}
		close(ready)
	}()
	return ready
}

// alongside runs several producers (or drains) at once and returns when
// all have.
func alongside(runs ...func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		errs := make(chan error, len(runs))
		for _, run := range runs {
			go func() { errs <- run(ctx) }()
		}
		var all []error
		for range runs {
			all = append(all, <-errs)
		}
		return errors.Join(all...)
	}
}

func playTimeline(ctx context.Context, f *scenario.File, nem *nemesis.Nemesis, p *progress) error {
	start := time.Now()
	var errs []error
	for i, step := range f.Timeline {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Until(start.Add(step.At))):
		}
		p.line("fault: " + step.String())
		if err := nem.Apply(ctx, i+1, step); err != nil {
			p.line("fault failed: " + err.Error())
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// workloadConfig is the scenario's load on queue; a cluster shared by
// several scenarios gives each a queue of its own, so nothing one left
// undelivered is counted by the next.
func workloadConfig(f *scenario.File, queue string) workload.Config {
	w := f.Workload
	return workload.Config{Queue: queue, Duration: w.Duration, Rate: w.Rate, InFlight: w.InFlight,
		MessageSize: w.MessageSize, Persistent: w.Persistent, ConsumerDelay: w.ConsumerDelay,
		ConsumerRate: w.ConsumerRate, DrainQuiet: w.DrainQuiet, SendTimeout: w.SendTimeout,
		Queues: w.Queues, Connect: w.Connect, Silence: w.Silence}
}

func endpoints(nodes []*cluster.Node, port string) workload.Endpoints {
	return func(context.Context) []workload.Endpoint {
		out := make([]workload.Endpoint, 0, len(nodes))
		for _, n := range nodes {
			out = append(out, workload.Endpoint{Broker: n.Name, Addr: n.Endpoint(port)})
		}
		return out
	}
}
