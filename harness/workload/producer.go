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

// Config is the workload part of a scenario.
type Config struct {
	Queue         string
	Duration      time.Duration
	Rate          int
	InFlight      int
	MessageSize   int
	Persistent    bool
	ConsumerDelay time.Duration
	ConsumerRate  int
	DrainQuiet    time.Duration
	// SendTimeout bounds the wait for one receipt; a send older than this
	// ends the connection and completes as info.
	SendTimeout time.Duration
}

// IDHeader carries the application id that the checker follows.
const IDHeader = "amqha-id"

// Producer sends receipted messages with several receipts in flight.
type Producer struct {
	cfg  Config
	rec  *history.Recorder
	eps  Endpoints
	seq  int
	body string
}

// NewProducer returns a producer that records into rec.
func NewProducer(cfg Config, rec *history.Recorder, eps Endpoints) *Producer {
	if cfg.SendTimeout == 0 {
		cfg.SendTimeout = 10 * time.Second
	}
	return &Producer{cfg: cfg, rec: rec, eps: eps, body: strings.Repeat("x", max(cfg.MessageSize-16, 0))}
}

// Run sends for cfg.Duration, reconnecting to the master after every
// connection loss, then waits for the receipts still in flight.
func (p *Producer) Run(ctx context.Context) error {
	sendCtx, cancel := context.WithTimeout(ctx, p.cfg.Duration)
	defer cancel()
	var retries []string
	for sendCtx.Err() == nil {
		s, err := connectMaster(sendCtx, p.eps)
		if err != nil {
			break
		}
		retries = p.session(ctx, sendCtx, s, retries)
	}
	return ctx.Err()
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
		p.rec.Op(history.Op{Process: history.Producer, Type: t, F: history.Send, ID: id, Broker: s.broker, Error: errMsg})
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
		p.rec.Op(history.Op{Process: history.Producer, Type: history.Info, F: history.Send, ID: id, Broker: s.broker, Error: msg})
		retries = append(retries, id)
	}
	// The reader may still hand over a receipt it had already read: with
	// the id gone it cannot complete the send a second time, as ok after info.
	clear(inflight)
	return retries
}

func (p *Producer) send(s *session, mu *sync.Mutex, inflight map[string]pending, retryOf string) error {
	p.seq++
	id := fmt.Sprintf("m%07d", p.seq)
	mu.Lock()
	inflight[id] = pending{id: id, since: time.Now()}
	mu.Unlock()
	p.rec.Op(history.Op{Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id, Broker: s.broker, RetryOf: retryOf})
	f := frame.New(frame.SEND,
		frame.Destination, "/queue/"+p.cfg.Queue,
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
