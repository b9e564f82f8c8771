package nemesis

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
)

// disk fills (full) or frees the filesystem of each target's store. The
// brokers of a shared KahaDB share one volume, which is filled or freed
// once however many of them a step names.
type disk struct {
	c    *cluster.Cluster
	full bool
}

// Apply fills or frees every target's store.
func (d disk) Apply(ctx context.Context, bs []*cluster.Node) error {
	_, err := d.applyReporting(ctx, bs)
	return err
}

// reportingFault is a fault whose injection measures what it did, for
// its event's detail: a disk-full says how full it left the store.
type reportingFault interface {
	applyReporting(ctx context.Context, nodes []*cluster.Node) (string, error)
}

func (d disk) applyReporting(ctx context.Context, bs []*cluster.Node) (string, error) {
	var details []string
	var errs []error
	done := map[string]bool{}
	for _, b := range bs {
		key := d.c.StoreKey(b)
		if key != "" && done[key] {
			continue
		}
		done[key] = true
		op := d.c.FreeStore
		if d.full {
			op = d.c.FillStore
		}
		detail, err := op(ctx, b)
		errs = append(errs, err)
		if detail != "" {
			details = append(details, detail)
		}
	}
	return strings.Join(details, ", "), errors.Join(errs...)
}

// checkStore refuses a store action whose target has no store the
// profile lets the harness fill: a broker on jdbc keeps its messages in
// the database, and a ZooKeeper server is no message store.
func checkStore(p cluster.Profile, action fault.Action, target fault.Target) error {
	kind := p.StoreKind()
	if kind == "" {
		return fmt.Errorf("%s: profile %s has no store the harness can fill (only shared-kahadb's KahaDB volume and the PostgreSQL data directories of the jdbc and replicated profiles)",
			action, p.Name)
	}
	need, ok := target.Needs()
	if !ok || need == kind {
		return nil
	}
	return fmt.Errorf("%s: target %q is a %s node, but on profile %s the store is the %s nodes' (use %s)",
		action, target, need, p.Name, kind, storeTargets(kind))
}

// storeTargets names the targets that reach nodes of kind.
func storeTargets(kind cluster.Kind) string {
	if kind == cluster.KindBroker {
		return "master, slave, slaves or broker:N: they share one KahaDB volume"
	}
	return "db or db:N"
}
