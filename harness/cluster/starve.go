package cluster

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// CFS bandwidth periods, in microseconds. The kernel's default period
// keeps a starved node's slices short (it runs a little every 100 ms, as
// a busy host would let it); a share too small for a 1 ms quota in it
// takes the longest period instead.
const (
	cfsPeriod    = 100_000
	cfsMaxPeriod = 1_000_000
	cfsMinQuota  = 1_000
)

// cfsQuota is the period and quota that leave cpus of one CPU.
func cfsQuota(cpus float64) (period, quota int64, err error) {
	if !(cpus > 0) || math.IsInf(cpus, 0) {
		return 0, 0, fmt.Errorf("cpus %g: must be a share of one CPU above 0", cpus)
	}
	for _, p := range []int64{cfsPeriod, cfsMaxPeriod} {
		if q := int64(math.Round(cpus * float64(p))); q >= cfsMinQuota {
			return p, q, nil
		}
	}
	return 0, 0, fmt.Errorf("cpus %g: below the least CFS quota (1 ms in a 1 s period, 0.001 of a CPU)", cpus)
}

// Starve leaves the node cpus of one CPU: a CFS quota on its container,
// which every process in it shares, docker exec'd ones included. The node
// goes on running and answering, only slowly: a gray failure, not a
// crash. The quota is container configuration, so it outlives a restart;
// Unstarve or a cluster restore lifts it.
func (n *Node) Starve(ctx context.Context, cpus float64) error {
	period, quota, err := cfsQuota(cpus)
	if err != nil {
		return fmt.Errorf("starve %s: %w", n.Name, err)
	}
	// Marked before the call: an update that fails after the engine
	// applied it must still be lifted by the restore.
	n.mu.Lock()
	n.quota = true
	n.mu.Unlock()
	if err := n.setQuota(ctx, period, quota); err != nil {
		return fmt.Errorf("starve %s: %w", n.Name, err)
	}
	return nil
}

// Unstarve lifts the node's CPU quota.
func (n *Node) Unstarve(ctx context.Context) error {
	// -1 is the engine's word for no quota; the period goes back to the
	// kernel's default, as a 1 s one would outlive the starve otherwise.
	if err := n.setQuota(ctx, cfsPeriod, -1); err != nil {
		return fmt.Errorf("unstarve %s: %w", n.Name, err)
	}
	n.mu.Lock()
	n.quota = false
	n.mu.Unlock()
	return nil
}

// Starved reports whether a CPU quota may be in place on the node.
func (n *Node) Starved() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.quota
}

func (n *Node) setQuota(ctx context.Context, period, quota int64) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	_, err = cli.ContainerUpdate(ctx, n.ContainerID(), client.ContainerUpdateOptions{
		Resources: &container.Resources{CPUPeriod: period, CPUQuota: quota},
	})
	return err
}

// LiftQuotas lifts every CPU quota a scenario may have left, on running
// and down nodes alike: a down node would come back as starved as it
// went. Restore does it first; the restore between scenarios calls it
// before the heal too, whose rule changes a starved node's fault agent
// would take seconds to apply.
func (c *Cluster) LiftQuotas(ctx context.Context) error {
	var errs []error
	for _, n := range c.Nodes() {
		if n.Starved() {
			errs = append(errs, n.Unstarve(ctx))
		}
	}
	return errors.Join(errs...)
}
