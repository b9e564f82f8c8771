package nemesis

import (
	"context"
	"fmt"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// resolve turns a scenario target into brokers, at the moment the step
// runs: "master" is whoever is master now.
func (n *Nemesis) resolve(ctx context.Context, action fault.Action, target fault.Target) ([]*cluster.Node, error) {
	if action == fault.Heal {
		return n.healed(), nil
	}
	bs, err := n.lookup(ctx, target)
	if err != nil {
		return nil, err
	}
	if action == fault.Start {
		// Only the nodes that are down get started, and only they are
		// recorded: a running master must not count as a rejoining node.
		var down []*cluster.Node
		for _, b := range bs {
			if !b.Running() {
				down = append(down, b)
			}
		}
		bs = down
	}
	if len(bs) == 0 {
		return nil, fmt.Errorf("target %q matches no node now", target)
	}
	if target.Kind != fault.Previous {
		n.mu.Lock()
		n.previous = bs
		n.mu.Unlock()
	}
	return bs, nil
}

// healed is every node that a partition, delay or loss still holds.
func (n *Nemesis) healed() []*cluster.Node {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []*cluster.Node
	for _, node := range n.c.Nodes() {
		if n.open.heldBy(node.Name, "heal") {
			out = append(out, node)
		}
	}
	return out
}

func (n *Nemesis) lookup(ctx context.Context, target fault.Target) ([]*cluster.Node, error) {
	if target.N > 0 {
		return n.numbered(target)
	}
	switch target.Kind {
	case fault.Master:
		m, err := n.c.Master(ctx, masterWait)
		if err != nil {
			return nil, err
		}
		return []*cluster.Node{m}, nil
	case fault.Slave, fault.Slaves:
		return first(target.Kind == fault.Slave, n.inRole(n.c.Brokers, history.Slave)), nil
	case fault.ZKLeader:
		l, err := n.c.Leader(ctx, masterWait)
		if err != nil {
			return nil, err
		}
		return []*cluster.Node{l}, nil
	case fault.ZKFollower:
		return first(true, n.inRole(n.c.ZooKeepers, history.Follower)), nil
	case fault.DB:
		if len(n.c.Databases) == 1 {
			return n.c.Databases, nil
		}
		return n.inRole(n.c.Databases, history.Primary), nil
	case fault.All:
		return n.c.Nodes(), nil
	case fault.Minority, fault.Majority:
		return n.split(ctx, target.Kind)
	case fault.Bridge:
		minority, err := n.split(ctx, fault.Minority)
		if err != nil {
			return nil, err
		}
		majority, _ := n.split(ctx, fault.Majority)
		// The lowest-numbered other node is cut off; the remaining one
		// bridges the two sides.
		cut := majority[0].Host
		for _, node := range majority {
			if node.Host == cut {
				minority = append(minority, node)
			}
		}
		return minority, nil
	case fault.Previous:
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.previous == nil {
			return nil, fmt.Errorf("target previous: no earlier step had a target")
		}
		return n.previous, nil
	}
	return nil, fmt.Errorf("target %q is not available on profile %s", target, n.c.Profile().Name)
}

// numbered resolves node:N, broker:N, zk:N and db:N.
func (n *Nemesis) numbered(target fault.Target) ([]*cluster.Node, error) {
	i := target.N
	var pool []*cluster.Node
	switch target.Kind {
	case fault.NodeN:
		pool = n.c.Host(i)
		if len(pool) == 0 {
			return nil, fmt.Errorf("target %q: profile %s has no node %d", target, n.c.Profile().Name, i)
		}
		return pool, nil
	case fault.BrokerN:
		pool = n.c.Brokers
	case fault.ZKN:
		pool = n.c.ZooKeepers
	case fault.DBN:
		pool = n.c.Databases
	}
	if i < 1 || i > len(pool) {
		return nil, fmt.Errorf("target %q: profile %s has %d %s nodes", target, n.c.Profile().Name, len(pool), target.Kind)
	}
	return []*cluster.Node{pool[i-1]}, nil
}

func (n *Nemesis) inRole(nodes []*cluster.Node, role history.Role) []*cluster.Node {
	var out []*cluster.Node
	for _, node := range nodes {
		if n.c.Role(node) == role {
			out = append(out, node)
		}
	}
	return out
}

func first(one bool, nodes []*cluster.Node) []*cluster.Node {
	if one && len(nodes) > 1 {
		return nodes[:1]
	}
	return nodes
}

// split divides the hosts into the minority, the host of the current
// master (or ZooKeeper leader where there is no broker), and the majority,
// every other host.
func (n *Nemesis) split(ctx context.Context, side fault.TargetKind) ([]*cluster.Node, error) {
	var lead *cluster.Node
	var err error
	if len(n.c.Brokers) > 0 {
		lead, err = n.c.Master(ctx, masterWait)
	} else {
		lead, err = n.c.Leader(ctx, masterWait)
	}
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", side, err)
	}
	var minority, majority []*cluster.Node
	for _, node := range n.c.Nodes() {
		switch {
		case node.Host == 0:
			continue // shared services (a single database, a separate ensemble) take no side
		case node.Host == lead.Host:
			minority = append(minority, node)
		default:
			majority = append(majority, node)
		}
	}
	if side == fault.Minority {
		return minority, nil
	}
	return majority, nil
}
