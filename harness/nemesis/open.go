package nemesis

import (
	"slices"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// openFaults holds, per node, the disruptive steps whose fault still
// holds it, so each one's end can be recorded when the action that undoes
// it runs. A node can be held by several at once (cut from its store and
// then frozen): each ends with its own undo, not with the first.
type openFaults map[string][]history.Event

func (o openFaults) add(ev history.Event) {
	for _, node := range ev.Nodes {
		o[node] = append(o[node], ev)
	}
}

// undoes reports whether the healing action ends fault: resume a pause,
// heal the network faults, and a start or restart whatever held the node
// (a restarted container also loses its rules with its network namespace).
func undoes(healing, open fault.Action) bool { return healing.Undoes(open) }

// close removes and returns, once per step, the faults on nodes that the
// healing action undoes.
func (o openFaults) close(healing fault.Action, nodes []string) []history.Event {
	var ended []history.Event
	for _, node := range nodes {
		o[node] = slices.DeleteFunc(o[node], func(ev history.Event) bool {
			if !undoes(healing, ev.Action) {
				return false
			}
			if !slices.ContainsFunc(ended, func(e history.Event) bool { return e.Step == ev.Step }) {
				ended = append(ended, ev)
			}
			return true
		})
		if len(o[node]) == 0 {
			delete(o, node)
		}
	}
	return ended
}

// heldBy reports whether a fault that action undoes holds node.
func (o openFaults) heldBy(node string, action fault.Action) bool {
	return slices.ContainsFunc(o[node], func(ev history.Event) bool { return ev.Action.Undo() == action })
}

// drain removes and returns every fault still open, once per step.
func (o openFaults) drain() []history.Event {
	var all []history.Event
	seen := map[int]bool{}
	for node, evs := range o {
		for _, ev := range evs {
			if !seen[ev.Step] {
				seen[ev.Step] = true
				all = append(all, ev)
			}
		}
		delete(o, node)
	}
	return all
}
