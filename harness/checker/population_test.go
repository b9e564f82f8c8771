package checker

import (
	"fmt"
	"testing"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// crowd builds a population's history: clients named as the workload
// names them, every op with its queue and connection.
type crowd struct{ story }

// sendOn records a send by producer on queue over conn, acknowledged by
// broker 10 ms after its invoke at sec; an empty outcome leaves it pending.
func (c *crowd) sendOn(id, producer, queue, conn, broker string, sec float64, outcome history.OpType) {
	c.op(history.Op{Time: at(sec - 0.01), Process: producer, Type: history.Invoke, F: history.Send, ID: id, Broker: broker, Queue: queue, Conn: conn})
	if outcome != "" {
		c.op(history.Op{Time: at(sec), Process: producer, Type: outcome, F: history.Send, ID: id, Broker: broker, Queue: queue, Conn: conn})
	}
}

func (c *crowd) deliverOn(id, consumer, queue, conn, broker string, sec float64) {
	c.op(history.Op{Time: at(sec), Process: consumer, Type: history.OK, F: history.Receive, ID: id, Broker: broker, Queue: queue, Conn: conn})
}

// population: 4 producers and 2 consumers over q1 and q2 on broker1, every
// send delivered from its own queue; ids are unique across producers.
func population() *crowd {
	c := &crowd{}
	c.runStart(0)
	c.ticks(0, 20, "broker1=master", "broker2=slave")
	n := 0
	for sec := 0.5; sec < 20; sec += 0.5 {
		for p := 1; p <= 4; p++ {
			n++
			id := fmt.Sprintf("m%07d", n)
			q := fmt.Sprintf("q%d", (p-1)%2+1)
			prod := history.ClientName(history.Producer, p, 4)
			c.sendOn(id, prod, q, prod+"/1", "broker1", sec, history.OK)
			cons := history.ClientName(history.Consumer, (p-1)%2+1, 2)
			c.deliverOn(id, cons, q, cons+"/1", "broker1", sec+0.05)
		}
	}
	return c
}

func TestPopulationPassesPerQueueAndInTotal(t *testing.T) {
	c := population()

	res := analyzeUnguarded(c.run, Config{})

	wantStatus(t, check(t, res, NoLoss), Pass)
	wantDetail(t, check(t, res, NoLoss), "all 156 acknowledged sends delivered", "each of the 2 queues alike")
	require.Len(t, res.Queues, 2)
	assert.Equal(t, "q1", res.Queues[0].Queue)
	assert.Equal(t, 78, res.Queues[0].Counts.SentOK)
	assert.Equal(t, 78, res.Queues[1].Counts.Delivered)
}

// A message sent to q1 but delivered from q2 is delivered in total, yet q1
// lost it and q2 got a message nobody sent there: the per-queue checks fail
// and name the queues where the total sees nothing wrong.
func TestPopulationDeliveryFromTheWrongQueueFailsPerQueue(t *testing.T) {
	c := population()
	c.sendOn("m0000999", "producer-1", "q1", "producer-1/1", "broker1", 19.8, history.OK)
	c.deliverOn("m0000999", "consumer-2", "q2", "consumer-2/1", "broker1", 19.9)

	res := analyzeUnguarded(c.run, Config{})

	assert.Equal(t, 0, res.Counts.Lost, "the total delivered it")
	loss := check(t, res, NoLoss)
	wantStatus(t, loss, Fail)
	wantDetail(t, loss, "queue q1: 1 of 79 acknowledged sends never delivered: m0000999")
	assert.NotContains(t, loss.Detail, "queue q2:")
	unexpected := check(t, res, NoUnexpected)
	wantStatus(t, unexpected, Fail)
	wantDetail(t, unexpected, "queue q2: 1 delivered ids never sent or sent with a failed outcome: m0000999")
	assert.Equal(t, []string{"m0000999"}, res.Queues[0].Lost)
	assert.Equal(t, []string{"m0000999"}, res.Queues[1].Unexpected)
}

func TestPopulationLossOnOneQueueFailsAndNamesIt(t *testing.T) {
	c := population()
	c.sendOn("m0000999", "producer-4", "q2", "producer-4/1", "broker1", 19.8, history.OK)

	res := analyzeUnguarded(c.run, Config{})

	loss := check(t, res, NoLoss)
	wantStatus(t, loss, Fail)
	wantDetail(t, loss, "1 of 157 acknowledged sends never delivered: m0000999", "queue q2: 1 of 79")
	assert.NotContains(t, loss.Detail, "queue q1:")
	assert.Equal(t, 1, res.Queues[1].Counts.Lost)
	assert.Equal(t, 0, res.Queues[0].Counts.Lost)
}

// A queue whose producers were never acknowledged cannot be judged, so a
// passing total must not pass it.
func TestPopulationQueueWithoutAcksIsUnknown(t *testing.T) {
	c := population()
	c.sendOn("m0000999", "producer-5", "q3", "producer-5/1", "broker1", 19.8, history.Info)

	res := analyzeUnguarded(c.run, Config{})

	loss := check(t, res, NoLoss)
	wantStatus(t, loss, Unknown)
	wantDetail(t, loss, "queue q3: no send was acknowledged")
}

// broker1 is frozen at 10 s and broker2 master from 15 s; producer-3's
// connection to broker1 survives the freeze and broker1 acknowledges on it
// after the thaw. The evidence names that client and connection, not the
// producers that behaved.
func TestPopulationSplitBrainAckNamesTheClient(t *testing.T) {
	c := &crowd{}
	c.runStart(0)
	c.ticks(0, 9, "broker1=master", "broker2=slave")
	c.fault(1, "pause", "broker1", 10, 20)
	c.ticks(10, 14, "broker1=paused", "broker2=slave")
	c.ticks(15, 30, "broker1=slave", "broker2=master")
	n := 0
	next := func() string { n++; return fmt.Sprintf("m%07d", n) }
	for sec := 1.0; sec < 10; sec++ {
		for p := 1; p <= 4; p++ {
			prod := history.ClientName(history.Producer, p, 4)
			c.sendOn(next(), prod, "q1", prod+"/1", "broker1", sec, history.OK)
		}
	}
	for sec := 16.0; sec < 30; sec++ {
		for _, p := range []int{1, 2, 4} {
			prod := history.ClientName(history.Producer, p, 4)
			c.sendOn(next(), prod, "q1", prod+"/2", "broker2", sec, history.OK)
		}
	}
	c.sendOn("m0000900", "producer-3", "q1", "producer-3/1", "broker1", 20.2, history.OK)

	res, ev := SplitBrainAcksCheck(c.run)

	wantStatus(t, res, Fail)
	wantDetail(t, res, "1 of 79 acks", "m0000900 acknowledged by broker1 to producer-3 (connection producer-3/1) at 20.2s while broker2 was master")
	require.Len(t, ev, 1)
	assert.Equal(t, "producer-3", ev[0].Process)
	assert.Equal(t, "producer-3/1", ev[0].Conn)
	assert.Equal(t, "broker1", ev[0].Broker)
}

func TestClientNamesKeepTheSingleClientsName(t *testing.T) {
	assert.Equal(t, "producer", history.ClientName(history.Producer, 1, 1))
	assert.Equal(t, "consumer-2", history.ClientName(history.Consumer, 2, 4))
	assert.True(t, history.IsProducer("producer"))
	assert.True(t, history.IsProducer("producer-12"))
	assert.False(t, history.IsProducer("producers"))
	assert.False(t, history.IsProducer("consumer-1"))
}
