package scenario

// This file holds the parser itself: the field lists, the parser type,
// YAML syntax errors, mapping checks and the top-level fields (name,
// description, profiles, seed). The sections live in parse_workload.go,
// parse_timeline.go and parse_expect.go, the scalar helpers in
// parse_scalars.go.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The fields of each mapping, in documentation order.
var (
	topFields      = []string{"name", "description", "tier", "profiles", "profile", "seed", "workload", "timeline", "expect"}
	workloadFields = []string{"duration", "rate", "in-flight", "message-size", "persistent", "consumer-delay", "consumer-rate", "drain-quiet", "send-timeout",
		"producers", "consumers", "queues", "connect", "silence-limit", "transactions", "topic"}
	txnFields    = []string{"rate", "size", "abort-every"}
	topicFields  = []string{"rate", "subscribers"}
	stepFields   = []string{"at", "action", "target", "from", "duration", "cpus", "offset", "latency"}
	expectFields = []string{"no-loss", "single-master", "split-brain-acks", "quorum-blocking", "quorum-resume",
		"max-failover", "max-unavailable", "rejoin-as-slave", "rejoin-as-follower", "duplicates", "ordered", "min-acks", "failures", "findings"}

	// homes says where a misplaced field belongs.
	homes = []struct {
		where  string
		fields []string
	}{
		{"at the top level", topFields},
		{"under workload:", workloadFields},
		{"under expect:", expectFields},
		{"in a timeline step", stepFields},
	}

	nameRE   = regexp.MustCompile(`^[a-z0-9-]+$`)
	wholeRE  = regexp.MustCompile(`^[-+]?[0-9]+$`)
	yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// parser walks one file's yaml.Node tree, collecting every problem.
type parser struct {
	file string
	errs Errors
	// unknownProfiles are the names profiles: already reported, so that a
	// per-profile failures key naming one is not reported again.
	unknownProfiles map[string]bool
}

// field is one key/value pair of a mapping.
type field struct{ key, val *yaml.Node }

func (p *parser) add(line, col int, path, format string, args ...any) {
	p.errs.List = append(p.errs.List, Error{File: p.file, Line: line, Column: col, Field: path, Msg: fmt.Sprintf(format, args...)})
}

// at records a problem located at node n.
func (p *parser) at(n *yaml.Node, path, format string, args ...any) {
	p.add(n.Line, n.Column, path, format, args...)
}

// parserProblems are the messages of yaml.v3's parser (as opposed to
// scanner) errors, whose line yaml.v3 reports counting from 0.
var parserProblems = []string{
	"did not find expected <stream-start>",
	"did not find expected <document start>",
	"found undefined tag handle",
	"did not find expected node content",
	"did not find expected '-' indicator",
	"did not find expected key",
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found duplicate %TAG directive",
}

// syntax records a YAML syntax error, recovering its line from the
// message. yaml.v3 leaves the line out for errors on the first line.
func (p *parser) syntax(err error) {
	msg, line := err.Error(), 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if contains(parserProblems, msg) {
			line++
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	p.add(line, 0, "", "invalid YAML: %s", msg)
}

func (p *parser) parse(data []byte) *File {
	if p.badBytes(data) {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			p.add(1, 1, "", "the file is empty; a scenario needs at least name, description and profiles")
		} else {
			p.syntax(err)
		}
		return nil
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		p.at(&next, "", "a scenario file holds a single YAML document; remove the second one (after ---)")
	} else if !errors.Is(err, io.EOF) {
		p.syntax(err)
	}

	root := resolve(doc.Content[0])
	if isNull(root) {
		p.at(root, "", "the file is empty; a scenario needs at least name, description and profiles")
		return nil
	}
	m := p.fields("", root, topFields)
	if m == nil {
		return nil
	}
	f := &File{}
	p.name(f, m, root)
	p.description(f, m, root)
	p.tier(f, m)
	p.profiles(f, m, root)
	p.seed(f, m)
	p.workload(f, m)
	p.timeline(f, m)
	p.expect(f, m)
	return f
}

// fields checks that n is a mapping of known, distinct, plain keys and
// returns its entries by key. It returns nil if n is not a mapping.
func (p *parser) fields(path string, n *yaml.Node, known []string) map[string]field {
	if n.Kind != yaml.MappingNode {
		what := "must"
		if path == "" {
			what = "the file must"
		}
		p.at(n, path, "%s be a mapping of fields (%s), got %s", what, strings.Join(known, ":, ")+":", describe(n))
		return nil
	}
	out := make(map[string]field, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.at(k, path, "keys must be plain field names, got %s", describe(k))
			continue
		}
		name := k.Value
		fp := join(path, name)
		switch prev, dup := out[name]; {
		case k.ShortTag() == "!!merge":
			p.at(k, path, "merge keys (<<) are not supported; write the fields out")
		case dup:
			p.at(k, fp, "duplicate key (first set on line %d)", prev.key.Line)
		case !contains(known, name):
			p.at(k, fp, "%s", unknownField(name, known))
		default:
			out[name] = field{k, v}
		}
	}
	return out
}

// unknownField explains an unknown field name, pointing to where it
// belongs or to the known field it most resembles.
func unknownField(name string, known []string) string {
	for _, h := range homes {
		if !sameList(h.fields, known) && contains(h.fields, name) {
			return fmt.Sprintf("unknown field here (%s belongs %s)", name, h.where)
		}
	}
	if s := suggest(name, known); s != "" {
		return fmt.Sprintf("unknown field (did you mean %q?)", s)
	}
	return fmt.Sprintf("unknown field (known fields: %s)", strings.Join(known, ", "))
}

func (p *parser) name(f *File, m map[string]field, root *yaml.Node) {
	e, ok := m["name"]
	if !ok {
		p.at(root, "name", "is required")
		return
	}
	s, ok := p.str("name", e.val)
	if !ok {
		return
	}
	f.Name = s
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(p.file), ".yaml"), ".yml")
	switch {
	case !nameRE.MatchString(s):
		p.at(e.val, "name", "%q is not a valid name: use lower-case letters, digits and -", s)
	case p.file != "" && s != base:
		p.at(e.val, "name", "%q does not match the file name %s (the name must be the file name without .yaml)", s, filepath.Base(p.file))
	}
}

func (p *parser) description(f *File, m map[string]field, root *yaml.Node) {
	e, ok := m["description"]
	if !ok {
		p.at(root, "description", "is required: say what the scenario does and what is expected on each profile")
		return
	}
	if s, ok := p.str("description", e.val); ok {
		if strings.TrimSpace(s) == "" {
			p.at(e.val, "description", "must not be empty: say what the scenario does and what is expected on each profile")
		}
		f.Description = s
	}
}

func (p *parser) profiles(f *File, m map[string]field, root *yaml.Node) {
	list, hasList := m["profiles"]
	one, hasOne := m["profile"]
	switch {
	case hasList && hasOne:
		p.at(one.key, "profile", "use either profile: or profiles:, not both")
	case hasOne:
		if one.val.Kind == yaml.SequenceNode {
			p.at(one.val, "profile", "must be a single profile name; use profiles: for a list")
			return
		}
		if s, ok := p.str("profile", one.val); ok && p.profile("profile", one.val, s) {
			f.Profiles = []string{s}
		}
	case hasList:
		v := list.val
		if v.Kind != yaml.SequenceNode {
			if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
				p.at(v, "profiles", "must be a list, got %s (write [%s], or profile: %s for a single one)", describe(v), v.Value, v.Value)
			} else {
				p.at(v, "profiles", "must be a list of profile names, got %s", describe(v))
			}
			return
		}
		if len(v.Content) == 0 {
			p.at(v, "profiles", "must list at least one profile (known: %s)", strings.Join(profiles, ", "))
		}
		seen := map[string]bool{}
		for i, item := range v.Content {
			item = resolve(item)
			fp := fmt.Sprintf("profiles[%d]", i)
			s, ok := p.str(fp, item)
			if !ok || !p.profile(fp, item, s) {
				continue
			}
			if seen[s] {
				p.at(item, fp, "%s is listed twice", s)
				continue
			}
			seen[s] = true
			f.Profiles = append(f.Profiles, s)
		}
	default:
		p.at(root, "profiles", "is required (e.g. profiles: [%s])", ProfileSharedKahaDB)
	}
}

// profile reports whether s is a known profile, recording a problem if not.
func (p *parser) profile(path string, n *yaml.Node, s string) bool {
	if KnownProfile(s) {
		return true
	}
	if p.unknownProfiles == nil {
		p.unknownProfiles = map[string]bool{}
	}
	p.unknownProfiles[s] = true
	if g := suggest(s, profiles); g != "" {
		p.at(n, path, "unknown profile %q (did you mean %q?)", s, g)
	} else {
		p.at(n, path, "unknown profile %q (known: %s)", s, strings.Join(profiles, ", "))
	}
	return false
}

// seed accepts any whole number that fits in 64 bits.
func (p *parser) seed(f *File, m map[string]field) {
	e, ok := m["seed"]
	if !ok || p.noValue("seed", e.val) {
		return
	}
	v := e.val
	// yaml.v3 resolves a whole number too big for 64 bits as a float.
	tooBig := v.Kind == yaml.ScalarNode && v.ShortTag() == "!!float" && wholeRE.MatchString(v.Value)
	if v.Kind != yaml.ScalarNode || (v.ShortTag() != "!!int" && !tooBig) {
		p.at(v, "seed", "must be a whole number, got %s", describe(v))
		return
	}
	if err := v.Decode(&f.Seed); tooBig || err != nil {
		p.at(v, "seed", "%s is out of range for a 64-bit seed", v.Value)
	}
}
