package scenario

// This file holds the expect: section of the parser, failures included.

import (
	"fmt"
	"slices"
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
		case "ordered":
			p.boolean(fp, fe.val, &x.RequireOrder)
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
		if v := resolve(fe.val); v.Kind == yaml.MappingNode {
			x.FailuresOn = p.failuresOn(v, x, f.Profiles)
		} else {
			x.Failures = p.failures("expect.failures", v, x)
		}
	}
}

// failuresOn reads the per-profile form of failures, a mapping from each
// profile that is expected to fail to its list, so that one scenario can
// show a finding on a stock profile and its fix on a tuned one side by
// side.
func (p *parser) failuresOn(v *yaml.Node, x Expect, profiles []string) map[string][]checker.Check {
	out := map[string][]checker.Check{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := resolve(v.Content[i]), v.Content[i+1]
		fp := "expect.failures." + k.Value
		name, ok := p.word(fp, k)
		switch {
		case !ok || p.unknownProfiles[name]:
			continue
		case !slices.Contains(profiles, name):
			p.at(k, fp, "%q is not one of the scenario's profiles (%s)", name, strings.Join(profiles, ", "))
			continue
		}
		if _, dup := out[name]; dup {
			p.at(k, fp, "%s is listed twice", name)
			continue
		}
		out[name] = p.failures(fp, val, x)
	}
	return out
}

func (p *parser) failures(fp string, v *yaml.Node, x Expect) []checker.Check {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
			p.at(v, fp, "must be a list, got %s (write [%s])", describe(v), v.Value)
		} else {
			p.at(v, fp, "must be a list of check names, or a mapping from profile to such a list, got %s", describe(v))
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
