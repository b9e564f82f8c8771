package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/go-stomp/stomp/v3/frame"
)

// Role sampling: the interval, and the deadline within which a master must
// answer a STOMP CONNECT. A frozen master accepts TCP but never answers.
const (
	SampleInterval = 200 * time.Millisecond
	probeTimeout   = time.Second
)

type roleTracker struct {
	ctx    context.Context
	cancel context.CancelFunc
	// rec is the recorder of the scenario now running on the cluster; a
	// cluster shared by several scenarios is attached to each in turn.
	rec    *history.Recorder
	wg     sync.WaitGroup
	mu     sync.Mutex
	latest map[string]history.Role
}

func newRoleTracker(rec *history.Recorder) *roleTracker {
	ctx, cancel := context.WithCancel(context.Background())
	return &roleTracker{ctx: ctx, cancel: cancel, rec: rec, latest: map[string]history.Role{}}
}

// track starts sampling a node as soon as it is up, so that bring-up can
// wait for roles (a ZooKeeper leader, a Patroni primary) too.
func (t *roleTracker) track(n *Node) {
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		t.sample(t.ctx, n)
	}()
}

// sample probes one node every SampleInterval until ctx ends.
func (t *roleTracker) sample(ctx context.Context, n *Node) {
	tick := time.NewTicker(SampleInterval)
	defer tick.Stop()
	for {
		at := time.Now()
		role := probeRole(ctx, n)
		if ctx.Err() != nil {
			return
		}
		t.mu.Lock()
		t.latest[n.Name] = role
		rec := t.rec
		t.mu.Unlock()
		if rec != nil {
			rec.Event(history.Event{Time: at, Type: history.RoleEvent, Node: n.Name, Role: role})
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// attach sends the samples from now on to rec (nil: record nothing).
func (t *roleTracker) attach(rec *history.Recorder) {
	t.mu.Lock()
	t.rec = rec
	t.mu.Unlock()
}

func (t *roleTracker) stop() {
	t.cancel()
	t.wg.Wait()
}

func (t *roleTracker) role(name string) history.Role {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.latest[name]
}

// probeRole classifies a node. Docker's own state decides down and paused;
// a running node is asked in its own protocol, because the loopback port
// proxy accepts TCP for any container, frozen or not.
func probeRole(ctx context.Context, n *Node) history.Role {
	state, _ := n.snapshot()
	if state != "" {
		return state
	}
	switch n.Kind {
	case KindZK:
		return probeZooKeeper(ctx, n)
	case KindDB:
		if n.spec.probe != nil {
			return n.spec.probe(ctx, n)
		}
		return probePostgres(ctx, n)
	}
	return probeBroker(ctx, n)
}

// probeBroker: a master completes a STOMP handshake; a slave refuses.
func probeBroker(ctx context.Context, n *Node) history.Role {
	_, waitSeen := n.snapshot()
	err := stompHandshake(ctx, n.STOMPEndpoint())
	switch {
	case err == nil:
		return history.Master
	case errors.Is(err, errNoAnswer):
		return history.Unresponsive
	case waitSeen:
		return history.Slave
	default:
		return history.Starting
	}
}

var errNoAnswer = errors.New("no answer")

func stompHandshake(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: probeTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(probeTimeout))
	w := frame.NewWriter(conn)
	if err := w.Write(frame.New(frame.CONNECT, frame.AcceptVersion, "1.2", frame.Host, "/")); err != nil {
		return err
	}
	f, err := frame.NewReader(conn).Read()
	if isTimeout(err) {
		return errNoAnswer
	}
	if err != nil {
		return err
	}
	if f == nil || f.Command != frame.CONNECTED {
		return fmt.Errorf("handshake: unexpected %v", f)
	}
	_ = w.Write(frame.New(frame.DISCONNECT))
	return nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Role is the node's most recent sampled role.
func (c *Cluster) Role(n *Node) history.Role { return c.roles.role(n.Name) }

// Master waits up to timeout for exactly one broker to be sampled as master.
func (c *Cluster) Master(ctx context.Context, timeout time.Duration) (*Node, error) {
	return c.waitRole(ctx, c.Brokers, history.Master, timeout)
}

// waitRole waits until exactly one of nodes is sampled in role.
func (c *Cluster) waitRole(ctx context.Context, nodes []*Node, role history.Role, timeout time.Duration) (*Node, error) {
	deadline := time.Now().Add(timeout)
	for {
		var hits []*Node
		for _, n := range nodes {
			if c.Role(n) == role {
				hits = append(hits, n)
			}
		}
		if len(hits) == 1 {
			return hits[0], nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no single %s within %s (%d found)", role, timeout, len(hits))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(SampleInterval / 2):
		}
	}
}
