package workload

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/go-stomp/stomp/v3/frame"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/history"
)

func receipt(w *frame.Writer, f *frame.Frame, _ int) bool {
	return w.Write(frame.New(frame.RECEIPT, frame.ReceiptId, f.Header.Get(frame.Receipt))) == nil
}

// refusedAddr is an address nothing listens on, as a slave's STOMP port is.
func refusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// connect: any tries the brokers in a shuffled order and stays with the
// one that completes the handshake, whichever place it has in the list.
func TestConnectAnySkipsBrokersThatRefuse(t *testing.T) {
	p := newPeer(t, receipt)
	eps := func(context.Context) []Endpoint {
		return []Endpoint{{Broker: "slave1", Addr: refusedAddr(t)}, {Broker: "slave2", Addr: refusedAddr(t)},
			{Broker: "master", Addr: p.ln.Addr().String()}}
	}
	c := newConnector("producer-1", Config{Connect: ConnectAny}, eps)
	for i := 1; i <= 5; i++ {
		s, err := c.connect(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "master", s.broker)
		assert.Equal(t, "producer-1/"+strconv.Itoa(i), s.id, "a new connection id at every connect")
		s.close()
	}
}

// Over many connects, any spreads clients over every broker that accepts;
// master always takes the first in order.
func TestConnectPoliciesOrderTheBrokers(t *testing.T) {
	a, b := newPeer(t, receipt), newPeer(t, receipt)
	eps := func(context.Context) []Endpoint {
		return []Endpoint{{Broker: "broker1", Addr: a.ln.Addr().String()}, {Broker: "broker2", Addr: b.ln.Addr().String()}}
	}
	seen := map[Connect]map[string]int{ConnectAny: {}, ConnectMaster: {}}
	for policy := range seen {
		c := newConnector("consumer", Config{Connect: policy}, eps)
		for range 40 {
			s, err := c.connect(context.Background())
			require.NoError(t, err)
			seen[policy][s.broker]++
			s.close()
		}
	}
	assert.Equal(t, map[string]int{"broker1": 40}, seen[ConnectMaster])
	assert.Positive(t, seen[ConnectAny]["broker1"])
	assert.Positive(t, seen[ConnectAny]["broker2"])
}

// mixed, the default, gives every second client of a kind the shuffled
// order: a population of two has one client of each policy, and a client
// outside the numbering (the transaction or topic producer) is a first.
func TestMixedPutsEverySecondClientOnAny(t *testing.T) {
	got := make([]Connect, 4)
	for i := range got {
		got[i] = ConnectMixed.For(i)
	}
	assert.Equal(t, []Connect{ConnectMaster, ConnectAny, ConnectMaster, ConnectAny}, got)
	assert.Equal(t, ConnectAny, ConnectAny.For(0), "the other policies are their own")
	assert.Equal(t, ConnectMaster, newConnector("txn", Config{Connect: ConnectMixed}, nil).policy)

	pop := NewPopulation(Config{Queue: "q", Rate: 10, InFlight: 1, Connect: ConnectMixed}, 2, 2, history.NewRecorder(), nil)
	policies := []Connect{pop.producers[0].conn.policy, pop.producers[1].conn.policy, pop.consumers[0].conn.policy, pop.consumers[1].conn.policy}
	assert.Equal(t, []Connect{ConnectMaster, ConnectAny, ConnectMaster, ConnectAny}, policies)
}

// A population's producers share one id source, are named producer-N and
// spread over the queues; every send records its queue and connection.
func TestPopulationProducersShareIDsAndSpreadOverQueues(t *testing.T) {
	p := newPeer(t, receipt)
	rec := history.NewRecorder()
	cfg := Config{Queue: "amqha.t", Queues: 2, Duration: 300 * time.Millisecond, Rate: 300, InFlight: 4,
		MessageSize: 32, Persistent: true, SendTimeout: time.Second, Connect: ConnectAny}
	pop := NewPopulation(cfg, 3, 2, rec, p.endpoints())

	require.NoError(t, pop.Produce(context.Background()))

	invoked := map[string]history.Op{}
	for _, op := range rec.Snapshot().Ops {
		if op.Type != history.Invoke {
			continue
		}
		_, dup := invoked[op.ID]
		require.False(t, dup, "%s invoked twice across producers", op.ID)
		invoked[op.ID] = op
	}
	queues := map[string]string{}
	for _, op := range invoked {
		queues[op.Process] = op.Queue
		assert.Equal(t, op.Process+"/1", op.Conn)
		assert.Regexp(t, `^m[0-9]{7}$`, op.ID)
	}
	assert.Equal(t, map[string]string{"producer-1": "q1", "producer-2": "q2", "producer-3": "q1"}, queues)
	assert.Equal(t, []string{"amqha.t.q1", "amqha.t.q2"}, Destinations(cfg))
}

// One producer and one consumer keep their names and no queue label, so
// their histories read as they did before populations.
func TestASingleClientKeepsItsNameAndNoQueue(t *testing.T) {
	cfg := Config{Queue: "amqha.t"}
	cl := client(cfg, history.Producer, 0, 1)
	assert.Equal(t, Client{Name: "producer", Queue: "", Destination: "amqha.t"}, cl)
	assert.Equal(t, []string{"amqha.t"}, Destinations(cfg))
}
