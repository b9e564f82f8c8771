package nemesis

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

func openEvent(step int, action fault.Action, nodes ...string) history.Event {
	return history.Event{Step: step, Action: action, Nodes: nodes}
}

// A master cut from its store and then frozen is held by two faults: the
// thaw ends the freeze only, and the cut lasts until its heal.
func TestAThawDoesNotEndTheCutThatAlsoHoldsTheNode(t *testing.T) {
	o := openFaults{}
	o.add(openEvent(1, "partition", "broker1"))
	o.add(openEvent(2, "pause", "broker1"))

	ended := o.close("resume", []string{"broker1"})
	assert.Equal(t, []int{2}, steps(ended), "resume ends the pause")
	assert.True(t, o.heldBy("broker1", "heal"), "the partition still holds broker1")

	ended = o.close("heal", []string{"broker1"})
	assert.Equal(t, []int{1}, steps(ended))
	assert.Empty(t, o)
}

func TestAStartEndsWhateverHeldTheNode(t *testing.T) {
	o := openFaults{}
	o.add(openEvent(1, "partition", "broker1"))
	o.add(openEvent(2, "kill", "broker1"))
	assert.Equal(t, []int{1, 2}, steps(o.close("start", []string{"broker1"})),
		"a restarted container comes back with no rules")
}

func TestAStepOnTwoNodesEndsOnce(t *testing.T) {
	o := openFaults{}
	o.add(openEvent(1, "partition", "zk1", "zk3"))
	assert.Equal(t, []int{1}, steps(o.close("heal", []string{"zk1", "zk3"})))
	o.add(openEvent(2, "kill", "zk1", "zk2"))
	assert.Equal(t, []int{2}, steps(o.drain()))
}

func steps(evs []history.Event) []int {
	var out []int
	for _, e := range evs {
		out = append(out, e.Step)
	}
	return out
}
