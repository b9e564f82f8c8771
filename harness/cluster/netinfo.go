package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/moby/moby/client"
)

// IPs returns the address of every node attached to the cluster's network,
// keyed by node name, from a single inspect of that network: a fault that
// cuts a node from all its peers needs every address at once, and one
// container inspect per peer made partitions slow and uneven. A node that
// is down is not attached, so it is absent from the map.
func (c *Cluster) IPs(ctx context.Context) (map[string]string, error) {
	if c.network == nil {
		return nil, errors.New("cluster network not created")
	}
	cli, err := Docker(ctx)
	if err != nil {
		return nil, err
	}
	res, err := cli.NetworkInspect(ctx, c.network.ID, client.NetworkInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect network %s: %w", c.network.Name, err)
	}
	byID := map[string]string{}
	for _, n := range c.Nodes() {
		if n != nil && n.container != nil {
			byID[n.ContainerID()] = n.Name
		}
	}
	ips := map[string]string{}
	for id, ep := range res.Network.Containers {
		if name, ok := byID[id]; ok && ep.IPv4Address.IsValid() {
			ips[name] = ep.IPv4Address.Addr().String()
		}
	}
	return ips, nil
}
