package scenario

// This file holds the expect: section of the parser, failures included.

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/fault"
)

func (p *parser) expect(f *File, m map[string]field) {
	x := defaultExpect()
	defer func() { f.Expect = x }()
	e, ok := m["expect"]
	if !ok || isNull(e.val) {
		return
	}
	em := p.fields("expect", e.val, expectFields)
	for name, fe := range em {
		fp := "expect." + name
		switch name {
		case "no-loss":
			// no-loss always runs: a switch that turned off the one check
			// that matters most would be one forgotten line away.
			on := true
			if p.boolean(fp, fe.val, &on) && !on {
				p.at(fe.val, fp, "no-loss cannot be disabled: it always runs; to expect loss, list no-loss in expect.failures")
			}
		case "min-acks":
			p.integer(fp, fe.val, 1, 1_000_000, &x.MinAcks)
		case "single-master":
			p.boolean(fp, fe.val, &x.SingleMaster)
		case "split-brain-acks":
			p.boolean(fp, fe.val, &x.SplitBrainAcks)
		case "quorum-blocking":
			p.boolean(fp, fe.val, &x.QuorumBlocking)
		case "quorum-resume":
			p.duration(fp, fe.val, true, &x.QuorumResume)
		case "max-failover":
			p.duration(fp, fe.val, true, &x.MaxFailover)
		case "max-unavailable":
			p.duration(fp, fe.val, true, &x.MaxUnavailable)
		case "rejoin-as-slave":
			p.duration(fp, fe.val, true, &x.RejoinWithin)
		case "rejoin-as-follower":
			p.duration(fp, fe.val, true, &x.RejoinFollowerWithin)
		case "duplicates":
			if s, ok := p.word(fp, fe.val); ok {
				switch s {
				case "report":
				case "fail":
					x.FailOnDuplicates = true
				default:
					p.at(fe.val, fp, "%q is not a duplicates mode (use report or fail)", s)
				}
			}
		case "findings":
			if s, ok := p.str(fp, fe.val); ok {
				x.Findings = s
			}
		}
	}
	// failures last: whether an entry makes sense depends on the rest.
	if fe, ok := em["failures"]; ok {
		x.Failures = p.failures(fe.val, x)
	}
}

func (p *parser) failures(v *yaml.Node, x Expect) []checker.Check {
	const fp = "expect.failures"
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
			p.at(v, fp, "must be a list, got %s (write [%s])", describe(v), v.Value)
		} else {
			p.at(v, fp, "must be a list of check names, got %s", describe(v))
		}
		return nil
	}
	cfg := x.config()
	known := fault.Names(checker.Checks())
	var out []checker.Check
	seen := map[string]bool{}
	for i, item := range v.Content {
		item = resolve(item)
		ip := fmt.Sprintf("%s[%d]", fp, i)
		s, ok := p.word(ip, item)
		if !ok {
			continue
		}
		spec, ok := checker.Lookup(s)
		switch {
		case !ok:
			if g := suggest(s, known); g != "" {
				p.at(item, ip, "unknown check %q (did you mean %q?)", s, g)
			} else {
				p.at(item, ip, "unknown check %q (use one of %s)", s, strings.Join(known, ", "))
			}
		case seen[s]:
			p.at(item, ip, "%s is listed twice", s)
		case spec.Expectable(cfg) != "":
			p.at(item, ip, "%s cannot be expected to fail: %s", s, spec.Expectable(cfg))
		default:
			seen[s] = true
			out = append(out, spec.Name)
		}
	}
	return out
}
