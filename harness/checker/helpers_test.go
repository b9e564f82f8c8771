package checker

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// t0 anchors every synthetic history; helpers take seconds after it so a
// test reads like a timeline.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

// story builds a history.Run one line at a time.
type story struct {
	run history.Run
}

func (s *story) op(o history.Op) {
	o.Index = int64(len(s.run.Ops))
	s.run.Ops = append(s.run.Ops, o)
}

// send records a producer send invoked at `from` that completes with
// `outcome` at `to`; an empty outcome leaves it pending forever.
func (s *story) send(id string, from, to float64, outcome history.OpType) {
	s.op(history.Op{Time: at(from), Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id})
	if outcome != "" {
		s.op(history.Op{Time: at(to), Process: history.Producer, Type: outcome, F: history.Send, ID: id})
	}
}

// ok is the common case: a send acknowledged 10ms after it was invoked.
func (s *story) ok(id string, sec float64) { s.send(id, sec, sec+0.01, history.OK) }

func (s *story) deliver(id string, sec float64) {
	s.op(history.Op{Time: at(sec), Process: history.Consumer, Type: history.OK, F: history.Receive, ID: id})
}

func (s *story) event(e history.Event) { s.run.Events = append(s.run.Events, e) }

func (s *story) runStart(sec float64) {
	s.event(history.Event{Time: at(sec), Type: history.RunEvent, Phase: history.PhaseStart})
}

func (s *story) runEnd(sec float64) {
	s.event(history.Event{Time: at(sec), Type: history.RunEvent, Phase: history.PhaseEnd})
}

// fault records one timeline step against one node, from start to end.
func (s *story) fault(step int, action fault.Action, node string, start, end float64) {
	e := history.Event{Type: history.FaultEvent, Step: step, Action: action, Target: node, Nodes: []string{node}}
	e.Time, e.Phase = at(start), history.PhaseStart
	s.event(e)
	e.Time, e.Phase = at(end), history.PhaseEnd
	s.event(e)
}

// tick records one role probe round at one instant: tick(3, "b1=master", "b2=slave").
func (s *story) tick(sec float64, roles ...string) {
	for _, r := range roles {
		node, role, _ := strings.Cut(r, "=")
		s.event(history.Event{Time: at(sec), Type: history.RoleEvent, Node: node, Role: history.Role(role)})
	}
}

// ticks records the same roles once a second over [from, to].
func (s *story) ticks(from, to float64, roles ...string) {
	for sec := from; sec <= to; sec++ {
		s.tick(sec, roles...)
	}
}

// wantStatus stops the test unless c has the status want.
func wantStatus(t *testing.T, c CheckResult, want Status) {
	t.Helper()
	require.Equal(t, want, c.Status, "%s: wrong status (detail: %s)", c.Name, c.Detail)
}

// wantDetail reports, and carries on past, each part c's detail lacks.
func wantDetail(t *testing.T, c CheckResult, parts ...string) {
	t.Helper()
	for _, p := range parts {
		assert.Contains(t, c.Detail, p, "%s: detail lacks %q", c.Name, p)
	}
}

// check returns the result of the check called name, and stops the test
// if res has none.
func check(t *testing.T, res Result, name Check) CheckResult {
	t.Helper()
	for _, c := range res.Checks {
		if c.Name == name {
			return c
		}
	}
	require.Failf(t, "missing check", "no %s check in %+v", name, res.Checks)
	return CheckResult{}
}

// ackBy records a send that `broker` acknowledged at sec, invoked 10ms earlier.
func (s *story) ackBy(id, broker string, sec float64) {
	s.op(history.Op{Time: at(sec - 0.01), Process: history.Producer, Type: history.Invoke, F: history.Send, ID: id})
	s.op(history.Op{Time: at(sec), Process: history.Producer, Type: history.OK, F: history.Send, ID: id, Broker: broker})
}

// steady records acks by broker every `every` seconds over [from, to], ids prefix-N.
func (s *story) steady(prefix, broker string, from, to, every float64) {
	for i, sec := 0, from; sec <= to+1e-9; i, sec = i+1, sec+every {
		s.ackBy(fmt.Sprintf("%s-%d", prefix, i), broker, sec)
	}
}

// drain marks the producer's end.
func (s *story) drain(sec float64) {
	s.event(history.Event{Time: at(sec), Type: history.RunEvent, Phase: "drain"})
}

// analyzeUnguarded runs the checks without the completeness guard, for
// tests of one check's logic on a small synthetic history.
func analyzeUnguarded(run history.Run, cfg Config) Result { return analyze(run, cfg, false) }
