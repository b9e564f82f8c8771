package scenario

// This file holds the parser's scalar decoding helpers (str, word,
// integer, number, boolean, duration) and the yaml.Node helpers shared by every
// section.

import (
	"fmt"
	"math"
	"time"

	"gopkg.in/yaml.v3"
)

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

// number accepts a plain number, whole or not: 0.05, 1, 1.5.
func (p *parser) number(path string, v *yaml.Node, dst *float64) bool {
	if p.noValue(path, v) {
		return false
	}
	if tag := v.ShortTag(); v.Kind != yaml.ScalarNode || (tag != "!!float" && tag != "!!int") {
		p.at(v, path, "must be a number such as 0.05, got %s", describe(v))
		return false
	}
	var f float64
	if err := v.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.at(v, path, "%q is not a number (use e.g. 0.05)", v.Value)
		return false
	}
	*dst = f
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
