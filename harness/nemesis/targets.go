package nemesis

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
)

// resolve turns a scenario target into brokers, at the moment the step
// runs: "master" is whoever is master now.
func (n *Nemesis) resolve(ctx context.Context, target string) ([]*cluster.Broker, error) {
	bs, err := n.lookup(ctx, target)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, fmt.Errorf("target %q matches no broker now", target)
	}
	if target != "previous" {
		n.mu.Lock()
		n.previous = bs
		n.mu.Unlock()
	}
	return bs, nil
}

func (n *Nemesis) lookup(ctx context.Context, target string) ([]*cluster.Broker, error) {
	switch target {
	case "master":
		m, err := n.c.Master(ctx, masterWait)
		if err != nil {
			return nil, err
		}
		return []*cluster.Broker{m}, nil
	case "slave", "slaves":
		var out []*cluster.Broker
		for _, b := range n.c.Brokers {
			if n.c.Role(b) == history.Slave {
				out = append(out, b)
			}
		}
		if target == "slave" && len(out) > 1 {
			out = out[:1]
		}
		return out, nil
	case "all":
		return n.c.Brokers, nil
	case "previous":
		n.mu.Lock()
		defer n.mu.Unlock()
		if n.previous == nil {
			return nil, fmt.Errorf("target previous: no earlier step had a target")
		}
		return n.previous, nil
	}
	if num, ok := strings.CutPrefix(target, "node:"); ok {
		return n.byIndex(num)
	}
	if num, ok := strings.CutPrefix(target, "broker:"); ok {
		return n.byIndex(num)
	}
	return nil, fmt.Errorf("target %q is not available on profile %s", target, n.c.Profile().Name)
}

func (n *Nemesis) byIndex(num string) ([]*cluster.Broker, error) {
	i, err := strconv.Atoi(num)
	if err != nil || i < 1 || i > len(n.c.Brokers) {
		return nil, fmt.Errorf("node %q: the cluster has nodes 1..%d", num, len(n.c.Brokers))
	}
	return []*cluster.Broker{n.c.Brokers[i-1]}, nil
}
