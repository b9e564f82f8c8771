package scenario

import (
	"time"

	"gopkg.in/yaml.v3"

	"github.com/amqha/amqha/harness/fault"
)

// latencyField reads a step's latency: required for store-delay, refused
// on every other action.
func (p *parser) latencyField(path string, item *yaml.Node, sm map[string]field, actionOK bool, spec fault.Spec, st *Step) {
	lp := path + ".latency"
	fe, ok := sm["latency"]
	switch {
	case ok && actionOK && !spec.Latency:
		p.at(fe.key, lp, "%s takes no latency: only store-delay slows a path", st.Action)
	case ok:
		p.latency(lp, fe.val, &st.Latency)
	case actionOK && spec.Latency:
		p.at(item, lp, "is required for %s (how much longer each round trip to the store takes, e.g. latency: 800ms)", st.Action)
	}
}

// latency reads a store delay: a Go duration of at least a millisecond
// (the proxy's control file holds whole milliseconds) and at most
// fault.MaxLatency.
func (p *parser) latency(path string, v *yaml.Node, dst *time.Duration) {
	if p.noValue(path, v) {
		return
	}
	d, err := time.ParseDuration(v.Value)
	switch {
	case v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || err != nil:
		p.at(v, path, "%q is not a duration (use e.g. 800ms or 1.5s)", v.Value)
	case d <= 0:
		p.at(v, path, "%s must be above 0: store-undelay ends a delay", v.Value)
	case d%time.Millisecond != 0:
		p.at(v, path, "%s is not a whole number of milliseconds, which the store proxy takes", v.Value)
	case d > fault.MaxLatency:
		p.at(v, path, "%s is above %s, longer than any lease or timeout it could test (did you mean ms?)", v.Value, fault.MaxLatency)
	default:
		*dst = d
	}
}
