package scenario

// This file holds the timeline: section of the parser: its steps and
// the rules that relate them (time order, previous, pause and resume).

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/amqha/amqha/harness/fault"
)

// selfHealingList names the actions that take a duration.
func selfHealingList() string {
	var out []string
	for _, s := range fault.Specs() {
		if s.Undo != "" {
			out = append(out, string(s.Action))
		}
	}
	return strings.Join(out, ", ")
}

// pending is a pause or starve that a later resume or unstarve may undo.
type pending struct {
	line int
	end  time.Duration // -1: until undone
}

// undoing is, for each undo that takes a target, the fault it ends and
// the words its messages use.
var undoing = map[fault.Action]struct {
	opens        fault.Action
	verb, itself string
}{
	fault.Resume:       {fault.Pause, "pauses", "resumed itself"},
	fault.Unstarve:     {fault.Starve, "starves", "lifted its quota itself"},
	fault.StoreUndelay: {fault.StoreDelay, "delays", "ended itself"},
	fault.DiskFree:     {fault.DiskFull, "fills", "freed its store itself"},
}

func (p *parser) timeline(f *File, m map[string]field) {
	e, ok := m["timeline"]
	if !ok || isNull(e.val) {
		return
	}
	if e.val.Kind != yaml.SequenceNode {
		p.at(e.val, "timeline", "must be a list of steps (- at: 10s ...), got %s", describe(e.val))
		return
	}
	var (
		latest     time.Duration // the latest valid at so far
		latestLine int           // its step's line; 0 before the first
		hadTarget  bool
		open       = map[fault.Action][]pending{} // by the undo that ends them
		lastKind   fault.NodeKind                 // the kind the latest target needs, "" if any kind
	)
	for i, item := range e.val.Content {
		item = resolve(item)
		path := fmt.Sprintf("timeline[%d]", i)
		sm := p.fields(path, item, stepFields)
		if sm == nil {
			continue
		}
		st := Step{Line: item.Line}

		atOK := false
		if fe, ok := sm["at"]; !ok {
			p.at(item, path+".at", "is required (offset from the workload start, e.g. 10s)")
		} else if atOK = p.duration(path+".at", fe.val, true, &st.At); atOK {
			if latestLine > 0 && st.At < latest {
				p.at(fe.val, path+".at", "%s is before %s, the time of the step on line %d: steps must be in time order", st.At, latest, latestLine)
			} else {
				latest, latestLine = st.At, st.Line
			}
		}

		actionOK := false
		var spec fault.Spec
		actions := fault.Names(fault.Actions())
		if fe, ok := sm["action"]; !ok {
			p.at(item, path+".action", "is required (one of %s)", strings.Join(actions, ", "))
		} else if s, ok := p.word(path+".action", fe.val); ok {
			st.Action = fault.Action(s)
			if spec, actionOK = fault.Lookup(st.Action); !actionOK {
				if g := suggest(s, actions); g != "" {
					p.at(fe.val, path+".action", "unknown action %q (did you mean %q?)", s, g)
				} else {
					p.at(fe.val, path+".action", "unknown action %q (use one of %s)", s, strings.Join(actions, ", "))
				}
			}
		}

		fe, hasTarget := sm["target"]
		switch {
		case actionOK && spec.Targetless:
			if hasTarget {
				p.at(fe.key, path+".target", "%s takes no target: it heals every partition, delay and loss in effect", st.Action)
			}
		case !hasTarget:
			if actionOK {
				p.at(item, path+".target", "is required for %s (e.g. target: master)", st.Action)
			}
		default:
			hadBefore := hadTarget
			hadTarget = true
			s, ok := p.word(path+".target", fe.val)
			if !ok {
				break
			}
			t, err := ParseTarget(s)
			switch {
			case err != nil:
				p.at(fe.val, path+".target", "%v", err)
			case t.Kind == TargetPrevious && !hadBefore:
				p.at(fe.val, path+".target", "previous refers to the target of an earlier step, but no earlier step has one")
			case actionOK && !spec.Allows(t.Kind):
				p.at(fe.val, path+".target", "%s is a link shape that only partition takes, not %s", t, st.Action)
			case actionOK && len(spec.Kinds) > 0:
				p.reaches(fe.val, path+".target", spec, t, lastKind)
			}
			st.Target = t
			if t.Kind != TargetPrevious {
				lastKind, _ = t.Needs()
			}
		}

		fe, hasOffset := sm["offset"]
		switch {
		case hasOffset && actionOK && !spec.Offset:
			p.at(fe.key, path+".offset", "%s takes no offset: only clock-skew moves a clock", st.Action)
		case hasOffset:
			p.offset(path+".offset", fe.val, &st.Offset)
		case actionOK && spec.Offset:
			p.at(item, path+".offset", "is required for %s (how far the clock moves, e.g. offset: 30s, or -30s for behind)", st.Action)
		}

		if fe, ok := sm["from"]; ok {
			p.from(path, fe, actionOK, spec, &st)
		}

		if fe, ok := sm["duration"]; ok {
			if actionOK && !spec.Action.SelfHealing() {
				p.at(fe.key, path+".duration", "%s takes no duration: only %s are healed automatically after one", st.Action, selfHealingList())
			} else {
				p.duration(path+".duration", fe.val, false, &st.Duration)
			}
		}

		p.latencyField(path, item, sm, actionOK, spec, &st)

		if fe, ok := sm["cpus"]; ok {
			p.cpus(path, fe, actionOK, spec, &st)
		} else if actionOK && spec.Sized {
			p.at(item, path+".cpus", "is required for %s (the share of one CPU left to the target, e.g. cpus: 0.05)", st.Action)
		}

		if u, ok := undoing[spec.Undo]; actionOK && ok && u.opens == st.Action {
			end := time.Duration(-1)
			if st.Duration > 0 {
				end = st.At + st.Duration
			}
			open[spec.Undo] = append(open[spec.Undo], pending{st.Line, end})
		}
		if u, ok := undoing[st.Action]; actionOK && ok {
			found, expired := false, 0 // expired: a timed fault over by now
			for j, pp := range open[st.Action] {
				if pp.end < 0 || !atOK || pp.end > st.At {
					open[st.Action] = append(open[st.Action][:j], open[st.Action][j+1:]...)
					found = true
					break
				}
				expired = pp.line
			}
			switch {
			case found:
			case expired > 0:
				p.at(sm["action"].val, path+".action", "%s must follow a %s still in effect, but the %s on line %d has already %s after its duration",
					st.Action, u.opens, u.opens, expired, u.itself)
			default:
				p.at(sm["action"].val, path+".action", "%s must follow a %s, but no earlier step %s anything", st.Action, u.opens, u.verb)
			}
		}
		f.Timeline = append(f.Timeline, st)
	}
}

// reaches refuses a target of a kind the action cannot act on. The kind
// of previous is that of the latest step's target; node:N and all may
// hold any kind, so they are refused too.
func (p *parser) reaches(v *yaml.Node, path string, spec fault.Spec, t Target, lastKind fault.NodeKind) {
	k, ok := t.Needs()
	if t.Kind == TargetPrevious {
		k, ok = lastKind, lastKind != ""
	}
	if ok && spec.Reaches(k) {
		return
	}
	kinds := strings.Join(fault.Names(spec.Kinds), ", ")
	what := fmt.Sprintf("%s is not a %s target", t, kinds)
	if ok {
		what = fmt.Sprintf("%s is a %s node", t, k)
	}
	p.at(v, path, "%s acts on %s nodes only (%s), and %s: use %s",
		spec.Action, kinds, spec.KindsWhy, what, kindTargets(spec.Kinds))
}

// kindTargets lists the targets that name nodes of kinds, for advice.
func kindTargets(kinds []fault.NodeKind) string {
	var out []string
	if slices.Contains(kinds, fault.Broker) {
		out = append(out, "master", "slave", "slaves", "broker:N")
	}
	if slices.Contains(kinds, fault.Database) {
		out = append(out, "db", "db:N")
	}
	return strings.Join(out, ", ")
}

// offset reads a clock-skew's offset: a signed Go duration in whole
// seconds, as libfaketime's offset file takes it, and not zero (that is
// clock-sync).
func (p *parser) offset(path string, v *yaml.Node, dst *time.Duration) {
	if p.noValue(path, v) {
		return
	}
	d, err := time.ParseDuration(v.Value)
	switch {
	case v.Kind == yaml.ScalarNode && err == nil && d == 0:
		p.at(v, path, "must not be 0: clock-sync sets a clock back")
	case v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || err != nil:
		p.at(v, path, "%q is not a signed duration (use e.g. 30s or -30s)", v.Value)
	case d%time.Second != 0:
		p.at(v, path, "%s is not a whole number of seconds, which libfaketime's offset takes", v.Value)
	default:
		*dst = d
	}
}

// from reads a step's from: the kind of peers a cut is limited to, so a
// database can lose ZooKeeper first and its brokers a chosen time later.
func (p *parser) from(path string, fe field, actionOK bool, spec fault.Spec, st *Step) {
	fp := path + ".from"
	s, ok := p.word(fp, fe.val)
	if !ok {
		return
	}
	kinds := fault.Names(fault.NodeKinds())
	switch {
	case actionOK && !spec.Scoped:
		p.at(fe.key, fp, "%s takes no from: only partition and loss cut a target from some of its peers", st.Action)
	case !contains(kinds, s):
		p.at(fe.val, fp, "%q is not a kind of node (use %s)", s, strings.Join(kinds, ", "))
	default:
		st.From = fault.NodeKind(s)
	}
}

// cpus reads a starve's share of one CPU. A share of the host's whole
// capacity or more would starve nothing: the quota could never bind.
func (p *parser) cpus(path string, fe field, actionOK bool, spec fault.Spec, st *Step) {
	cp := path + ".cpus"
	if actionOK && !spec.Sized {
		p.at(fe.key, cp, "%s takes no cpus: only starve leaves its target a share of a CPU", st.Action)
		return
	}
	var v float64
	if !p.number(cp, fe.val, &v) {
		return
	}
	switch host := hostCPUs(); {
	case v <= 0:
		p.at(fe.val, cp, "%s must be greater than 0 (a share of one CPU, e.g. 0.05)", fe.val.Value)
	case v < fault.MinCPUs:
		p.at(fe.val, cp, "%s is below %g, the least share of a CPU the kernel's quota can leave", fe.val.Value, fault.MinCPUs)
	case v >= float64(host):
		p.at(fe.val, cp, "%s is not below this host's %d CPUs, so the quota would never bind", fe.val.Value, host)
	default:
		st.CPUs = v
	}
}

// hostCPUs is the CPU count of the machine the containers run on: the
// engine is local, so this process's own count.
var hostCPUs = runtime.NumCPU
