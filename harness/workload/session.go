// Package workload drives the STOMP clients that record a run's history: a
// producer of receipted persistent messages and a client-individual
// consumer, each on its own connection, each following the master.
package workload

import (
	"context"
	"errors"
	"fmt"
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
// deadline, the broker heart-beat we ask for, and how long a silent
// connection may stay before it counts as lost.
const (
	dialTimeout      = time.Second
	handshakeTimeout = 2 * time.Second
	heartBeat        = 2 * time.Second
	readTimeout      = 5 * time.Second
	retryPause       = 200 * time.Millisecond
)

// session is one STOMP connection to one broker.
type session struct {
	broker string
	conn   net.Conn
	r      *frame.Reader
	wmu    sync.Mutex
	w      *frame.Writer
}

// dial connects to addr and completes the STOMP handshake, which only a
// master answers: a slave's port is closed and a frozen master never replies.
// Extra CONNECT headers (a durable subscriber's client-id) come as
// key, value pairs.
func dial(ctx context.Context, ep Endpoint, headers ...string) (*session, error) {
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", ep.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s (%s): %w", ep.Broker, ep.Addr, err)
	}
	s := &session{broker: ep.Broker, conn: conn, r: frame.NewReader(conn), w: frame.NewWriter(conn)}
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
	return s, nil
}

// connectMaster tries every endpoint until one answers as master.
func connectMaster(ctx context.Context, eps Endpoints, headers ...string) (*session, error) {
	for {
		var errs []error
		for _, ep := range eps(ctx) {
			s, err := dial(ctx, ep, headers...)
			if err == nil {
				return s, nil
			}
			errs = append(errs, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no master reachable: %w", errors.Join(append(errs, ctx.Err())...))
		case <-time.After(retryPause):
		}
	}
}

// readFrame returns the next frame, skipping heart-beats; a broker silent
// for longer than readTimeout counts as a lost connection.
func (s *session) readFrame() (*frame.Frame, error) {
	for {
		if err := s.conn.SetReadDeadline(time.Now().Add(readTimeout)); err != nil {
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
		next := time.Now().Add(readTimeout)
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
	if err := s.conn.SetWriteDeadline(time.Now().Add(readTimeout)); err != nil {
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
