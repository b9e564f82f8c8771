package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/history"
)

func TestFailovers_RTOIsFirstAckOfASendInvokedAfterTheFault(t *testing.T) {
	var s story
	s.ok("before", 9)
	s.fault(1, "kill", "broker1", 10, 10.1)
	// A receipt already in transit when the master died says nothing about recovery.
	s.send("in-transit", 9.99, 10.001, history.OK)
	s.send("first", 10.5, 14.25, history.OK)
	s.ok("after", 15)

	fs := Failovers(s.run)

	if len(fs) != 1 {
		t.Fatalf("got %d failovers, want 1", len(fs))
	}
	f := fs[0]
	if f.RTOms != 4250 || !f.Recovered || f.FirstOKID != "first" || !f.FirstOKAt.Equal(at(14.25)) {
		t.Fatalf("failover %+v, want 4250ms to first", f)
	}
	if f.Step != 1 || f.Action != "kill" || f.Target != "broker1" || !f.At.Equal(at(10)) {
		t.Fatalf("failover lost its fault: %+v", f)
	}
}

func TestFailovers_NoAckAfterTheFault(t *testing.T) {
	var s story
	s.ok("before", 1)
	s.fault(1, "stop", "broker1", 10, 11)
	s.send("hung", 12, 40, history.Info)

	fs := Failovers(s.run)

	if len(fs) != 1 || fs[0].RTOms != -1 || fs[0].Recovered || fs[0].FirstOKID != "" {
		t.Fatalf("failovers %+v, want one unrecovered with RTO -1", fs)
	}
}

func TestFailovers_OnlyDisruptiveFaultsCount(t *testing.T) {
	var s story
	s.fault(1, "pause", "broker1", 10, 10)
	s.fault(2, "resume", "broker1", 20, 20)
	s.fault(3, "restart", "broker2", 30, 35)
	s.ok("late", 12) // out of order in the file; completion time is what counts
	s.ok("early", 11)

	fs := Failovers(s.run)

	if len(fs) != 1 || fs[0].Action != "pause" || fs[0].FirstOKID != "early" || fs[0].RTOms != 1010 {
		t.Fatalf("failovers %+v, want only the pause, recovered by early", fs)
	}
}
