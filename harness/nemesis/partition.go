package nemesis

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/amqha/amqha/harness/cluster"
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
}

// Apply installs DROP rules for every peer address in each target.
func (p partition) Apply(ctx context.Context, targets []*cluster.Node) error {
	var errs []error
	for _, t := range targets {
		for _, peer := range p.c.Nodes() {
			if slices.Contains(targets, peer) {
				continue
			}
			ip, err := peer.IP(ctx)
			if err != nil {
				continue // a peer that is down has no address to cut
			}
			errs = append(errs, drop(ctx, t, ip, p.probability))
		}
	}
	return errors.Join(errs...)
}

func drop(ctx context.Context, n *cluster.Node, ip, probability string) error {
	var match []string
	if probability != "" {
		match = []string{"-m", "statistic", "--mode", "random", "--probability", probability}
	}
	for _, dir := range [][]string{{"INPUT", "-s"}, {"OUTPUT", "-d"}} {
		rule := append([]string{"iptables", "-w", "-I", dir[0], dir[1], ip}, match...)
		rule = append(rule, "-j", "DROP", "-m", "comment", "--comment", "amqha")
		if _, err := n.Exec(ctx, rule...); err != nil {
			return err
		}
	}
	return nil
}

// heal removes every partition rule and packet-delay qdisc from every
// running node; a node that is down has none left (its rules die with
// its network namespace on restart).
type heal struct{ c *cluster.Cluster }

// Apply flushes the filter chains and netem qdiscs everywhere.
func (h heal) Apply(ctx context.Context, _ []*cluster.Node) error {
	var errs []error
	for _, n := range h.c.Nodes() {
		if !n.Running() {
			continue
		}
		if _, err := n.Exec(ctx, "iptables", "-w", "-F", "INPUT"); err != nil {
			errs = append(errs, err)
		}
		if _, err := n.Exec(ctx, "iptables", "-w", "-F", "OUTPUT"); err != nil {
			errs = append(errs, err)
		}
		if netemAvailable() {
			// No qdisc to delete is the normal case: ignore that error.
			_, _ = n.Exec(ctx, "tc", "qdisc", "del", "dev", "eth0", "root")
		}
	}
	return errors.Join(errs...)
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
type bridge struct{}

// Apply installs DROP rules between the two hosts' containers only.
func (bridge) Apply(ctx context.Context, targets []*cluster.Node) error {
	hosts := map[int][]*cluster.Node{}
	for _, t := range targets {
		hosts[t.Host] = append(hosts[t.Host], t)
	}
	if len(hosts) != 2 {
		return fmt.Errorf("bridge needs the containers of exactly two nodes, got %d", len(hosts))
	}
	var sides [][]*cluster.Node
	for _, h := range hosts {
		sides = append(sides, h)
	}
	var errs []error
	for i, side := range sides {
		for _, a := range side {
			for _, b := range sides[1-i] {
				ip, err := b.IP(ctx)
				if err != nil {
					continue
				}
				errs = append(errs, drop(ctx, a, ip, ""))
			}
		}
	}
	return errors.Join(errs...)
}
