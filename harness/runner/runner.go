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
	// Image is the node image reference.
	Image string
	// RunDir is the run's folder (reports/<run-id>); the scenario's
	// outputs go in a subfolder.
	RunDir string
	// RunID names the run.
	RunID string
	// Progress receives human-readable progress; nil discards it.
	Progress io.Writer
}

// Outcome is what one scenario run produced.
type Outcome struct {
	Result checker.Result
	Dir    string
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
		if err := nemesis.Check(p, s.Action, s.Target); err != nil {
			return fmt.Errorf("%s:%d: timeline[%d]: %w", f.Path, s.Line, i, err)
		}
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

// Run executes f on profile. The error is for runs that could not be
// carried out (Docker, bring-up); a guarantee broken by the cluster is a
// failed verdict in the Outcome, not an error.
func Run(ctx context.Context, f *scenario.File, profile string, o Options) (*Outcome, error) {
	if err := Validate(f, profile); err != nil {
		return nil, err
	}
	dir := Dir(o.RunDir, f, profile)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	if err := saveScenario(dir, f); err != nil {
		return nil, err
	}
	p := newProgress(o.Progress, f.Name+"/"+profile)
	rec := history.NewRecorder()
	rec.Event(history.Event{Type: history.RunEvent, Phase: history.PhaseStart, Detail: f.Name + " on " + profile})

	c, err := cluster.Run(ctx, cluster.WithImage(o.Image), cluster.WithProfile(profile),
		cluster.WithRecorder(rec), cluster.WithLogDir(dir), cluster.WithRunID(o.RunID+"-"+f.Name),
		cluster.WithProgress(p.line))
	defer func() {
		// A fresh context: the run's own may be the thing that ended.
		tctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := c.Terminate(tctx); err != nil {
			p.line("cleanup: " + err.Error())
		}
	}()
	if err != nil {
		return nil, fmt.Errorf("start %s cluster: %w", profile, err)
	}
	if _, err := c.FirstLeader(ctx, time.Minute); err != nil {
		return nil, fmt.Errorf("waiting for the first master: %w", err)
	}
	if err := drive(ctx, f, c, rec, p); err != nil {
		return nil, err
	}
	rec.Event(history.Event{Type: history.RunEvent, Phase: history.PhaseEnd})
	tctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.Terminate(tctx); err != nil {
		p.line("cleanup: " + err.Error())
	}
	return judge(f, profile, dir, rec.Snapshot(), c)
}

// drive runs the workload and the fault timeline together, then drains.
func drive(ctx context.Context, f *scenario.File, c *cluster.Cluster, rec *history.Recorder, p *progress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newLoad(ctx, f, c, rec)
	nem := nemesis.New(c, rec)
	prodDone := make(chan error, 1)
	go func() { prodDone <- w.produce(ctx) }()
	stopWatch := p.watch(rec, c)
	defer stopWatch()

	timelineErr := playTimeline(ctx, f, nem, p)
	nem.Wait()
	if err := <-prodDone; err != nil && ctx.Err() != nil {
		return fmt.Errorf("producer: %w", err)
	}
	nem.Close()
	if timelineErr != nil {
		return timelineErr
	}
	rec.Event(history.Event{Type: history.RunEvent, Phase: "drain"})
	p.line("producer done; draining")
	dctx, dcancel := context.WithTimeout(ctx, drainTimeout)
	defer dcancel()
	if err := w.drain(dctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.line(fmt.Sprintf("drain did not finish within %s (%v); judging what was delivered", drainTimeout, err))
	}
	return nil
}

// load is a workload as the runner drives it: produce while faults run,
// then drain what is left.
type load struct {
	produce func(context.Context) error
	drain   func(context.Context) error
}

// newLoad picks the client for the profile: STOMP against brokers, or
// znode creates against a ZooKeeper-only ensemble. The STOMP consumer
// starts at once (after its configured delay) and runs until drained.
func newLoad(ctx context.Context, f *scenario.File, c *cluster.Cluster, rec *history.Recorder) load {
	cfg := workloadConfig(f)
	if len(c.Brokers) == 0 {
		z := workload.NewZK(cfg, rec, endpoints(c.ZooKeepers, cluster.ZKPort))
		return load{produce: z.Run, drain: z.FinalRead}
	}
	eps := endpoints(c.Brokers, cluster.STOMPPort)
	prod := workload.NewProducer(cfg, rec, eps)
	cons := workload.NewConsumer(cfg, rec, eps)
	consDone := make(chan error, 1)
	go func() { consDone <- cons.Run(ctx) }()
	return load{produce: prod.Run, drain: func(dctx context.Context) error {
		cons.Drain()
		select {
		case err := <-consDone:
			return err
		case <-dctx.Done():
			return dctx.Err()
		}
	}}
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

func workloadConfig(f *scenario.File) workload.Config {
	w := f.Workload
	return workload.Config{Queue: "amqha." + f.Name, Duration: w.Duration, Rate: w.Rate, InFlight: w.InFlight,
		MessageSize: w.MessageSize, Persistent: w.Persistent, ConsumerDelay: w.ConsumerDelay,
		ConsumerRate: w.ConsumerRate, DrainQuiet: w.DrainQuiet}
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
