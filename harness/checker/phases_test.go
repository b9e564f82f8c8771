package checker

import (
	"testing"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A pause from 10 s to 20 s: fast before, one slow send and nothing else
// during, fast again after.
func pausedRun() *story {
	var s story
	s.runStart(0)
	for sec := 0.0; sec < 10; sec++ {
		s.ok(idAt(sec), sec)
	}
	s.send("slow", 9.5, 20.5, history.OK)
	s.send("lost-receipt", 9.7, 19.7, history.Info)
	for sec := 21.0; sec < 30; sec++ {
		s.ok(idAt(sec), sec)
	}
	s.fault(1, fault.Pause, "broker1", 10, 20)
	s.drain(30)
	s.runEnd(31)
	return &s
}

func idAt(sec float64) string { return "m" + string(rune('a'+int(sec))) }

func TestPhases_BeforeDuringAndAfterAPause(t *testing.T) {
	s := pausedRun()

	ps := Phases(s.run, acksByTime(s.run.Ops))

	require.Len(t, ps, 3, "phases %+v", ps)
	before, during, after := ps[0], ps[1], ps[2]
	assert.Equal(t, PhaseBefore, before.Kind)
	assert.Equal(t, PhaseDuring, during.Kind)
	assert.Equal(t, "during step 1 (pause broker1)", during.Name)
	assert.Equal(t, PhaseAfter, after.Kind)
	assert.Equal(t, "after step 1 (pause broker1)", after.Name)

	assert.Equal(t, 10, before.Acked)
	assert.InDelta(t, 1.0, before.AckedPerS, 0.01)
	assert.InDelta(t, 11000, before.MaxMS, 0.01, "the slow send was invoked before the pause and waited it out")
	assert.Equal(t, 1, before.Unconfirmed)
	assert.InDelta(t, 10, before.P50MS, 0.01)

	assert.Equal(t, 0, during.Acked, "nothing was acknowledged while the master was frozen")
	assert.Equal(t, 0.0, during.AckedPerS)

	assert.Equal(t, 10, after.Acked, "the slow receipt and nine sends")
	assert.InDelta(t, 10, after.MaxMS, 0.01)
}

func TestPhases_NoFaultIsOnePhase(t *testing.T) {
	var s story
	s.runStart(0)
	s.ok("m1", 1)
	s.ok("m2", 2)
	s.drain(3)

	ps := Phases(s.run, acksByTime(s.run.Ops))

	require.Len(t, ps, 1)
	assert.Equal(t, PhaseBefore, ps[0].Kind)
	assert.Equal(t, 2, ps[0].Acked)
}

// A kill lands in milliseconds: it makes no phase of its own, and what
// follows is after it, then between it and the restart.
func TestPhases_AnInstantFaultOnlyCutsTheTimeline(t *testing.T) {
	var s story
	s.runStart(0)
	for sec := 0.0; sec < 20; sec++ {
		s.ok(idAt(sec), sec)
	}
	s.fault(1, fault.Kill, "broker1", 5, 5.05)
	s.fault(2, fault.Start, "broker1", 12, 12.01)
	s.drain(20)

	ps := Phases(s.run, acksByTime(s.run.Ops))

	require.Len(t, ps, 3, "phases %+v", ps)
	assert.Equal(t, []PhaseKind{PhaseBefore, PhaseBetween, PhaseAfter}, []PhaseKind{ps[0].Kind, ps[1].Kind, ps[2].Kind})
	assert.Equal(t, "after step 1 (kill broker1)", ps[1].Name)
	assert.Equal(t, "after step 2 (start broker1)", ps[2].Name)
}

func TestPhases_NoSendNoPhase(t *testing.T) {
	var s story
	s.runStart(0)
	s.drain(3)

	assert.Empty(t, Phases(s.run, nil))
}
