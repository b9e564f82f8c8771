// Package workload drives the STOMP clients that record a run's history:
// producers of receipted persistent messages and client-individual
// consumers, each on its own connection, spread over the scenario's queues,
// each connecting as its Connect policy says.
package workload

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
)

// Endpoint is a broker's STOMP address as the host sees it now.
type Endpoint struct {
	Broker string
	Addr   string
}

// Endpoints returns the current endpoints; it is called on every reconnect
// because a restarted container gets new host ports.
type Endpoints func(ctx context.Context) []Endpoint

// Timeouts that keep a frozen broker from hanging a client: the handshake
// deadline, the broker heart-beat we ask for, and by default how long a
// silent connection may stay before it counts as lost (Config.Silence).
const (
	dialTimeout      = time.Second
	handshakeTimeout = 2 * time.Second
	heartBeat        = 2 * time.Second
	defaultSilence   = 5 * time.Second
	retryPause       = 200 * time.Millisecond
)

// Connect is how a client picks the broker it connects to.
type Connect string

// Connect policies. None asks the harness's role probe: each takes the
// first broker that completes a STOMP CONNECT, which a slave never does
// (ActiveMQ opens no transport on a slave).
const (
	// ConnectMaster tries the brokers in their fixed order (broker1,
	// broker2, ...), so that every client lands on the same broker.
	ConnectMaster Connect = "master"
	// ConnectAny shuffles the brokers at every (re)connect, as ActiveMQ's
	// failover transport with randomize=true does: clients spread over
	// whichever brokers accept, a deposed master still accepting included.
	ConnectAny Connect = "any"
	// ConnectMixed puts every second client of a kind (the 2nd, 4th, ...)
	// on any and the rest on master, as a fleet does where some
	// applications pin a broker list and others randomize it: a deposed
	// master that still accepts is found by the shufflers while the
	// others show the fixed order's view.
	ConnectMixed Connect = "mixed"
)

// Connects lists the policies, for the parser and the docs.
var Connects = []Connect{ConnectMaster, ConnectAny, ConnectMixed}

// For is the policy of the i-th (0-based) client of a kind: mixed resolves
// to any or master, the others are their own.
func (c Connect) For(i int) Connect {
	if c != ConnectMixed {
		return c
	}
	if i%2 == 1 {
		return ConnectAny
	}
	return ConnectMaster
}

// session is one STOMP connection to one broker.
type session struct {
	broker string
	// id names the connection in the history: the client's name and the
	// count of its connections.
	id      string
	silence time.Duration
	conn    net.Conn
	r       *frame.Reader
	wmu     sync.Mutex
	w       *frame.Writer
}

// dial connects to addr and completes the STOMP handshake, which only a
// master answers: a slave's port is closed and a frozen master never replies.
// Extra CONNECT headers (a durable subscriber's client-id) come as
// key, value pairs.
func dial(ctx context.Context, ep Endpoint, silence time.Duration, headers ...string) (*session, error) {
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", ep.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s (%s): %w", ep.Broker, ep.Addr, err)
	}
	// The handshake has its own, shorter limit: a frozen broker must not
	// hold a client that a longer silence limit keeps on its broker.
	s := &session{broker: ep.Broker, silence: handshakeTimeout, conn: conn, r: frame.NewReader(conn), w: frame.NewWriter(conn)}
	_ = conn.SetDeadline(time.Now().Add(handshakeTimeout))
	hb := fmt.Sprintf("0,%d", heartBeat.Milliseconds())
	connect := frame.New(frame.CONNECT, append([]string{frame.AcceptVersion, "1.2", frame.Host, "/", frame.HeartBeat, hb}, headers...)...)
	if err := s.w.Write(connect); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect %s: %w", ep.Broker, err)
	}
	f, err := s.readFrame()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect %s: %w", ep.Broker, err)
	}
	if f.Command != frame.CONNECTED {
		conn.Close()
		return nil, fmt.Errorf("connect %s: got %s: %s", ep.Broker, f.Command, f.Header.Get(frame.Message))
	}
	_ = conn.SetDeadline(time.Time{})
	s.silence = silence
	return s, nil
}

// connector opens one client's connections, each named after the client.
type connector struct {
	client  string
	policy  Connect
	eps     Endpoints
	silence time.Duration
	conns   int
	// headers go on every CONNECT, as key, value pairs.
	headers []string
}

func newConnector(client string, cfg Config, eps Endpoints) *connector {
	silence := cfg.Silence
	if silence == 0 {
		silence = defaultSilence
	}
	// A client outside the population's numbering (the transaction and
	// topic producers) is a first client.
	return &connector{client: client, policy: cfg.Connect.For(0), eps: eps, silence: silence}
}

// connect tries the endpoints, in the policy's order, until one completes
// the handshake, and retries the whole list until ctx ends.
func (c *connector) connect(ctx context.Context) (*session, error) {
	for {
		var errs []error
		eps := c.eps(ctx)
		if c.policy == ConnectAny {
			rand.Shuffle(len(eps), func(i, j int) { eps[i], eps[j] = eps[j], eps[i] })
		}
		for _, ep := range eps {
			s, err := dial(ctx, ep, c.silence, c.headers...)
			if err == nil {
				c.conns++
				s.id = fmt.Sprintf("%s/%d", c.client, c.conns)
				return s, nil
			}
			errs = append(errs, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%s: no broker accepted: %w", c.client, errors.Join(append(errs, ctx.Err())...))
		case <-time.After(retryPause):
		}
	}
}

// readFrame returns the next frame, skipping heart-beats; a broker silent
// for longer than the silence limit counts as a lost connection.
func (s *session) readFrame() (*frame.Frame, error) {
	for {
		if err := s.conn.SetReadDeadline(time.Now().Add(s.silence)); err != nil {
			return nil, err
		}
		f, err := s.r.Read()
		if err != nil {
			return nil, err
		}
		if f != nil {
			return f, nil
		}
	}
}

// readUntil is readFrame with a deadline of its own: heart-beats keep a
// blocked broker's connection alive, so only a deadline ends the wait.
func (s *session) readUntil(deadline time.Time) (*frame.Frame, error) {
	for {
		next := time.Now().Add(s.silence)
		if deadline.Before(next) {
			next = deadline
		}
		if err := s.conn.SetReadDeadline(next); err != nil {
			return nil, err
		}
		f, err := s.r.Read()
		if err != nil {
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("no frame by the deadline: %w", err)
			}
			return nil, err
		}
		if f != nil {
			return f, nil
		}
	}
}

func (s *session) write(f *frame.Frame) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.conn.SetWriteDeadline(time.Now().Add(s.silence)); err != nil {
		return err
	}
	return s.w.Write(f)
}

func (s *session) close() {
	s.wmu.Lock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	_ = s.w.Write(frame.New(frame.DISCONNECT))
	s.wmu.Unlock()
	_ = s.conn.Close()
}
