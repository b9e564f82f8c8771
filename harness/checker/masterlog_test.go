package checker

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// masterFrom records a broker's master-start log line at sec.
func (s *story) masterFrom(node string, sec float64) {
	s.event(history.Event{Time: at(sec), Type: history.LogEvent, Phase: history.PhaseMasterStart, Node: node,
		Detail: "INFO  | Connector stomp started | org.apache.activemq.broker.TransportConnector | main"})
}

// masterUntil records a broker's master-end log line at sec.
func (s *story) masterUntil(node string, sec float64) {
	s.event(history.Event{Time: at(sec), Type: history.LogEvent, Phase: history.PhaseMasterEnd, Node: node,
		Detail: "ERROR | " + node + ", no longer able to keep the exclusive lock so giving up being a master"})
}

// injected records a fault start stamped at sec whose call took `took`,
// as the nemesis words it.
func (s *story) injected(step int, action, node string, sec float64, took time.Duration) {
	s.event(history.Event{Time: at(sec), Type: history.FaultEvent, Phase: history.PhaseStart, Step: step,
		Target: node, Nodes: []string{node}, Detail: "injected in " + took.String()})
	s.setAction(action)
}

// setAction sets the last event's action; the field's type differs as the
// fault vocabulary moves, an untyped constant fits either.
func (s *story) setAction(action string) {
	e := &s.run.Events[len(s.run.Events)-1]
	switch action {
	case "kill":
		e.Action = "kill"
	case "stop":
		e.Action = "stop"
	case "pause":
		e.Action = "pause"
	case "resume":
		e.Action = "resume"
	}
}

// grid records the probe's samples every 200 ms over [from, to], offset by
// phase, each node's role decided by its function of the sample's time.
func (s *story) grid(from, to, phase float64, roles map[string]func(sec float64) history.Role) {
	for k := 0; ; k++ {
		sec := from + phase + float64(k)*0.2
		if sec > to+1e-9 {
			return
		}
		for _, node := range []string{"broker1", "broker2", "broker3"} {
			if f, ok := roles[node]; ok {
				s.event(history.Event{Time: at(sec), Type: history.RoleEvent, Node: node, Role: f(sec)})
			}
		}
	}
}

// within returns a role function: master over [from, to), else other.
func within(from, to float64, other history.Role) func(float64) history.Role {
	return func(sec float64) history.Role {
		if sec >= from-1e-9 && sec < to-1e-9 {
			return history.Master
		}
		return other
	}
}

// withoutLogs is the history as a run without master log events wrote it.
func withoutLogs(events []history.Event) []history.Event {
	var out []history.Event
	for _, e := range events {
		if e.Type != history.LogEvent {
			out = append(out, e)
		}
	}
	return out
}

func TestSingleMaster_LogWindowsCatchEveryOverlapOf50msOrMore(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 3))
	for _, overlap := range []time.Duration{50 * time.Millisecond, 150 * time.Millisecond, 250 * time.Millisecond, 400 * time.Millisecond} {
		t.Run(overlap.String(), func(t *testing.T) {
			var logCaught, probeCaught int
			for range 20 {
				// broker1 serves from 1s until handover, broker2 from
				// overlap before it; the probe's grid has a random phase.
				handover := 5 + rng.Float64()*0.2
				phase := rng.Float64() * 0.2
				b2 := handover - overlap.Seconds()
				var s story
				s.runStart(0)
				s.masterFrom("broker1", 1)
				s.masterUntil("broker1", handover)
				s.masterFrom("broker2", b2)
				s.grid(0, 12, phase, map[string]func(float64) history.Role{
					"broker1": within(1, handover, history.Slave),
					"broker2": within(b2, 12, history.Slave),
				})
				s.runEnd(12)

				c, overlaps := SingleMasterCheck(s.run.Events)
				if c.Status == Fail {
					logCaught++
					require.Len(t, overlaps, 1, c.Detail)
					assert.InDelta(t, overlap.Seconds(), overlaps[0].To.Sub(overlaps[0].From).Seconds(), 0.001)
					assert.Contains(t, c.Detail, "log window pairs")
				}
				if p, _ := SingleMasterCheck(withoutLogs(s.run.Events)); p.Status == Fail {
					probeCaught++
				}
			}
			t.Logf("overlap %s: log windows caught %d/20, probe windows %d/20", overlap, logCaught, probeCaught)
			assert.Equal(t, 20, logCaught)
			if overlap < samplePeriod {
				assert.Less(t, probeCaught, 20, "the probe alone misses overlaps shorter than its period")
			}
		})
	}
}

func TestLogWindows_KillEndsTheWindowWhereItsCallBegan(t *testing.T) {
	var s story
	s.runStart(0)
	s.masterFrom("broker1", 1)
	s.injected(1, "kill", "broker1", 6, 300*time.Millisecond)
	s.masterFrom("broker2", 5.9) // a fast takeover lands inside the kill's call
	s.grid(0, 10, 0.1, map[string]func(float64) history.Role{
		"broker1": within(1, 5.7, history.Down),
		"broker2": within(6, 10, history.Slave),
	})
	s.runEnd(10)

	c, overlaps := SingleMasterCheck(s.run.Events)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Nil(t, overlaps)
	ws := MasterLogWindows(s.run.Events)
	require.Len(t, ws, 2)
	assert.True(t, ws[0].To.Equal(at(5.7)), "broker1 ends at %v", ws[0].To)
	assert.Contains(t, c.Detail, "windows from the brokers' logs")
}

func TestLogWindows_ThawedStaleMasterOverlapIsCaught(t *testing.T) {
	s := thawedLeaseMaster(21.08)

	c, overlaps := SingleMasterCheck(s.run.Events)
	probeOnly, _ := SingleMasterCheck(withoutLogs(s.run.Events))

	assert.Equal(t, Pass, probeOnly.Status, "the probe never lands in the 80 ms")
	require.Equal(t, Fail, c.Status, c.Detail)
	require.Len(t, overlaps, 1)
	assert.Equal(t, "broker2", overlaps[0].A)
	assert.Equal(t, "broker1", overlaps[0].B)
	assert.True(t, overlaps[0].From.Equal(at(21)))
	assert.True(t, overlaps[0].To.Equal(at(21.08)))
	assert.Contains(t, c.Detail, "broker2 and broker1 both master 21s–21.08s (80ms)")
	assert.Contains(t, c.Detail, "frozen while master in its log, so not counted: broker1 5.99s–21s")
}

func TestLogWindows_GivingUpBeforeTheResumeStampIsNoOverlap(t *testing.T) {
	s := thawedLeaseMaster(20.995)

	c, _ := SingleMasterCheck(s.run.Events)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "broker1 5.99s–20.995s (gave up 15ms into the 20ms resume call, so it could answer as master for at most 15ms after the thaw)")
}

func TestSplitBrainAcks_LegitimateMasterWhileTheStaleOneIsFrozen(t *testing.T) {
	s := thawedLeaseMaster(20.995)
	s.steady("b", "broker2", 12.5, 29.5, 0.5)

	c, _ := SplitBrainAcksCheck(s.run)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "log master windows")
}

func TestSplitBrainAcks_AckInsideTheThawedStaleWindowFails(t *testing.T) {
	s := thawedLeaseMaster(21.08)
	s.ackBy("b-1", "broker2", 20.5)
	s.ackBy("b-2", "broker2", 21.04)
	s.ackBy("b-3", "broker2", 21.5)

	c, ev := SplitBrainAcksCheck(s.run)

	require.Equal(t, Fail, c.Status, c.Detail)
	require.Len(t, ev, 1)
	assert.Equal(t, "b-2", ev[0].ID)
	assert.Equal(t, "broker1", ev[0].Other)
}

// thawedLeaseMaster: broker1 is master from 1s and frozen at 6s (the
// pause's call took 10 ms); broker2 takes the lapsed lease and serves from
// 12s; broker1 is thawed at 21s and gives up its lease at giveUp.
func thawedLeaseMaster(giveUp float64) *story {
	s := &story{}
	s.runStart(0)
	s.masterFrom("broker1", 1)
	s.injected(1, "pause", "broker1", 6, 10*time.Millisecond)
	s.masterFrom("broker2", 12)
	s.injected(2, "resume", "broker1", 21, 20*time.Millisecond)
	s.masterUntil("broker1", giveUp)
	s.grid(0, 30, 0.15, map[string]func(float64) history.Role{
		"broker1": func(sec float64) history.Role {
			switch {
			case sec < 1:
				return history.Starting
			case sec < 5.99:
				return history.Master
			case sec < 21:
				return history.Paused
			}
			return history.Slave
		},
		"broker2": within(12, 30, history.Slave),
	})
	s.runEnd(30)
	return s
}

func TestSplitBrainAcks_LogWindowCatchesAnAckBeforeTheProbeSawTheNewMaster(t *testing.T) {
	var s story
	s.runStart(0)
	s.masterFrom("broker1", 1)
	s.masterUntil("broker1", 9.9)
	s.masterFrom("broker2", 10)
	s.grid(0, 20, 0.15, map[string]func(float64) history.Role{
		"broker1": within(1, 9.9, history.Slave),
		"broker2": within(10, 20, history.Slave),
	})
	s.ackBy("late", "broker1", 10.05) // the first broker2 sample is at 10.15
	s.runEnd(20)

	c, _ := SplitBrainAcksCheck(s.run)
	probeOnly, _ := splitBrainAcksCheck(roleSamples(s.run.Events), acksByTime(s.run.Ops), at(0))

	require.Equal(t, Fail, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "late acknowledged by broker1 at 10.05s while broker2 was master (10s–20s)")
	assert.Equal(t, Pass, probeOnly.Status, probeOnly.Detail)
}

func TestLogWindows_CarriedOverWindowStartsBeforeTheRun(t *testing.T) {
	var s story
	s.masterFrom("broker1", -30) // recorded under the previous scenario
	s.runStart(0)
	s.masterFrom("broker1", -30) // carried over into this one
	s.grid(0, 10, 0, map[string]func(float64) history.Role{
		"broker1": within(0, 11, history.Slave),
		"broker2": within(20, 20, history.Slave),
	})
	s.runEnd(10)

	c, _ := SingleMasterCheck(s.run.Events)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "1 master windows (broker1 -30s–10s)")
}

func TestLogWindows_AMasterTheLogMissedFallsBackToTheProbe(t *testing.T) {
	var s story
	s.runStart(0)
	s.masterFrom("broker1", 0)
	s.grid(0, 10, 0.1, map[string]func(float64) history.Role{
		"broker1": within(0, 11, history.Slave),
		"broker2": within(6, 11, history.Slave), // and no log line of broker2's
	})
	s.runEnd(10)

	c, overlaps := SingleMasterCheck(s.run.Events)

	require.Equal(t, Fail, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "probe window pairs")
	assert.Contains(t, c.Detail, "disagree with the role probe, so the probe's windows are judged")
	assert.Contains(t, c.Detail, "the probe saw a master the logs do not show: broker2 6.1s–9.9s")
	require.Len(t, overlaps, 1)
}

func TestLogWindows_WhatTheProbeFoundRefusingIsCutFromTheLogWindow(t *testing.T) {
	var s story
	s.runStart(0)
	s.masterFrom("broker1", 0) // its end line never came
	s.masterFrom("broker2", 6)
	s.grid(0, 10, 0.1, map[string]func(float64) history.Role{
		"broker1": within(0, 5, history.Slave),
		"broker2": within(6, 11, history.Slave),
	})
	s.runEnd(10)

	c, overlaps := SingleMasterCheck(s.run.Events)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Nil(t, overlaps)
	assert.Contains(t, c.Detail, "windows from the brokers' logs")
	assert.Contains(t, c.Detail, "broker1 0s–4.9s", "cut where the probe last saw it answer")
	assert.Contains(t, c.Detail, "so those stretches are cut from it: broker1 0s–10s")
}

// A starved master answers the probe too slowly to count as master, but it
// is no slave either: its log window stands, and overlaps the new master's
// even though the new master's own window has a stretch of stopped
// transports in it that the probe found refusing.
func TestLogWindows_AStarvedMasterKeepsItsWindow(t *testing.T) {
	var s story
	s.runStart(0)
	s.masterFrom("broker1", 0)
	s.masterUntil("broker1", 9)
	s.masterFrom("broker2", 5)
	s.grid(0, 12, 0.1, map[string]func(float64) history.Role{
		"broker1": func(sec float64) history.Role {
			switch {
			case sec < 3:
				return history.Master
			case sec < 9:
				return history.Unresponsive
			}
			return history.Slave
		},
		"broker2": func(sec float64) history.Role {
			if sec >= 5 && (sec < 6 || sec >= 7.5) {
				return history.Master
			}
			return history.Slave // its IO handler stopped the transports 6-7.5 s
		},
	})
	s.runEnd(12)

	c, overlaps := SingleMasterCheck(s.run.Events)

	require.Equal(t, Fail, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "windows from the brokers' logs")
	require.Len(t, overlaps, 2, "5-5.9 s and 7.5-9 s; not the stopped transports")
	assert.Equal(t, at(5), overlaps[0].From)
	assert.Equal(t, at(9), overlaps[1].To)
}

func TestLogWindows_StrayAndSilentSamplesAreReported(t *testing.T) {
	var s story
	s.runStart(0)
	s.masterFrom("broker1", 1)
	s.masterUntil("broker1", 5)
	s.masterFrom("broker2", 6)
	s.masterUntil("broker2", 7)
	s.grid(0, 10, 0, map[string]func(float64) history.Role{
		"broker1": within(1, 5.4, history.Slave),                              // one sample at 5.2s past its end
		"broker2": func(float64) history.Role { return history.Unresponsive }, // never answered
	})
	s.runEnd(10)

	c, _ := SingleMasterCheck(s.run.Events)

	require.Equal(t, Pass, c.Status, c.Detail)
	assert.Contains(t, c.Detail, "windows from the brokers' logs")
	assert.Contains(t, c.Detail, "1 master samples just outside a log window")
	assert.Contains(t, c.Detail, "log windows over 400ms with no master sample: broker2 6s–7s")
}

func TestLogWindows_WithoutRoleSamplesTheLogIsJudged(t *testing.T) {
	var s story
	s.runStart(0)
	s.masterFrom("broker1", 1)
	s.masterFrom("broker2", 4)
	s.injected(1, "kill", "broker1", 4.2, 0)
	s.runEnd(10)

	c, overlaps := SingleMasterCheck(s.run.Events)

	require.Equal(t, Fail, c.Status, c.Detail)
	require.Len(t, overlaps, 1)
	assert.Contains(t, c.Detail, "no role samples to cross-check")
	assert.Contains(t, c.Detail, "(200ms)")
}

func TestLogWindows_StopWhileFrozenEndsTheFreeze(t *testing.T) {
	var s story
	s.runStart(0)
	s.masterFrom("broker1", 1)
	s.injected(1, "pause", "broker1", 3, 0)
	s.injected(2, "stop", "broker1", 5, 0)
	s.masterFrom("broker2", 6)
	s.runEnd(10)

	lm := buildLogWindows(s.run.Events)

	require.Len(t, lm.windows, 2)
	assert.True(t, lm.windows[0].To.Equal(at(3)))
	require.Len(t, lm.frozen, 1)
	assert.True(t, lm.frozen[0].to.Equal(at(5)))
	assert.Equal(t, 2, lm.lines)
}

func TestFaultBegan_ReadsTheInjectionTime(t *testing.T) {
	e := history.Event{Time: at(10), Detail: "automatic, after 15s; injected in 23ms"}
	assert.True(t, faultBegan(e).Equal(at(9.977)))
	e.Detail = "injected in 1.5s; cuts landed within 1ms"
	assert.True(t, faultBegan(e).Equal(at(8.5)))
	e.Detail = "no duration here"
	assert.True(t, faultBegan(e).Equal(at(10)))
	assert.False(t, strings.Contains(e.Detail, "injected"))
}

func TestLogWindows_AMasterThatGaveUpWhileThawingCanBecomeMasterAgain(t *testing.T) {
	s := thawedLeaseMaster(20.995)
	s.injected(3, "pause", "broker2", 25, 0)
	s.injected(4, "pause", "broker2", 25.5, 0) // a second freeze of a frozen node changes nothing
	s.masterFrom("broker1", 26)
	s.injected(5, "resume", "broker2", 27, 0)
	s.masterUntil("broker2", 27.01)

	lm := buildLogWindows(s.run.Events)

	var got []string
	for _, w := range lm.windows {
		got = append(got, w.Node+" "+rel(w.From, t0)+"–"+rel(w.To, t0))
	}
	assert.Equal(t, []string{"broker1 1s–5.99s", "broker2 12s–25s", "broker1 26s–30s", "broker2 27s–27.01s"}, got)
	require.Len(t, lm.frozen, 2)
	assert.True(t, lm.frozen[1].from.Equal(at(25)) && lm.frozen[1].to.Equal(at(27)), "%+v", lm.frozen[1])
}
