package workload

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/amqha/amqha/harness/history"
)

// Population is a run's STOMP clients: its producers and consumers, spread
// over the queues by QueueOf and named by history.ClientName.
type Population struct {
	cfg       Config
	rec       *history.Recorder
	eps       Endpoints
	producers []*Producer
	consumers []*Consumer
	consDone  chan error
	again     int
}

// NewPopulation returns producers and consumers clients that share one
// id source and record into rec.
func NewPopulation(cfg Config, producers, consumers int, rec *history.Recorder, eps Endpoints) *Population {
	p := &Population{cfg: cfg, rec: rec, eps: eps, consDone: make(chan error, consumers)}
	ids := &IDs{}
	for i := range producers {
		p.producers = append(p.producers, NewProducer(cfg.forClient(i), client(cfg, history.Producer, i, producers), producers, ids, rec, eps))
	}
	for i := range consumers {
		p.consumers = append(p.consumers, NewConsumer(cfg.forClient(i), client(cfg, history.Consumer, i, consumers), rec, eps))
	}
	return p
}

// forClient is cfg as the i-th client of a kind sees it: its own policy.
func (cfg Config) forClient(i int) Config {
	cfg.Connect = cfg.Connect.For(i)
	return cfg
}

func client(cfg Config, kind string, i, n int) Client {
	label, dest := QueueOf(cfg, i)
	return Client{Name: history.ClientName(kind, i+1, n), Queue: label, Destination: dest}
}

// StartConsumers starts every consumer; each runs until drained or ctx ends.
func (p *Population) StartConsumers(ctx context.Context) {
	for _, c := range p.consumers {
		go func() { p.consDone <- c.Run(ctx) }()
	}
}

// Produce runs every producer and returns when all have stopped.
func (p *Population) Produce(ctx context.Context) error {
	errs := make([]error, len(p.producers))
	var wg sync.WaitGroup
	for i, pr := range p.producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = pr.Run(ctx)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Drain tells every consumer that the sends are over and waits until all
// have gone quiet, or dctx ends.
func (p *Population) Drain(dctx context.Context) error {
	for _, c := range p.consumers {
		c.Drain()
	}
	var errs []error
	for range p.consumers {
		select {
		case err := <-p.consDone:
			errs = append(errs, err)
		case <-dctx.Done():
			return dctx.Err()
		}
	}
	return errors.Join(errs...)
}

// DrainAgain drains once more, with one fresh consumer per queue, named
// after the first consumer of that queue: it is that client reconnecting.
func (p *Population) DrainAgain(dctx context.Context) error {
	cfg := p.cfg
	cfg.ConsumerDelay = 0
	n := min(max(cfg.Queues, 1), len(p.consumers))
	done := make(chan error, n)
	p.again++
	for i := range n {
		cl := p.consumers[i].cl
		more := NewConsumer(cfg, cl, p.rec, p.eps)
		// A fresh connector would count from 1 again: the connection
		// ids must stay unique, so this drain's have their own suffix.
		more.conn.client = fmt.Sprintf("%s/again%d", cl.Name, p.again)
		go func() { done <- more.Run(dctx) }()
		more.Drain()
	}
	var errs []error
	for range n {
		errs = append(errs, <-done)
	}
	return errors.Join(errs...)
}
