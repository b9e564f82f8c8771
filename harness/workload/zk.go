package workload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/go-zookeeper/zk"
)

// ZK drives the zookeeper profile: the producer creates one znode per
// operation under a run's parent, and the final read lists the children,
// which count as deliveries for the total-queue checker.
type ZK struct {
	cfg    Config
	rec    *history.Recorder
	hosts  *hostProvider
	parent string
	seq    int
}

// zkOpTimeout bounds one create: go-zookeeper queues requests while it
// reconnects, so without a bound a lost quorum would hang the producer.
const zkOpTimeout = 3 * time.Second

// NewZK returns the ZooKeeper workload; eps gives the servers' addresses,
// re-read on every reconnect because restarted containers get new ports.
func NewZK(cfg Config, rec *history.Recorder, eps Endpoints) *ZK {
	return &ZK{cfg: cfg, rec: rec, hosts: &hostProvider{eps: eps}, parent: "/" + strings.ReplaceAll(cfg.Queue, ".", "-")}
}

func (z *ZK) connect() (*zk.Conn, error) {
	conn, _, err := zk.Connect([]string{"placeholder:2181"}, 10*time.Second,
		zk.WithHostProvider(z.hosts), zk.WithLogger(log.New(io.Discard, "", 0)))
	if err != nil {
		return nil, fmt.Errorf("zookeeper connect: %w", err)
	}
	return conn, nil
}

// Run creates znodes at cfg.Rate for cfg.Duration, with cfg.InFlight
// creates outstanding at most.
func (z *ZK) Run(ctx context.Context) error {
	conn, err := z.connect()
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := z.ensureParent(ctx, conn); err != nil {
		return err
	}
	sendCtx, cancel := context.WithTimeout(ctx, z.cfg.Duration)
	defer cancel()
	tick := time.NewTicker(time.Second / time.Duration(max(z.cfg.Rate, 1)))
	defer tick.Stop()
	slots := make(chan struct{}, max(z.cfg.InFlight, 1))
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		select {
		case <-sendCtx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			continue // window full: skip this tick rather than queue
		}
		z.seq++
		id := fmt.Sprintf("m%07d", z.seq)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			z.create(conn, id)
		}()
	}
}

func (z *ZK) ensureParent(ctx context.Context, conn *zk.Conn) error {
	for {
		_, err := conn.Create(z.parent, nil, 0, zk.WorldACL(zk.PermAll))
		if err == nil || errors.Is(err, zk.ErrNodeExists) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create %s: %w", z.parent, err)
		case <-time.After(retryPause):
		}
	}
}

// create records one create: ok, fail when ZooKeeper refused it, info when
// the outcome is unknown (connection lost, no quorum, timeout).
func (z *ZK) create(conn *zk.Conn, id string) {
	z.rec.Op(history.Op{Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id})
	done := make(chan error, 1)
	go func() {
		_, err := conn.Create(z.parent+"/"+id, []byte(id), 0, zk.WorldACL(zk.PermAll))
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(zkOpTimeout):
		err = fmt.Errorf("no answer within %s", zkOpTimeout)
	}
	op := history.Op{Process: history.Producer, Type: history.OK, F: history.Send, ID: id, Broker: z.hosts.current()}
	switch {
	case err == nil:
	case errors.Is(err, zk.ErrNodeExists), errors.Is(err, zk.ErrNoNode), errors.Is(err, zk.ErrNoAuth):
		op.Type, op.Error = history.Fail, err.Error()
	default:
		op.Type, op.Error = history.Info, err.Error()
	}
	z.rec.Op(op)
}

// FinalRead lists the parent's children once the ensemble serves again;
// each child is recorded as a delivery.
func (z *ZK) FinalRead(ctx context.Context) error {
	conn, err := z.connect()
	if err != nil {
		return err
	}
	defer conn.Close()
	for {
		children, _, err := conn.Children(z.parent)
		if err == nil {
			for _, c := range children {
				z.rec.Op(history.Op{Process: history.Consumer, Type: history.OK, F: history.Receive, ID: c, Broker: z.hosts.current()})
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("final read of %s: %w", z.parent, err)
		case <-time.After(retryPause):
		}
	}
}

// hostProvider hands go-zookeeper the servers' current host ports.
type hostProvider struct {
	eps  Endpoints
	mu   sync.Mutex
	i    int
	last string
}

func (h *hostProvider) Init([]string) error { return nil }

func (h *hostProvider) Len() int { return len(h.eps(context.Background())) }

func (h *hostProvider) Next() (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	eps := h.eps(context.Background())
	ep := eps[h.i%len(eps)]
	h.i++
	h.last = ep.Broker
	return ep.Addr, h.i%len(eps) == 0
}

func (h *hostProvider) Connected() {}

func (h *hostProvider) current() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last
}
