package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/require"
)

func TestTotalQueue_EverySendDelivered(t *testing.T) {
	var s story
	s.ok("m1", 1)
	s.ok("m2", 2)
	s.deliver("m1", 3)
	s.deliver("m2", 3)

	q := TotalQueue(s.run.Ops)

	require.Equal(t, Counts{SentOK: 2, Delivered: 2}, q.Counts)
	require.Nil(t, q.Lost, "clean run reported loss: %+v", q)
	require.Nil(t, q.Unexpected, "clean run reported unexpected deliveries: %+v", q)
	require.Nil(t, q.Duplicated, "clean run reported duplicates: %+v", q)
	require.Nil(t, q.Recovered, "clean run reported recovered sends: %+v", q)
}

func TestTotalQueue_AcknowledgedButNeverDeliveredIsLost(t *testing.T) {
	var s story
	s.ok("m3", 1)
	s.ok("m1", 2)
	s.ok("m2", 3)
	s.deliver("m2", 4)

	q := TotalQueue(s.run.Ops)

	require.Equal(t, []string{"m1", "m3"}, q.Lost, "lost, sorted")
	require.Equal(t, 2, q.Counts.Lost, "lost count")
}

func TestTotalQueue_InfoSendDeliveredIsRecoveredNotLost(t *testing.T) {
	var s story
	s.send("timed-out", 1, 6, history.Info)
	s.send("vanished", 2, 7, history.Info)
	s.send("pending", 3, 0, "") // the run ended before the receipt came
	s.deliver("timed-out", 8)
	s.deliver("pending", 8)

	q := TotalQueue(s.run.Ops)

	require.Equal(t, []string{"pending", "timed-out"}, q.Recovered, "recovered")
	require.Nil(t, q.Lost, "an unknown outcome is not lost: %+v", q)
	require.Nil(t, q.Unexpected, "an unknown outcome is not unexpected: %+v", q)
	require.Equal(t, 3, q.Counts.SentInfo, "counts %+v, want 3 info sends", q.Counts)
	require.Equal(t, 0, q.Counts.SentOK, "counts %+v, want no acknowledged sends", q.Counts)
}

func TestTotalQueue_FailedSendDeliveredIsUnexpected(t *testing.T) {
	var s story
	s.send("refused", 1, 2, history.Fail)
	s.send("refused-quietly", 1, 2, history.Fail)
	s.deliver("refused", 3)

	q := TotalQueue(s.run.Ops)

	require.Equal(t, []string{"refused"}, q.Unexpected, "unexpected")
	require.Equal(t, 2, q.Counts.SentFail, "counts %+v", q.Counts)
}

func TestTotalQueue_DeliveryOfNeverSentIDIsUnexpected(t *testing.T) {
	var s story
	s.ok("m1", 1)
	s.deliver("m1", 2)
	s.deliver("ghost", 2)
	s.deliver("ghost", 3)
	// A receipt without its invoke is not an attempt we made.
	s.op(history.Op{Time: at(1), Process: history.Producer, Type: history.OK, F: history.Send, ID: "orphan"})
	s.deliver("orphan", 3)

	q := TotalQueue(s.run.Ops)

	require.Equal(t, []string{"ghost", "orphan"}, q.Unexpected, "unexpected")
	require.Nil(t, q.Duplicated, "an unexpected id is not also a duplicate")
}

func TestTotalQueue_DuplicatesCountDeliveriesAndIDs(t *testing.T) {
	var s story
	s.ok("m1", 1)
	s.ok("m2", 1)
	s.deliver("m1", 2)
	s.deliver("m1", 5) // redelivered after the failover
	s.deliver("m1", 6)
	s.deliver("m2", 2)

	q := TotalQueue(s.run.Ops)

	require.Equal(t, []string{"m1"}, q.Duplicated, "duplicated")
	require.Equal(t, 1, q.Counts.Duplicated, "duplicated ids")
	require.Equal(t, 4, q.Counts.Delivered, "delivered, want 4 delivery ops")
}

func TestTotalQueue_ConsumerSendsAreNotSends(t *testing.T) {
	var s story
	s.op(history.Op{Time: at(1), Process: history.Consumer, Type: history.Invoke, F: history.Send, ID: "x"})
	s.op(history.Op{Time: at(1), Process: history.Consumer, Type: history.OK, F: history.Send, ID: "x"})

	q := TotalQueue(s.run.Ops)

	require.Equal(t, 0, q.Counts.SentOK, "only the producer sends: %+v", q)
	require.Nil(t, q.Lost, "only the producer sends: %+v", q)
}
