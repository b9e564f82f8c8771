package fault

import (
	"strconv"
	"strings"
)

// NodeKind is what a node of a cluster runs.
type NodeKind string

// Node kinds.
const (
	Broker    NodeKind = "broker"
	ZooKeeper NodeKind = "zk"
	Database  NodeKind = "db"
)

// NodeKinds returns every kind, in the order the docs list them.
func NodeKinds() []NodeKind { return []NodeKind{Broker, ZooKeeper, Database} }

// prefixes are the node-name stems, one per kind: the cluster names its
// nodes with NodeName and every reader of a history gets the kind back
// with KindOf, so the naming scheme lives here only. A profile with one
// database calls it "db"; Patroni members are pg1..pgN.
var prefixes = []struct {
	kind   NodeKind
	prefix string
}{{Broker, "broker"}, {ZooKeeper, "zk"}, {Database, "pg"}, {Database, "db"}}

// NodeName is the name of the n-th (1-based) node of kind k.
func NodeName(k NodeKind, n int) string {
	switch k {
	case Broker:
		return "broker" + strconv.Itoa(n)
	case ZooKeeper:
		return "zk" + strconv.Itoa(n)
	case Database:
		return "pg" + strconv.Itoa(n)
	}
	return string(k) + strconv.Itoa(n)
}

// KindOf is the kind of the node called name, and false for a name the
// harness never gives.
func KindOf(name string) (NodeKind, bool) {
	for _, p := range prefixes {
		rest, ok := strings.CutPrefix(name, p.prefix)
		if ok && strings.Trim(rest, "0123456789") == "" {
			return p.kind, true
		}
	}
	return "", false
}
