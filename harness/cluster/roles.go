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
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	latest map[string]history.Role
}

func startRoleTracker(c *Cluster, rec *history.Recorder) *roleTracker {
	ctx, cancel := context.WithCancel(context.Background())
	t := &roleTracker{cancel: cancel, latest: map[string]history.Role{}}
	for _, b := range c.Brokers {
		t.wg.Add(1)
		go func() {
			defer t.wg.Done()
			t.sample(ctx, b, rec)
		}()
	}
	return t
}

// sample probes one broker every SampleInterval until ctx ends.
func (t *roleTracker) sample(ctx context.Context, b *Broker, rec *history.Recorder) {
	tick := time.NewTicker(SampleInterval)
	defer tick.Stop()
	for {
		at := time.Now()
		role := probeRole(ctx, b)
		if ctx.Err() != nil {
			return
		}
		t.mu.Lock()
		t.latest[b.Name] = role
		t.mu.Unlock()
		if rec != nil {
			rec.Event(history.Event{Time: at, Type: history.RoleEvent, Node: b.Name, Role: role})
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
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

// probeRole classifies a broker. Docker's own state decides down and
// paused; a running broker is master only if it completes a STOMP
// handshake, because the loopback port proxy accepts TCP for any broker.
func probeRole(ctx context.Context, b *Broker) history.Role {
	state, slaveLogged, ep := b.snapshot()
	if state == history.Down || state == history.Paused {
		return state
	}
	err := stompHandshake(ctx, ep)
	switch {
	case err == nil:
		return history.Master
	case errors.Is(err, errNoAnswer):
		return history.Unresponsive
	case slaveLogged:
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
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
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

// Role is the broker's most recent sampled role.
func (c *Cluster) Role(b *Broker) history.Role { return c.roles.role(b.Name) }

// Master waits up to timeout for exactly one broker to be sampled as master.
func (c *Cluster) Master(ctx context.Context, timeout time.Duration) (*Broker, error) {
	deadline := time.Now().Add(timeout)
	for {
		var masters []*Broker
		for _, b := range c.Brokers {
			if c.Role(b) == history.Master {
				masters = append(masters, b)
			}
		}
		if len(masters) == 1 {
			return masters[0], nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no single master within %s (%d masters)", timeout, len(masters))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(SampleInterval / 2):
		}
	}
}
