package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/require"
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

	require.Len(t, fs, 1)
	f := fs[0]
	require.Equal(t, int64(4250), f.RTOms, "failover %+v, want 4250ms to first", f)
	require.True(t, f.Recovered, "failover %+v, want 4250ms to first", f)
	require.Equal(t, "first", f.FirstOKID, "failover %+v, want 4250ms to first", f)
	require.True(t, f.FirstOKAt.Equal(at(14.25)), "failover %+v, want 4250ms to first", f)
	require.Equal(t, 1, f.Step, "failover lost its fault: %+v", f)
	require.Equal(t, fault.Action("kill"), f.Action, "failover lost its fault: %+v", f)
	require.Equal(t, "broker1", f.Target, "failover lost its fault: %+v", f)
	require.True(t, f.At.Equal(at(10)), "failover lost its fault: %+v", f)
}

func TestFailovers_NoAckAfterTheFault(t *testing.T) {
	var s story
	s.ok("before", 1)
	s.fault(1, "stop", "broker1", 10, 11)
	s.send("hung", 12, 40, history.Info)

	fs := Failovers(s.run)

	require.Len(t, fs, 1, "failovers %+v, want one unrecovered with RTO -1", fs)
	require.Equal(t, int64(-1), fs[0].RTOms, "failovers %+v, want RTO -1", fs)
	require.False(t, fs[0].Recovered, "failovers %+v, want unrecovered", fs)
	require.Empty(t, fs[0].FirstOKID, "failovers %+v, want no first ack", fs)
}

func TestFailovers_OnlyDisruptiveFaultsCount(t *testing.T) {
	var s story
	s.fault(1, "pause", "broker1", 10, 10)
	s.fault(2, "resume", "broker1", 20, 20)
	s.fault(3, "restart", "broker2", 30, 35)
	s.ok("late", 12) // out of order in the file; completion time is what counts
	s.ok("early", 11)

	fs := Failovers(s.run)

	require.Len(t, fs, 1, "failovers %+v, want only the pause", fs)
	require.Equal(t, fault.Action("pause"), fs[0].Action, "failovers %+v, want only the pause", fs)
	require.Equal(t, "early", fs[0].FirstOKID, "failovers %+v, want the pause recovered by early", fs)
	require.Equal(t, int64(1010), fs[0].RTOms, "failovers %+v, want the pause recovered by early", fs)
}
