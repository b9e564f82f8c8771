package nemesis

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
)

// partition cuts the targets off from every other node of the topology,
// in both directions, with iptables inside each target's container. The
// host's clients still reach the targets: this is a cut between servers
// (a broker from its database, a ZooKeeper server from its peers), not a
// cut of the clients, for which pause is the tool.
type partition struct {
	c *cluster.Cluster
	// probability, when set, drops only that share of packets: the loss
	// fault, done with iptables' statistic match because this kernel has
	// no netem.
	probability string
	// from, when set, limits the cut to peers of that kind.
	from fault.NodeKind
}

// Apply installs the cuts; see applyTimed.
func (p partition) Apply(ctx context.Context, targets []*cluster.Node) error {
	_, err := p.applyTimed(ctx, targets)
	return err
}

// applyTimed gives each target one exec that drops every peer that is up,
// all targets at once.
func (p partition) applyTimed(ctx context.Context, targets []*cluster.Node) (landing, error) {
	name := p.name()
	ips, err := p.c.IPs(ctx)
	if err != nil {
		return landing{}, fmt.Errorf("%s: %w", name, err)
	}
	return runJobs(ctx, name, dropJobs(partitionCuts(targets, p.peers(), ips), p.probability))
}

// peers is every node a cut may separate the targets from: all of them,
// or those of the kind the step names.
func (p partition) peers() []*cluster.Node {
	all := p.c.Nodes()
	if p.from == "" {
		return all
	}
	var out []*cluster.Node
	for _, n := range all {
		if k, _ := fault.KindOf(n.Name); k == p.from {
			out = append(out, n)
		}
	}
	return out
}

func (p partition) name() string {
	if p.probability != "" {
		return "loss"
	}
	return "partition"
}

// cut is one target's share of a network fault: the addresses it drops.
type cut struct {
	node *cluster.Node
	ips  []string
}

// partitionCuts cuts each target from every node that is not a target.
func partitionCuts(targets, all []*cluster.Node, ips map[string]string) []cut {
	var peers []*cluster.Node
	for _, n := range all {
		if !slices.Contains(targets, n) {
			peers = append(peers, n)
		}
	}
	out := make([]cut, len(targets))
	for i, t := range targets {
		out[i] = cut{t, addrs(peers, ips)}
	}
	return out
}

// addrs lists the addresses of the nodes that have one, in the nodes'
// order; a node that is down has no address to cut.
func addrs(nodes []*cluster.Node, ips map[string]string) []string {
	var out []string
	for _, n := range nodes {
		if ip, ok := ips[n.Name]; ok {
			out = append(out, ip)
		}
	}
	return out
}

// dropJobs renders one exec per cut, leaving out targets with nobody to
// cut them from.
func dropJobs(cuts []cut, probability string) []job {
	var jobs []job
	for _, c := range cuts {
		if len(c.ips) > 0 {
			jobs = append(jobs, job{node: c.node, rules: dropRules(c.ips, probability)})
		}
	}
	return jobs
}

// heal removes every partition rule and packet-delay qdisc from every
// running node; a node that is down has none left (its rules die with
// its network namespace on restart).
type heal struct{ c *cluster.Cluster }

// Apply lifts the cuts; see applyTimed.
func (h heal) Apply(ctx context.Context, nodes []*cluster.Node) error {
	_, err := h.applyTimed(ctx, nodes)
	return err
}

// applyTimed flushes the filter chains, and the netem qdisc where the
// kernel has netem, with one exec per running node, all at once.
func (h heal) applyTimed(ctx context.Context, _ []*cluster.Node) (landing, error) {
	var jobs []job
	for _, n := range h.c.Nodes() {
		if n.Running() {
			jobs = append(jobs, job{node: n, rules: flushRules(), clearNetem: netemAvailable()})
		}
	}
	return runJobs(ctx, "heal", jobs)
}

// netem delays every packet a target sends.
type netem struct{ args []string }

// Apply adds the netem qdisc on each target's interface.
func (n netem) Apply(ctx context.Context, targets []*cluster.Node) error {
	if !netemAvailable() {
		return errNoNetem
	}
	var errs []error
	for _, t := range targets {
		_, err := t.Exec(ctx, append([]string{"tc", "qdisc", "replace", "dev", "eth0", "root", "netem"}, n.args...)...)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

var errNoNetem = fmt.Errorf("packet delay needs the kernel's sch_netem qdisc, which this host's kernel does not have (no /sys/module/sch_netem); the delay fault is unavailable here (loss works: it uses iptables)")

// netemAvailable tells whether the shared kernel offers netem: containers
// cannot load modules, so it must already be there.
func netemAvailable() bool {
	_, err := os.Stat("/sys/module/sch_netem")
	return err == nil
}

// bridge cuts two nodes of the topology from each other and leaves the
// third connected to both. Its targets are the containers of exactly two
// nodes (hosts).
type bridge struct{ c *cluster.Cluster }

// Apply installs the cuts; see applyTimed.
func (b bridge) Apply(ctx context.Context, targets []*cluster.Node) error {
	_, err := b.applyTimed(ctx, targets)
	return err
}

// applyTimed gives each target one exec that drops the containers of the
// other host only, all targets at once.
func (b bridge) applyTimed(ctx context.Context, targets []*cluster.Node) (landing, error) {
	ips, err := b.c.IPs(ctx)
	if err != nil {
		return landing{}, fmt.Errorf("bridge: %w", err)
	}
	cuts, err := bridgeCuts(targets, ips)
	if err != nil {
		return landing{}, err
	}
	return runJobs(ctx, "bridge", dropJobs(cuts, ""))
}

// bridgeCuts cuts each target from the targets of the other host, and
// from nothing else: the third host stays reachable from both.
func bridgeCuts(targets []*cluster.Node, ips map[string]string) ([]cut, error) {
	hosts := map[int][]*cluster.Node{}
	var order []int
	for _, t := range targets {
		if _, ok := hosts[t.Host]; !ok {
			order = append(order, t.Host)
		}
		hosts[t.Host] = append(hosts[t.Host], t)
	}
	if len(hosts) != 2 {
		return nil, fmt.Errorf("bridge needs the containers of exactly two nodes, got %d", len(hosts))
	}
	var out []cut
	for i, h := range order {
		other := addrs(hosts[order[1-i]], ips)
		for _, t := range hosts[h] {
			out = append(out, cut{t, other})
		}
	}
	return out, nil
}
