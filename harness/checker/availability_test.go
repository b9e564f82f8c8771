package checker

import (
	"testing"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/require"
)

// luckyReceipt: broker1 is killed at 10s, one receipt already in flight
// lands at 10.2s, then clients hear nothing until broker2 serves at 14s.
func luckyReceipt() *story {
	s := &story{}
	s.runStart(0)
	s.steady("a", "broker1", 0, 9.5, 0.5)
	s.fault(1, "kill", "broker1", 10, 10)
	s.send("lucky", 9.9, 10.2, history.OK)
	s.steady("b", "broker2", 14, 29.5, 0.5)
	s.drain(30)
	s.runEnd(40)
	return s
}

func TestAvailability_OutageIsTheLongestSilenceNotTheFirstReceipt(t *testing.T) {
	fs := Failovers(luckyReceipt().run)

	require.Len(t, fs, 1, "failovers %+v, want 3.8s of silence from 10.2s", fs)
	require.Equal(t, int64(3800), fs[0].UnavailableMS, "failovers %+v, want 3.8s of silence", fs)
	require.True(t, fs[0].UnavailableFrom.Equal(at(10.2)), "failovers %+v, want the silence from 10.2s", fs)
	c := AvailabilityCheck(fs, 3*time.Second, t0)
	wantStatus(t, c, Fail)
	wantDetail(t, c, "1 of 1 disruptive faults", "longer than 3s", "step 1 kill broker1: 3.8s from 10.2s")
}

func TestAvailability_WithinTheBoundPasses(t *testing.T) {
	c := AvailabilityCheck(Failovers(luckyReceipt().run), 5*time.Second, t0)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "longest outage 3.8s (step 1 kill broker1) within the 5s bound")
}

func TestAvailability_WithoutABoundItOnlyReports(t *testing.T) {
	c := AvailabilityCheck(Failovers(luckyReceipt().run), 0, t0)

	wantStatus(t, c, Pass)
	wantDetail(t, c, "report only", "step 1 kill broker1: 3.8s from 10.2s")
}

// Each fault owns the silence up to the next fault, and the last one up to
// the drain: the producer has stopped by then, so later quiet is not an outage.
func TestAvailability_EachFaultIsMeasuredUpToTheNextOrTheDrain(t *testing.T) {
	var s story
	s.steady("a", "broker1", 0, 9.5, 0.5)
	s.fault(1, "kill", "broker1", 10, 10)
	s.steady("b", "broker2", 12, 19.5, 0.5)
	s.fault(2, "pause", "broker2", 20, 20)
	s.drain(27)
	s.runEnd(35)

	fs := Failovers(s.run)

	// Each stretch counts from the last ack before its fault, half a
	// second earlier: that is where clients' outage began.
	require.Len(t, fs, 2, "failovers %+v, want 2.5s then 7.5s", fs)
	require.Equal(t, int64(2500), fs[0].UnavailableMS, "failovers %+v, want 2.5s first", fs)
	require.Equal(t, int64(7500), fs[1].UnavailableMS, "failovers %+v, want 7.5s second", fs)
}

func TestAvailability_NoDisruptiveFaultIsNotApplicable(t *testing.T) {
	var s story
	s.steady("a", "broker1", 0, 5, 1)
	s.fault(1, "restart", "broker2", 2, 3)

	res := analyzeUnguarded(s.run, Config{})

	wantStatus(t, check(t, res, Availability), NotApplicable)
}
