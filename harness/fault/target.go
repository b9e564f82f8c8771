package fault

import (
	"fmt"
	"strconv"
	"strings"
)

// TargetKind is a target without its number.
type TargetKind string

// Targets that are not numbered.
const (
	Master     TargetKind = "master"
	Slave      TargetKind = "slave"
	Slaves     TargetKind = "slaves"
	DB         TargetKind = "db"
	ZKLeader   TargetKind = "zk:leader"
	ZKFollower TargetKind = "zk:follower"
	Majority   TargetKind = "majority"
	Minority   TargetKind = "minority"
	// Bridge cuts the master's (or leader's) node from one other node
	// while the third still talks to both.
	Bridge   TargetKind = "bridge"
	Previous TargetKind = "previous"
	All      TargetKind = "all"
)

// Numbered targets, written "node:N", "broker:N", "db:N" and "zk:N", N >= 1.
const (
	NodeN   TargetKind = "node"
	BrokerN TargetKind = "broker"
	DBN     TargetKind = "db"
	ZKN     TargetKind = "zk"
)

var (
	plainTargets    = []TargetKind{Master, Slave, Slaves, DB, ZKLeader, ZKFollower, Majority, Minority, Bridge, Previous, All}
	numberedTargets = []TargetKind{NodeN, BrokerN, DBN, ZKN}
)

// PlainTargets returns the unnumbered targets, in the order the docs list them.
func PlainTargets() []TargetKind { return append([]TargetKind(nil), plainTargets...) }

// NumberedTargets returns the kinds written with ":N".
func NumberedTargets() []TargetKind { return append([]TargetKind(nil), numberedTargets...) }

// Target is a parsed timeline target. The zero Target is "no target"
// (a heal).
type Target struct {
	Kind TargetKind
	// N is the 1-based number of a numbered target ("node:2" has N 2),
	// and 0 otherwise.
	N int
}

// String returns the target as a scenario file spells it.
func (t Target) String() string {
	if t.N > 0 {
		return string(t.Kind) + ":" + strconv.Itoa(t.N)
	}
	return string(t.Kind)
}

// IsZero reports whether t is no target.
func (t Target) IsZero() bool { return t.Kind == "" }

// Needs is the kind of node t resolves to, and false for targets that may
// resolve to any kind (node:N, previous, all and the link shapes).
func (t Target) Needs() (NodeKind, bool) {
	switch {
	case t.Kind == ZKLeader || t.Kind == ZKFollower || (t.Kind == ZKN && t.N > 0):
		return ZooKeeper, true
	case t.Kind == DB:
		return Database, true
	case t.Kind == Master || t.Kind == Slave || t.Kind == Slaves || t.Kind == BrokerN:
		return Broker, true
	}
	return "", false
}

// ParseTarget parses and validates a timeline target such as "master",
// "node:2" or "zk:leader". Its error message does not name a file or field.
func ParseTarget(s string) (Target, error) {
	for _, k := range plainTargets {
		if string(k) == s {
			return Target{Kind: k}, nil
		}
	}
	kind, num, numbered := strings.Cut(s, ":")
	for _, k := range numberedTargets {
		if !numbered || string(k) != kind {
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil || num == "" || strings.Trim(num, "0123456789") != "" {
			return Target{}, fmt.Errorf("%q is not a target: %s:N needs a whole number N (e.g. %s:1)", s, kind, kind)
		}
		if n < 1 {
			return Target{}, fmt.Errorf("%q is not a target: %s numbers start at 1", s, kind)
		}
		return Target{Kind: k, N: n}, nil
	}
	if numbered {
		if k := Suggest(kind, Names(numberedTargets)); k != "" {
			return Target{}, fmt.Errorf("unknown target %q (did you mean %q?)", s, k+":"+num)
		}
	}
	if t := Suggest(s, Names(plainTargets)); t != "" {
		return Target{}, fmt.Errorf("unknown target %q (did you mean %q?)", s, t)
	}
	return Target{}, fmt.Errorf("unknown target %q (use %s, node:N, broker:N, db:N or zk:N)", s, strings.Join(Names(plainTargets), ", "))
}

// MustTarget parses s and panics on error; for tests and literals.
func MustTarget(s string) Target {
	t, err := ParseTarget(s)
	if err != nil {
		panic(err)
	}
	return t
}
