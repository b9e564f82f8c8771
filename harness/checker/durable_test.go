package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const topic = history.TopicPrefix + "q"

// publish records a topic send acknowledged at sec.
func (s *story) publish(id string, sec float64) {
	s.op(history.Op{Time: at(sec), Process: "producer-topic", Type: history.Invoke, F: history.Send, ID: id, Queue: topic})
	s.op(history.Op{Time: at(sec + 0.01), Process: "producer-topic", Type: history.OK, F: history.Send, ID: id, Queue: topic, Broker: "broker1"})
}

func (s *story) receiveAs(sub, id string, sec float64) {
	s.op(history.Op{Time: at(sec), Process: sub, Type: history.OK, F: history.Receive, ID: id, Queue: topic, Broker: "broker2"})
}

func TestDurable_EverySubscriberGetsEverySendPasses(t *testing.T) {
	var s story
	s.publish("d1", 1)
	s.publish("d2", 2)
	for _, sub := range []string{"subscriber-1", "subscriber-2"} {
		s.receiveAs(sub, "d1", 3)
		s.receiveAs(sub, "d2", 3)
	}

	c := durableCheck(Subscribers(s.run.Ops), 2, false)

	wantStatus(t, c, Pass)
}

// One subscriber has everything, the other missed a send across the
// failover: the queue-wide view would call it delivered.
func TestDurable_ASubscriberMissingASendFailsAndIsNamed(t *testing.T) {
	var s story
	s.publish("d1", 1)
	s.publish("d2", 2)
	s.receiveAs("subscriber-1", "d1", 3)
	s.receiveAs("subscriber-1", "d2", 3)
	s.receiveAs("subscriber-2", "d1", 3)

	subs := Subscribers(s.run.Ops)
	c := durableCheck(subs, 2, false)

	wantStatus(t, c, Fail)
	assert.Contains(t, c.Detail, "subscriber-2 lost 1 of 2: d2")
	require.Len(t, subs, 2)
	assert.Equal(t, []string{"d2"}, subs[1].Lost)
}

func TestDurable_ASubscriberThatGotNothingFails(t *testing.T) {
	var s story
	s.publish("d1", 1)
	s.receiveAs("subscriber-1", "d1", 3)

	c := durableCheck(Subscribers(s.run.Ops), 2, false)

	wantStatus(t, c, Fail)
	assert.Contains(t, c.Detail, "only 1 of 2 durable subscribers")
}

func TestDurable_DuplicatesFailOnlyInFailMode(t *testing.T) {
	var s story
	s.publish("d1", 1)
	s.receiveAs("subscriber-1", "d1", 3)
	s.receiveAs("subscriber-1", "d1", 4)

	wantStatus(t, durableCheck(Subscribers(s.run.Ops), 1, false), Pass)
	wantStatus(t, durableCheck(Subscribers(s.run.Ops), 1, true), Fail)
}

// Topic traffic stays out of the queue's own total-queue: two subscribers
// receiving one message is no duplicate there, and a topic send nobody
// got is not the queue's loss.
func TestDurable_TopicTrafficIsNotTheQueues(t *testing.T) {
	var s story
	s.ok("m1", 1)
	s.deliver("m1", 2)
	s.publish("d1", 1)
	s.publish("d2", 1.5)
	s.receiveAs("subscriber-1", "d1", 3)
	s.receiveAs("subscriber-2", "d1", 3)

	q := TotalQueue(s.run.Ops)

	assert.Equal(t, Counts{SentOK: 1, Delivered: 1}, q.Counts)
	assert.Empty(t, TotalQueues(s.run.Ops), "a topic is no queue of its own")
	wantStatus(t, durableCheck(Subscribers(s.run.Ops), 2, false), Fail)
}
