package nemesis

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/fault"
)

// storeDelay sets the latency of the store proxies on the targets' paths
// to the store: store-delay with the step's latency, store-undelay (and a
// timed delay's undo) with 0. A broker target is that broker's path to
// every database node; a database target is every broker's path to it.
type storeDelay struct {
	c       *cluster.Cluster
	latency time.Duration
}

// route is one broker's store proxy and the database nodes to set on it.
type route struct {
	broker *cluster.Node
	dbs    []string
}

// Apply writes the latency into every affected broker's control files,
// all brokers at once, and returns one cluster.StoreProxyPoll after the
// last write: only then is the latency certain to be in effect in every
// proxy, so the fault's start stamp (inject's, at the return) is not
// earlier than the fault, and no send the proxy still passed straight
// through counts as a recovery.
func (s storeDelay) Apply(ctx context.Context, targets []*cluster.Node) error {
	routes, err := storeRoutes(s.c, targets)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(routes))
	for i, r := range routes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.broker.DelayStore(ctx, r.dbs, s.latency)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(cluster.StoreProxyPoll):
		return nil
	}
}

// storeRoutes resolves the targets into the proxies to set. A broker
// that is down is left out of a database target: it cannot take the
// write, and it has no store path to slow until it starts.
func storeRoutes(c *cluster.Cluster, targets []*cluster.Node) ([]route, error) {
	var out []route
	for _, t := range targets {
		switch t.Kind {
		case cluster.KindBroker:
			out = append(out, route{t, c.StoreNames()})
		case cluster.KindDB:
			for _, b := range c.Brokers {
				if b.Running() {
					out = append(out, route{b, []string{t.Name}})
				}
			}
		default:
			return nil, fmt.Errorf("store-delay: %s is neither a broker nor a database node", t.Name)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("store-delay: no running broker has a path to the target")
	}
	return out, nil
}

// checkStoreDelay refuses the store delay on a profile whose brokers
// have no store proxy to slow: no database (shared KahaDB, LevelDB,
// ZooKeeper alone), or brokers of their own image, whose entry point
// does not start the proxy. The netem delay stays a separate action, so
// no host swaps one mechanism for the other under a scenario.
func checkStoreDelay(p cluster.Profile, action fault.Action) error {
	if spec, _ := fault.Lookup(action); !spec.Latency && !undoesLatency(action) {
		return nil
	}
	if !p.StoreProxyable() {
		return fmt.Errorf("%s: profile %s has no JDBC store path of the node image for the store proxy to slow (only jdbc, jdbc-stock, replicated and replicated-stock have one)", action, p.Name)
	}
	return nil
}

// undoesLatency reports whether action ends a store delay by name.
func undoesLatency(action fault.Action) bool {
	for _, s := range fault.Specs() {
		if s.Latency && s.Undo == action {
			return true
		}
	}
	return false
}

// latencyDetail names a store delay's latency in its event.
func latencyDetail(d time.Duration) string {
	return "latency " + d.String() + fmt.Sprintf(" (stamped %s after the write: the proxy re-reads it that often)", cluster.StoreProxyPoll)
}
