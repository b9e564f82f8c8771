package workload

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/go-stomp/stomp/v3/frame"
)

// Config is the workload part of a scenario, shared by all its clients.
type Config struct {
	// Queue is the destination of a scenario with one queue, and the stem
	// of the destinations of one with several (see Queues).
	Queue string
	// Queues is how many queues the clients spread over (0 or 1: Queue).
	Queues   int
	Duration time.Duration
	// Rate is the sends per second of all producers together.
	Rate int
	// InFlight is each producer's window of sends awaiting a receipt.
	InFlight      int
	MessageSize   int
	Persistent    bool
	ConsumerDelay time.Duration
	ConsumerRate  int
	DrainQuiet    time.Duration
	// SendTimeout bounds the wait for one receipt; a send older than this
	// ends the connection and completes as info.
	SendTimeout time.Duration
	// Connect is how each client picks its broker (default ConnectMaster).
	Connect Connect
	// Silence is how long a connection may stay silent, the broker's
	// heart-beats included, before the client gives it up (default 5s).
	Silence time.Duration
}

// Client is one producer's or consumer's place in the population: its
// process name and its queue.
type Client struct {
	Name string
	// Queue is the history's label of the client's queue (empty for a
	// scenario's single queue) and Destination the broker's name for it.
	Queue       string
	Destination string
}

// QueueOf is the client placement the population uses: the i-th client
// (0-based) of a kind is on queue i mod Queues, so that every queue has
// producers and consumers when there are at least as many of each.
func QueueOf(cfg Config, i int) (label, destination string) {
	if cfg.Queues <= 1 {
		return "", cfg.Queue
	}
	label = fmt.Sprintf("q%d", i%cfg.Queues+1)
	return label, cfg.Queue + "." + label
}

// Destinations lists every queue's broker name.
func Destinations(cfg Config) []string {
	n := max(cfg.Queues, 1)
	out := make([]string, n)
	for i := range n {
		_, out[i] = QueueOf(cfg, i)
	}
	return out
}

// IDs hands out the application ids of every producer of a run, so that
// they stay unique across producers (and match the store lookup's m[0-9]{7}).
type IDs struct{ n atomic.Int64 }

// Next returns a fresh id.
func (s *IDs) Next() string { return fmt.Sprintf("m%07d", s.n.Add(1)) }

// IDHeader carries the application id that the checker follows.
const IDHeader = "amqha-id"

// Producer sends receipted messages with several receipts in flight.
type Producer struct {
	cfg  Config
	cl   Client
	rec  *history.Recorder
	conn *connector
	ids  *IDs
	body string
}

// NewProducer returns a producer that records into rec. Its rate is its
// share of cfg.Rate among producers.
func NewProducer(cfg Config, cl Client, producers int, ids *IDs, rec *history.Recorder, eps Endpoints) *Producer {
	if cfg.SendTimeout == 0 {
		cfg.SendTimeout = 10 * time.Second
	}
	cfg.Rate = max(cfg.Rate/max(producers, 1), 1)
	return &Producer{cfg: cfg, cl: cl, rec: rec, conn: newConnector(cl.Name, cfg, eps), ids: ids,
		body: strings.Repeat("x", max(cfg.MessageSize-16, 0))}
}

// Run sends for cfg.Duration, reconnecting after every connection loss,
// then waits for the receipts still in flight.
func (p *Producer) Run(ctx context.Context) error {
	sendCtx, cancel := context.WithTimeout(ctx, p.cfg.Duration)
	defer cancel()
	var retries []string
	for sendCtx.Err() == nil {
		s, err := p.conn.connect(sendCtx)
		if err != nil {
			break
		}
		retries = p.session(ctx, sendCtx, s, retries)
	}
	return ctx.Err()
}

// op is a send record of this producer on s.
func (p *Producer) op(s *session, t history.OpType, id string) history.Op {
	return history.Op{Process: p.cl.Name, Type: t, F: history.Send, ID: id, Broker: s.broker, Queue: p.cl.Queue, Conn: s.id}
}

type pending struct {
	id    string
	since time.Time
}

// session drives one connection until it breaks or sending time is over.
// It returns the ids whose outcome became unknown, to be resent.
func (p *Producer) session(ctx, sendCtx context.Context, s *session, retries []string) []string {
	var mu sync.Mutex
	inflight := make(map[string]pending, p.cfg.InFlight)
	slots := make(chan struct{}, p.cfg.InFlight)
	lost := make(chan error, 1)
	complete := func(id string, t history.OpType, errMsg string) {
		mu.Lock()
		_, ok := inflight[id]
		delete(inflight, id)
		mu.Unlock()
		if !ok {
			return
		}
		op := p.op(s, t, id)
		op.Error = errMsg
		p.rec.Op(op)
		<-slots
	}
	go func() {
		for {
			f, err := s.readFrame()
			if err != nil {
				lost <- err
				return
			}
			switch f.Command {
			case frame.RECEIPT:
				complete(f.Header.Get(frame.ReceiptId), history.OK, "")
			case frame.ERROR:
				rid := f.Header.Get(frame.ReceiptId)
				if rid == "" {
					lost <- fmt.Errorf("ERROR frame: %s", f.Header.Get(frame.Message))
					return
				}
				complete(rid, history.Fail, f.Header.Get(frame.Message))
			}
		}
	}()

	tick := time.NewTicker(time.Second / time.Duration(max(p.cfg.Rate, 1)))
	defer tick.Stop()
	watchdog := time.NewTicker(200 * time.Millisecond)
	defer watchdog.Stop()
	var cause error
loop:
	for {
		select {
		case cause = <-lost:
			break loop
		case <-watchdog.C:
			if old := oldest(&mu, inflight); !old.IsZero() && time.Since(old) > p.cfg.SendTimeout {
				cause = fmt.Errorf("no receipt within %s", p.cfg.SendTimeout)
				break loop
			}
			if sendCtx.Err() != nil && len(slots) == 0 {
				break loop
			}
		case <-tick.C:
			if sendCtx.Err() != nil {
				continue
			}
			select {
			case slots <- struct{}{}:
			default:
				continue // the window is full: this tick's send is skipped, not queued
			}
			var retryOf string
			if len(retries) > 0 {
				retryOf, retries = retries[0], retries[1:]
			}
			if err := p.send(s, &mu, inflight, retryOf); err != nil {
				cause = err
				break loop
			}
		}
		if ctx.Err() != nil {
			cause = ctx.Err()
			break
		}
	}
	s.close()
	mu.Lock()
	defer mu.Unlock()
	for id := range inflight {
		msg := "connection lost"
		if cause != nil {
			msg = cause.Error()
		}
		op := p.op(s, history.Info, id)
		op.Error = msg
		p.rec.Op(op)
		retries = append(retries, id)
	}
	// The reader may still hand over a receipt it had already read: with
	// the id gone it cannot complete the send a second time, as ok after info.
	clear(inflight)
	return retries
}

func (p *Producer) send(s *session, mu *sync.Mutex, inflight map[string]pending, retryOf string) error {
	id := p.ids.Next()
	mu.Lock()
	inflight[id] = pending{id: id, since: time.Now()}
	mu.Unlock()
	op := p.op(s, history.Invoke, id)
	op.RetryOf = retryOf
	p.rec.Op(op)
	f := frame.New(frame.SEND,
		frame.Destination, "/queue/"+p.cl.Destination,
		frame.Receipt, id,
		IDHeader, id,
		"persistent", fmt.Sprint(p.cfg.Persistent),
		frame.ContentType, "text/plain")
	f.Body = []byte(id + " " + p.body)
	if err := s.write(f); err != nil {
		return fmt.Errorf("send %s: %w", id, err)
	}
	return nil
}

func oldest(mu *sync.Mutex, inflight map[string]pending) time.Time {
	mu.Lock()
	defer mu.Unlock()
	var t time.Time
	for _, p := range inflight {
		if t.IsZero() || p.since.Before(t) {
			t = p.since
		}
	}
	return t
}
