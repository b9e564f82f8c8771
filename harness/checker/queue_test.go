package checker

import (
	"slices"
	"testing"

	"github.com/amqha/amqha/harness/history"
)

func TestTotalQueue_EverySendDelivered(t *testing.T) {
	var s story
	s.ok("m1", 1)
	s.ok("m2", 2)
	s.deliver("m1", 3)
	s.deliver("m2", 3)

	q := TotalQueue(s.run.Ops)

	want := Counts{SentOK: 2, Delivered: 2}
	if q.Counts != want {
		t.Fatalf("counts %+v, want %+v", q.Counts, want)
	}
	if q.Lost != nil || q.Unexpected != nil || q.Duplicated != nil || q.Recovered != nil {
		t.Fatalf("clean run reported anomalies: %+v", q)
	}
}

func TestTotalQueue_AcknowledgedButNeverDeliveredIsLost(t *testing.T) {
	var s story
	s.ok("m3", 1)
	s.ok("m1", 2)
	s.ok("m2", 3)
	s.deliver("m2", 4)

	q := TotalQueue(s.run.Ops)

	if !slices.Equal(q.Lost, []string{"m1", "m3"}) || q.Counts.Lost != 2 {
		t.Fatalf("lost %v (%d), want sorted [m1 m3]", q.Lost, q.Counts.Lost)
	}
}

func TestTotalQueue_InfoSendDeliveredIsRecoveredNotLost(t *testing.T) {
	var s story
	s.send("timed-out", 1, 6, history.Info)
	s.send("vanished", 2, 7, history.Info)
	s.send("pending", 3, 0, "") // the run ended before the receipt came
	s.deliver("timed-out", 8)
	s.deliver("pending", 8)

	q := TotalQueue(s.run.Ops)

	if !slices.Equal(q.Recovered, []string{"pending", "timed-out"}) {
		t.Fatalf("recovered %v, want [pending timed-out]", q.Recovered)
	}
	if q.Lost != nil || q.Unexpected != nil {
		t.Fatalf("an unknown outcome is neither lost nor unexpected: %+v", q)
	}
	if q.Counts.SentInfo != 3 || q.Counts.SentOK != 0 {
		t.Fatalf("counts %+v, want 3 info sends", q.Counts)
	}
}

func TestTotalQueue_FailedSendDeliveredIsUnexpected(t *testing.T) {
	var s story
	s.send("refused", 1, 2, history.Fail)
	s.send("refused-quietly", 1, 2, history.Fail)
	s.deliver("refused", 3)

	q := TotalQueue(s.run.Ops)

	if !slices.Equal(q.Unexpected, []string{"refused"}) || q.Counts.SentFail != 2 {
		t.Fatalf("unexpected %v, counts %+v", q.Unexpected, q.Counts)
	}
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

	if !slices.Equal(q.Unexpected, []string{"ghost", "orphan"}) {
		t.Fatalf("unexpected %v, want [ghost orphan]", q.Unexpected)
	}
	if q.Duplicated != nil {
		t.Fatalf("an unexpected id is not also a duplicate: %v", q.Duplicated)
	}
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

	if !slices.Equal(q.Duplicated, []string{"m1"}) || q.Counts.Duplicated != 1 {
		t.Fatalf("duplicated %v", q.Duplicated)
	}
	if q.Counts.Delivered != 4 {
		t.Fatalf("delivered %d, want 4 delivery ops", q.Counts.Delivered)
	}
}

func TestTotalQueue_ConsumerSendsAreNotSends(t *testing.T) {
	var s story
	s.op(history.Op{Time: at(1), Process: history.Consumer, Type: history.Invoke, F: history.Send, ID: "x"})
	s.op(history.Op{Time: at(1), Process: history.Consumer, Type: history.OK, F: history.Send, ID: "x"})

	q := TotalQueue(s.run.Ops)

	if q.Counts.SentOK != 0 || q.Lost != nil {
		t.Fatalf("only the producer sends: %+v", q)
	}
}
