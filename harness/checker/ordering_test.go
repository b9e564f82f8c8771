package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deliverTo records a delivery of id to a named consumer.
func (s *story) deliverTo(consumer, id string, sec float64, redelivered bool) {
	s.op(history.Op{Time: at(sec), Process: consumer, Type: history.OK, F: history.Receive, ID: id, Broker: "broker2", Redelivered: redelivered})
}

// sendAs records an acknowledged send by a named producer to a queue.
func (s *story) sendAs(producer, queue, id string, sec float64) {
	s.op(history.Op{Time: at(sec), Process: producer, Queue: queue, Type: history.Invoke, F: history.Send, ID: id})
	s.op(history.Op{Time: at(sec + 0.01), Process: producer, Queue: queue, Type: history.OK, F: history.Send, ID: id})
}

func TestOrdering_InOrderDeliveriesPass(t *testing.T) {
	var s story
	for i, id := range []string{"m1", "m2", "m3"} {
		s.ok(id, float64(i))
		s.deliver(id, float64(i)+0.5)
	}

	o := Ordering(s.run.Ops)
	c := orderCheck(o, true, t0)

	wantStatus(t, c, Pass)
	require.Equal(t, []Stream{{Consumer: history.Consumer, Producer: history.Producer, Delivered: 3}}, o.Streams)
}

// After a failover ActiveMQ redispatches what the dead consumer had in
// flight, behind messages the new master already delivered.
func TestOrdering_ARedeliveryBehindNewerMessagesFailsWithTheFirstPair(t *testing.T) {
	var s story
	for i, id := range []string{"m1", "m2", "m3", "m4"} {
		s.ok(id, float64(i))
	}
	s.deliverTo(history.Consumer, "m1", 4, false)
	s.deliverTo(history.Consumer, "m3", 5, false)
	s.deliverTo(history.Consumer, "m4", 5.5, false)
	s.deliverTo(history.Consumer, "m2", 6, true)

	o := Ordering(s.run.Ops)
	c := orderCheck(o, true, t0)

	wantStatus(t, c, Fail)
	require.Equal(t, 1, o.Reordered)
	require.Equal(t, Reorder{Consumer: history.Consumer, Producer: history.Producer, ID: "m2", After: "m4", At: at(6), Redelivered: true, Broker: "broker2"}, o.Reorders[0])
	assert.Contains(t, c.Detail, "consumer got m2 at 6s after m4, which producer sent later (flagged redelivered)")
}

// A duplicate is no-duplicates' business: delivering m1 again after m2
// is not also a reorder.
func TestOrdering_ADuplicateIsNotAlsoAReorder(t *testing.T) {
	var s story
	s.ok("m1", 0)
	s.ok("m2", 1)
	s.deliver("m1", 2)
	s.deliver("m2", 3)
	s.deliver("m1", 4)

	wantStatus(t, orderCheck(Ordering(s.run.Ops), true, t0), Pass)
}

// Order is promised per producer and queue as one consumer sees it: two
// producers interleaving, and two consumers sharing a queue, are in order.
func TestOrdering_IsJudgedPerConsumerProducerAndQueue(t *testing.T) {
	var s story
	s.sendAs("producer-1", "q1", "a1", 0)
	s.sendAs("producer-2", "q1", "b1", 0.1)
	s.sendAs("producer-1", "q1", "a2", 1)
	s.sendAs("producer-1", "q2", "c1", 1.1)
	s.sendAs("producer-2", "q1", "b2", 1.2)
	s.deliverTo("consumer-1", "b1", 2, false)
	s.deliverTo("consumer-1", "a2", 2.1, false)
	s.deliverTo("consumer-2", "a1", 2.2, false)
	s.deliverTo("consumer-1", "b2", 2.3, false)
	s.deliverTo("consumer-2", "c1", 2.4, false)

	o := Ordering(s.run.Ops)

	wantStatus(t, orderCheck(o, true, t0), Pass)
	require.Equal(t, []Stream{
		{Consumer: "consumer-1", Producer: "producer-1", Queue: "q1", Delivered: 1},
		{Consumer: "consumer-1", Producer: "producer-2", Queue: "q1", Delivered: 2},
		{Consumer: "consumer-2", Producer: "producer-1", Queue: "q1", Delivered: 1},
		{Consumer: "consumer-2", Producer: "producer-1", Queue: "q2", Delivered: 1},
	}, o.Streams)
}

func TestOrdering_OneReorderedStreamAmongManyFailsAndNamesIt(t *testing.T) {
	var s story
	s.sendAs("producer-1", "q1", "a1", 0)
	s.sendAs("producer-2", "q2", "b1", 0.1)
	s.sendAs("producer-2", "q2", "b2", 0.2)
	s.deliverTo("consumer-1", "a1", 1, false)
	s.deliverTo("consumer-2", "b2", 1.1, false)
	s.deliverTo("consumer-2", "b1", 1.2, false)

	o := Ordering(s.run.Ops)
	c := orderCheck(o, true, t0)

	wantStatus(t, c, Fail)
	assert.Contains(t, c.Detail, "consumer-2 got b1 at 1.2s after b2, which producer-2 sent later on q2")
}

func TestOrdering_NothingDeliveredIsUnknown(t *testing.T) {
	var s story
	s.ok("m1", 0)

	wantStatus(t, orderCheck(Ordering(s.run.Ops), true, t0), Unknown)
}

// Without expect.ordered the check reports a reorder and the verdict
// stands; with it, the run fails.
func TestOrdering_FailsTheRunOnlyWhenTheScenarioRequiresOrder(t *testing.T) {
	var s story
	s.ok("m1", 0)
	s.ok("m2", 1)
	s.deliver("m2", 2)
	s.deliver("m1", 3)

	reported := check(t, analyzeUnguarded(s.run, Config{}), Ordered)
	required := check(t, analyzeUnguarded(s.run, Config{RequireOrder: true}), Ordered)

	wantStatus(t, reported, Info)
	assert.Contains(t, reported.Detail, "reported, not failed")
	wantStatus(t, required, Fail)
	res := analyzeUnguarded(s.run, Config{})
	require.NoError(t, Judge(&res, nil))
	assert.Equal(t, Pass, res.Verdict, "a reorder without expect.ordered must not fail the run")
	res = analyzeUnguarded(s.run, Config{RequireOrder: true})
	require.NoError(t, Judge(&res, nil))
	assert.Equal(t, Fail, res.Verdict, "a reorder with expect.ordered must fail the run")
}
