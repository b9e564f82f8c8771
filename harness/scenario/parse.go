package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// The fields of each mapping, in documentation order.
var (
	topFields      = []string{"name", "description", "tier", "profiles", "profile", "seed", "workload", "timeline", "expect"}
	workloadFields = []string{"duration", "rate", "in-flight", "message-size", "persistent", "consumer-delay", "consumer-rate", "drain-quiet"}
	stepFields     = []string{"at", "action", "target", "duration"}
	expectFields   = []string{"no-loss", "single-master", "split-brain-acks", "quorum-blocking", "quorum-resume",
		"max-failover", "max-unavailable", "rejoin-as-slave", "rejoin-as-follower", "duplicates", "failures", "findings"}

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

func (p *parser) workload(f *File, m map[string]field) {
	w := defaultWorkload()
	defer func() { f.Workload = w }()
	e, ok := m["workload"]
	if !ok || isNull(e.val) {
		return
	}
	wm := p.fields("workload", e.val, workloadFields)
	for name, fe := range wm {
		fp := "workload." + name
		switch name {
		case "duration":
			p.duration(fp, fe.val, false, &w.Duration)
		case "rate":
			p.integer(fp, fe.val, 1, 100000, &w.Rate)
		case "in-flight":
			p.integer(fp, fe.val, 1, 1024, &w.InFlight)
		case "message-size":
			p.integer(fp, fe.val, 16, 1<<20, &w.MessageSize)
		case "persistent":
			p.boolean(fp, fe.val, &w.Persistent)
		case "consumer-delay":
			p.duration(fp, fe.val, true, &w.ConsumerDelay)
		case "consumer-rate":
			p.integer(fp, fe.val, 0, 100000, &w.ConsumerRate)
		case "drain-quiet":
			p.duration(fp, fe.val, false, &w.DrainQuiet)
		}
	}
}

// pending is a pause that a later resume may undo.
type pending struct {
	line int
	end  time.Duration // -1: until resumed
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
		pauses     []pending
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
		if fe, ok := sm["action"]; !ok {
			p.at(item, path+".action", "is required (one of %s)", strings.Join(actions, ", "))
		} else if s, ok := p.word(path+".action", fe.val); ok {
			st.Action = s
			if actionOK = KnownAction(s); !actionOK {
				if g := suggest(s, actions); g != "" {
					p.at(fe.val, path+".action", "unknown action %q (did you mean %q?)", s, g)
				} else {
					p.at(fe.val, path+".action", "unknown action %q (use one of %s)", s, strings.Join(actions, ", "))
				}
			}
		}

		fe, hasTarget := sm["target"]
		switch {
		case actionOK && st.Action == ActionHeal:
			if hasTarget {
				p.at(fe.key, path+".target", "heal takes no target: it heals every partition, delay and loss in effect")
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
			st.Target = s
			if _, err := ParseTarget(s); err != nil {
				p.at(fe.val, path+".target", "%v", err)
			} else if s == TargetPrevious && !hadBefore {
				p.at(fe.val, path+".target", "previous refers to the target of an earlier step, but no earlier step has one")
			}
		}

		if fe, ok := sm["duration"]; ok {
			if actionOK && !contains(selfHealing, st.Action) {
				p.at(fe.key, path+".duration", "%s takes no duration: only pause, partition, delay and loss are healed automatically after one", st.Action)
			} else {
				p.duration(path+".duration", fe.val, false, &st.Duration)
			}
		}

		switch {
		case !actionOK:
		case st.Action == ActionPause:
			end := time.Duration(-1)
			if st.Duration > 0 {
				end = st.At + st.Duration
			}
			pauses = append(pauses, pending{st.Line, end})
		case st.Action == ActionResume:
			found, expired := false, 0 // expired: a timed pause over by now
			for j, pp := range pauses {
				if pp.end < 0 || !atOK || pp.end > st.At {
					pauses = append(pauses[:j], pauses[j+1:]...)
					found = true
					break
				}
				expired = pp.line
			}
			switch {
			case found:
			case expired > 0:
				p.at(sm["action"].val, path+".action", "resume must follow a pause still in effect, but the pause on line %d has already resumed itself after its duration", expired)
			default:
				p.at(sm["action"].val, path+".action", "resume must follow a pause, but no earlier step pauses anything")
			}
		}
		f.Timeline = append(f.Timeline, st)
	}
}

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
			p.boolean(fp, fe.val, &x.NoLoss)
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

func (p *parser) failures(v *yaml.Node, x Expect) []string {
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
	disabled := map[string]string{}
	if !x.NoLoss {
		disabled[CheckNoLoss] = "expect.no-loss: false disables it"
	}
	if !x.SingleMaster {
		disabled[CheckSingleMaster] = "expect.single-master: false disables it"
	}
	if x.MaxFailover == 0 {
		disabled[CheckMaxFailover] = "expect.max-failover: 0 disables it"
	}
	if x.RejoinWithin == 0 {
		disabled[CheckRejoinAsSlave] = "expect.rejoin-as-slave: 0 disables it"
	}
	if !x.SplitBrainAcks {
		disabled[CheckSplitBrainAcks] = "expect.split-brain-acks: false disables it"
	}
	if !x.QuorumBlocking {
		disabled[CheckQuorumBlocking] = "expect.quorum-blocking: false disables it"
	}
	if x.RejoinFollowerWithin == 0 {
		disabled[CheckRejoinAsFollower] = "expect.rejoin-as-follower: 0 disables it"
	}
	if x.MaxUnavailable == 0 {
		disabled[CheckAvailability] = "it only fails with expect.max-unavailable above 0"
	}
	if !x.FailOnDuplicates {
		disabled[CheckNoDuplicates] = "it only fails with expect.duplicates: fail"
	}
	var out []string
	seen := map[string]bool{}
	for i, item := range v.Content {
		item = resolve(item)
		ip := fmt.Sprintf("%s[%d]", fp, i)
		s, ok := p.word(ip, item)
		if !ok {
			continue
		}
		switch why, off := disabled[s]; {
		case !KnownCheck(s):
			if g := suggest(s, checks); g != "" {
				p.at(item, ip, "unknown check %q (did you mean %q?)", s, g)
			} else {
				p.at(item, ip, "unknown check %q (use one of %s)", s, strings.Join(checks, ", "))
			}
		case seen[s]:
			p.at(item, ip, "%s is listed twice", s)
		case off:
			p.at(item, ip, "%s cannot be expected to fail: %s", s, why)
		default:
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Scalar decoding. Each helper records a problem and reports false if the
// node does not hold a valid value; the destination is then left as is.

func (p *parser) noValue(path string, v *yaml.Node) bool {
	if isNull(v) {
		p.at(v, path, "has no value (give one, or remove the field to use the default)")
		return true
	}
	return false
}

// str accepts a string scalar.
func (p *parser) str(path string, v *yaml.Node) (string, bool) {
	if p.noValue(path, v) {
		return "", false
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		p.at(v, path, "must be a string, got %s", describe(v))
		return "", false
	}
	return v.Value, true
}

// word accepts any non-null scalar, for fields whose values are checked
// against a vocabulary that then explains the problem.
func (p *parser) word(path string, v *yaml.Node) (string, bool) {
	if p.noValue(path, v) {
		return "", false
	}
	if v.Kind != yaml.ScalarNode {
		p.at(v, path, "must be a single word, got %s", describe(v))
		return "", false
	}
	return v.Value, true
}

func (p *parser) integer(path string, v *yaml.Node, lo, hi int, dst *int) bool {
	if p.noValue(path, v) {
		return false
	}
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		p.at(v, path, "must be a whole number, got %s", describe(v))
		return false
	}
	var n int64
	if err := v.Decode(&n); err != nil || n < int64(lo) || n > int64(hi) {
		p.at(v, path, "%s is out of range (%d..%d)", v.Value, lo, hi)
		return false
	}
	*dst = int(n)
	return true
}

func (p *parser) boolean(path string, v *yaml.Node, dst *bool) bool {
	if p.noValue(path, v) {
		return false
	}
	if v.Kind != yaml.ScalarNode {
		p.at(v, path, "must be true or false, got %s", describe(v))
		return false
	}
	if v.ShortTag() != "!!bool" || v.Decode(dst) != nil {
		p.at(v, path, "%q is not a boolean (use true or false)", v.Value)
		return false
	}
	return true
}

// duration accepts Go duration syntax (10s, 1m30s, 500ms) and a bare 0.
// Negative durations are rejected, and so is zero unless zeroOK.
func (p *parser) duration(path string, v *yaml.Node, zeroOK bool, dst *time.Duration) bool {
	if p.noValue(path, v) {
		return false
	}
	if v.Kind != yaml.ScalarNode {
		p.at(v, path, "must be a duration such as 10s, got %s", describe(v))
		return false
	}
	tag := v.ShortTag()
	d, err := time.ParseDuration(v.Value)
	if err != nil || (tag != "!!str" && !(tag == "!!int" && d == 0)) {
		p.at(v, path, "%q is not a duration (use e.g. 10s)", v.Value)
		return false
	}
	switch {
	case d < 0:
		p.at(v, path, "%s must not be negative", v.Value)
		return false
	case d == 0 && !zeroOK:
		p.at(v, path, "must be greater than 0")
		return false
	}
	*dst = d
	return true
}

// resolve follows an alias to the node it names, keeping the alias's
// position so that problems point at the line that uses it.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind != yaml.AliasNode || n.Alias == nil {
		return n
	}
	c := *resolve(n.Alias)
	c.Line, c.Column = n.Line, n.Column
	return &c
}

func isNull(n *yaml.Node) bool {
	return n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// describe names what a node holds, for "got ..." messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		case "!!null":
			return "no value"
		}
		return fmt.Sprintf("%q tagged %s", n.Value, n.Tag)
	}
	return "nothing"
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func sameList(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
