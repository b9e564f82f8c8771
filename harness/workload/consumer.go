package workload

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/go-stomp/stomp/v3/frame"
)

// prefetch bounds the unacknowledged deliveries a broker pushes at once; a
// small window keeps redeliveries after a failover few and attributable.
const prefetch = "50"

// Consumer receives with client-individual acks and records every delivery.
type Consumer struct {
	cfg   Config
	cl    Client
	rec   *history.Recorder
	conn  *connector
	drain chan struct{}
	// subscribe are extra SUBSCRIBE headers, as key, value pairs: a
	// durable subscriber's subscription name.
	subscribe []string
	// subscribed is closed once the broker has taken the first SUBSCRIBE.
	subscribed chan struct{}
	once       sync.Once
}

// NewConsumer returns a consumer of cl's queue that records into rec.
func NewConsumer(cfg Config, cl Client, rec *history.Recorder, eps Endpoints) *Consumer {
	if cfg.DrainQuiet == 0 {
		cfg.DrainQuiet = 5 * time.Second
	}
	return &Consumer{cfg: cfg, cl: cl, rec: rec, conn: newConnector(cl.Name, cfg, eps), drain: make(chan struct{}),
		subscribed: make(chan struct{})}
}

// Subscribed is closed once the broker has taken the consumer's first
// SUBSCRIBE: a durable subscription exists from then on.
func (c *Consumer) Subscribed() <-chan struct{} { return c.subscribed }

// destination is the STOMP destination of the client's queue, or of its
// topic for a durable subscriber.
func (c *Consumer) destination() string {
	if history.IsTopic(c.cl.Queue) {
		return "/topic/" + c.cl.Destination
	}
	return "/queue/" + c.cl.Destination
}

// Drain tells the consumer that no more faults or sends will come: it
// returns once the queue has stayed empty for DrainQuiet while connected
// to a broker.
func (c *Consumer) Drain() { close(c.drain) }

// Run consumes until the drain completes or ctx ends.
func (c *Consumer) Run(ctx context.Context) error {
	select {
	case <-time.After(c.cfg.ConsumerDelay):
	case <-ctx.Done():
		return ctx.Err()
	}
	for {
		s, err := c.conn.connect(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", c.cl.Name, err)
		}
		drained, err := c.session(ctx, s)
		s.close()
		if drained {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", c.cl.Name, ctx.Err())
		}
		_ = err // a lost connection is the normal case under faults: reconnect
	}
}

// session consumes on one connection; it reports whether the drain completed.
func (c *Consumer) session(ctx context.Context, s *session) (bool, error) {
	sub := frame.New(frame.SUBSCRIBE, append([]string{frame.Destination, c.destination(), frame.Id, "0",
		frame.Ack, frame.AckClientIndividual, "activemq.prefetchSize", prefetch, frame.Receipt, "sub"}, c.subscribe...)...)
	if err := s.write(sub); err != nil {
		return false, err
	}
	frames := make(chan *frame.Frame)
	lost := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			f, err := s.readFrame()
			if err != nil {
				lost <- err
				return
			}
			select {
			case frames <- f:
			case <-stop:
				return
			}
		}
	}()
	quiet := time.NewTicker(100 * time.Millisecond)
	defer quiet.Stop()
	last := time.Now()
	var gap time.Duration
	if c.cfg.ConsumerRate > 0 {
		gap = time.Second / time.Duration(c.cfg.ConsumerRate)
	}
	for {
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case err := <-lost:
			return false, err
		case <-quiet.C:
			if drainStarted(c.drain) && time.Since(last) >= c.cfg.DrainQuiet {
				return true, nil
			}
		case f := <-frames:
			if f.Command == frame.RECEIPT {
				c.once.Do(func() { close(c.subscribed) })
			}
			if f.Command == frame.ERROR {
				return false, fmt.Errorf("ERROR frame: %s", f.Header.Get(frame.Message))
			}
			if f.Command != frame.MESSAGE {
				continue
			}
			last = time.Now()
			c.rec.Op(history.Op{Process: c.cl.Name, Type: history.OK, F: history.Receive, ID: messageID(f),
				Broker: s.broker, Queue: c.cl.Queue, Conn: s.id, Redelivered: f.Header.Get("redelivered") == "true"})
			if err := s.write(frame.New(frame.ACK, frame.Id, f.Header.Get(frame.Ack))); err != nil {
				return false, err
			}
			if gap > 0 {
				time.Sleep(gap)
			}
		}
	}
}

func drainStarted(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// messageID reads the application id from its header, or from the body's
// first word should a broker ever drop the custom header.
func messageID(f *frame.Frame) string {
	if id := f.Header.Get(IDHeader); id != "" {
		return id
	}
	id, _, _ := strings.Cut(string(f.Body), " ")
	return id
}
