package workload

import (
	"context"
	"net"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/history"
)

// peer is a scripted STOMP server: it answers CONNECT, then hands every
// SEND to onSend, which decides the reply. It stands in for a broker so
// that the producer's bookkeeping can be tested without Docker.
type peer struct {
	ln     net.Listener
	onSend func(w *frame.Writer, f *frame.Frame, n int) (keep bool)
	// cmds are the frames onSend is handed: SEND, or a transaction's
	// COMMIT and ABORT; others (BEGIN, a transaction's SENDs) pass silently.
	cmds []string
	// sends numbers the SENDs across connections: after a reconnect the
	// old connection's goroutine may still be reading while the new one
	// counts, so the counter is shared between goroutines.
	sends atomic.Int64
}

func newPeer(t *testing.T, onSend func(w *frame.Writer, f *frame.Frame, n int) bool) *peer {
	t.Helper()
	return newPeerOf(t, []string{frame.SEND}, onSend)
}

// newPeerOf is a peer that hands onSend the frames named in cmds.
func newPeerOf(t *testing.T, cmds []string, onSend func(w *frame.Writer, f *frame.Frame, n int) bool) *peer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &peer{ln: ln, onSend: onSend, cmds: cmds}
	t.Cleanup(func() { ln.Close() })
	go p.serve()
	return p
}

func (p *peer) serve() {
	for {
		conn, err := p.ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			r, w := frame.NewReader(conn), frame.NewWriter(conn)
			for {
				f, err := r.Read()
				if err != nil {
					return
				}
				if f == nil {
					continue
				}
				switch f.Command {
				case frame.CONNECT:
					_ = w.Write(frame.New(frame.CONNECTED, frame.Version, "1.2"))
				default:
					if slices.Contains(p.cmds, f.Command) && !p.onSend(w, f, int(p.sends.Add(1))) {
						return
					}
				}
			}
		}()
	}
}

func (p *peer) endpoints() Endpoints {
	return func(context.Context) []Endpoint { return []Endpoint{{Broker: "fake", Addr: p.ln.Addr().String()}} }
}

func runProducer(t *testing.T, p *peer, d time.Duration) map[string]history.Op {
	t.Helper()
	rec := history.NewRecorder()
	cfg := Config{Queue: "q", Duration: d, Rate: 200, InFlight: 4, MessageSize: 32, Persistent: true, SendTimeout: time.Second}
	_ = NewProducer(cfg, Client{Name: history.Producer, Destination: "q"}, 1, &IDs{}, rec, p.endpoints()).Run(context.Background())
	final := map[string]history.Op{}
	for _, op := range rec.Snapshot().Ops {
		if op.Type != history.Invoke {
			prev, dup := final[op.ID]
			require.False(t, dup, "%s completed twice: %v then %v", op.ID, prev.Type, op.Type)
			final[op.ID] = op
		}
	}
	return final
}

func TestProducerRecordsReceiptsAsOK(t *testing.T) {
	p := newPeer(t, func(w *frame.Writer, f *frame.Frame, _ int) bool {
		return w.Write(frame.New(frame.RECEIPT, frame.ReceiptId, f.Header.Get(frame.Receipt))) == nil
	})

	final := runProducer(t, p, 300*time.Millisecond)

	require.NotEmpty(t, final, "nothing was sent")
	for id, op := range final {
		require.Equal(t, history.OK, op.Type, "%s: %+v, want ok from fake", id, op)
		require.Equal(t, "fake", op.Broker, "%s: %+v, want ok from fake", id, op)
	}
}

// An ERROR frame that names the send's receipt means the broker refused
// it: fail, not info.
func TestProducerRecordsAnErrorForItsReceiptAsFail(t *testing.T) {
	p := newPeer(t, func(w *frame.Writer, f *frame.Frame, n int) bool {
		id := f.Header.Get(frame.Receipt)
		if n == 3 {
			return w.Write(frame.New(frame.ERROR, frame.ReceiptId, id, frame.Message, "store full")) == nil
		}
		return w.Write(frame.New(frame.RECEIPT, frame.ReceiptId, id)) == nil
	})

	final := runProducer(t, p, 300*time.Millisecond)

	op := final["m0000003"]
	assert.Equal(t, history.Fail, op.Type, "m0000003: %+v, want fail with the broker's message", op)
	assert.Contains(t, op.Error, "store full", "m0000003: %+v, want fail with the broker's message", op)
}

// A connection lost with sends awaiting receipts leaves their outcome
// unknown: info, never fail, and the producer carries on with a resend
// that names the send it retries.
func TestProducerRecordsSendsInFlightAtAConnectionLossAsInfo(t *testing.T) {
	p := newPeer(t, func(w *frame.Writer, f *frame.Frame, n int) bool {
		if n == 5 {
			return false // the broker dies holding m0000005
		}
		return w.Write(frame.New(frame.RECEIPT, frame.ReceiptId, f.Header.Get(frame.Receipt))) == nil
	})
	rec := history.NewRecorder()
	cfg := Config{Queue: "q", Duration: 500 * time.Millisecond, Rate: 100, InFlight: 1, MessageSize: 32, Persistent: true, SendTimeout: time.Second}

	_ = NewProducer(cfg, Client{Name: history.Producer, Destination: "q"}, 1, &IDs{}, rec, p.endpoints()).Run(context.Background())

	var lost, retry history.Op
	for _, op := range rec.Snapshot().Ops {
		if op.ID == "m0000005" && op.Type != history.Invoke {
			lost = op
		}
		if op.RetryOf == "m0000005" {
			retry = op
		}
	}
	assert.Equal(t, history.Info, lost.Type, "m0000005 completed as %q, want info", lost.Type)
	assert.NotEmpty(t, retry.ID, "the unknown send was never retried as a new operation")
}

// A broker that stops answering but keeps the socket open (a frozen one)
// must not hang the producer: the send times out as info.
func TestProducerTimesOutASilentBroker(t *testing.T) {
	p := newPeer(t, func(w *frame.Writer, f *frame.Frame, n int) bool {
		if n >= 2 {
			time.Sleep(3 * time.Second)
			return true
		}
		return w.Write(frame.New(frame.RECEIPT, frame.ReceiptId, f.Header.Get(frame.Receipt))) == nil
	})
	start := time.Now()

	final := runProducer(t, p, 200*time.Millisecond)

	took := time.Since(start)
	assert.LessOrEqual(t, took, 8*time.Second, "producer hung for %s", took)
	op := final["m0000002"]
	assert.Equal(t, history.Info, op.Type, "m0000002: %+v, want info after the receipt timeout", op)
}
