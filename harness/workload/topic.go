package workload

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/go-stomp/stomp/v3/frame"
)

// TopicProcess is the history's name for the producer of the durable
// topic; SubscriberProcess(n) names its n-th durable subscriber.
const TopicProcess = history.Producer + "-topic"

// SubscriberProcess names the n-th durable subscriber, from 1.
func SubscriberProcess(n int) string { return fmt.Sprintf("subscriber-%d", n) }

// TopicOf is the history's name for the topic a run's queue has beside
// it: topic://<queue>.
func TopicOf(queue string) string { return history.TopicPrefix + queue }

// NewSubscriber returns the n-th durable subscriber of the run's topic:
// it connects with a client-id of its own and subscribes with
// activemq.subscriptionName, so that the broker, and after a failover the
// next master, keeps what it has not acknowledged while it is away.
func NewSubscriber(cfg Config, rec *history.Recorder, eps Endpoints, n int) *Consumer {
	name := SubscriberProcess(n)
	c := NewConsumer(cfg, Client{Name: name, Queue: TopicOf(cfg.Queue), Destination: cfg.Queue}, rec, eps)
	id := fmt.Sprintf("%s-%s", cfg.Queue, name)
	c.conn.headers = []string{"client-id", id}
	c.subscribe = []string{"activemq.subscriptionName", id}
	return c
}

// TopicProducer sends receipted messages to the run's topic, one at a
// time at rate a second, each completing before the next: a topic send
// is acknowledged once the broker has stored it for every durable
// subscriber.
type TopicProducer struct {
	cfg  Config
	rate int
	rec  *history.Recorder
	conn *connector
	seq  int
	body string
}

// NewTopicProducer returns a producer of the run's topic that records into rec.
func NewTopicProducer(cfg Config, rate int, rec *history.Recorder, eps Endpoints) *TopicProducer {
	if cfg.SendTimeout == 0 {
		cfg.SendTimeout = 10 * time.Second
	}
	return &TopicProducer{cfg: cfg, rate: rate, rec: rec, conn: newConnector(TopicProcess, cfg, eps), body: strings.Repeat("x", max(cfg.MessageSize-16, 0))}
}

// Run sends for cfg.Duration once ready is closed (every durable
// subscription exists; a message sent before would reach nobody),
// reconnecting to the master after every connection loss.
func (p *TopicProducer) Run(ctx context.Context, ready <-chan struct{}) error {
	sendCtx, cancel := context.WithTimeout(ctx, p.cfg.Duration)
	defer cancel()
	select {
	case <-ready:
	case <-sendCtx.Done():
		return fmt.Errorf("the durable subscriptions never registered: %w", sendCtx.Err())
	}
	tick := time.NewTicker(time.Second / time.Duration(max(p.rate, 1)))
	defer tick.Stop()
	for sendCtx.Err() == nil {
		s, err := p.conn.connect(sendCtx)
		if err != nil {
			break
		}
		for sendCtx.Err() == nil {
			<-tick.C
			if err := p.send(s); err != nil {
				break
			}
		}
		s.close()
	}
	return ctx.Err()
}

func (p *TopicProducer) send(s *session) error {
	p.seq++
	id := fmt.Sprintf("d%07d", p.seq)
	op := history.Op{Process: TopicProcess, F: history.Send, ID: id, Queue: TopicOf(p.cfg.Queue), Broker: s.broker, Conn: s.id}
	invoke := op
	invoke.Type = history.Invoke
	p.rec.Op(invoke)
	f := frame.New(frame.SEND, frame.Destination, "/topic/"+p.cfg.Queue, frame.Receipt, id,
		IDHeader, id, "persistent", fmt.Sprint(p.cfg.Persistent), frame.ContentType, "text/plain")
	f.Body = []byte(id + " " + p.body)
	done := func(t history.OpType, msg string) { op.Type, op.Error = t, msg; p.rec.Op(op) }
	if err := s.write(f); err != nil {
		done(history.Info, "connection lost: "+err.Error())
		return err
	}
	r, err := s.readUntil(time.Now().Add(p.cfg.SendTimeout))
	switch {
	case err != nil:
		done(history.Info, "no receipt: "+err.Error())
		return err
	case r.Command == frame.RECEIPT && r.Header.Get(frame.ReceiptId) == id:
		done(history.OK, "")
		return nil
	case r.Command == frame.ERROR && r.Header.Get(frame.ReceiptId) == id:
		done(history.Fail, r.Header.Get(frame.Message))
		return nil
	}
	done(history.Info, fmt.Sprintf("%s instead of the receipt", r.Command))
	return fmt.Errorf("%s frame instead of the receipt of %s", r.Command, id)
}
