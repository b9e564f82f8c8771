package cluster

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"
)

// The store proxy (conf/storeproxy.py) relays a broker's JDBC connections
// to its database nodes from inside the broker's container, so that a
// scenario can slow the store in userspace on a kernel without netem. A
// cluster gets it only WithStoreProxy: every other scenario keeps the
// brokers' direct path to the database, and its timing. The proxy listens
// on 127.0.0.1, one port per database node; it connects from the broker's
// own network namespace, so a partition of the broker still cuts it off.
const (
	storeProxyPath = "/srv/amqha/storeproxy.py"
	// StoreDelayDir holds one file per database node, named after it,
	// with the latency in whole milliseconds that the proxy adds to the
	// broker's round trips to that node (conf/broker-run.sh passes the
	// same path to the proxy).
	StoreDelayDir = "/srv/amq/tmp/store-delay"
	// StoreProxyPoll is how often the proxy re-reads its control files:
	// a new latency is certain to be in effect this long after its write.
	StoreProxyPoll = 100 * time.Millisecond
	// storeProxyBase is the listening port of database node 1.
	storeProxyBase = 15432
	pgDirect       = 5432
)

// storeAddr is the host:port a broker's JDBC URL names for database node
// name (the index-th): its proxy port on 127.0.0.1 when the cluster has
// the store proxy, the node itself otherwise (and for a nil cluster, as
// the lease tests render one).
func (c *Cluster) storeAddr(name string, index int) string {
	if c != nil && c.opts.storeProxy {
		return loopback + ":" + strconv.Itoa(storeProxyBase+index-1)
	}
	return name + ":" + strconv.Itoa(pgDirect)
}

// storeRoutes is the proxy's argument list, name=port=host:5432 per
// database node.
func (c *Cluster) storeRoutes() string {
	routes := make([]string, len(c.Databases))
	for i, d := range c.Databases {
		routes[i] = fmt.Sprintf("%s=%d=%s:%d", d.Name, storeProxyBase+d.Index-1, d.Name, pgDirect)
	}
	return strings.Join(routes, " ")
}

// withStoreProxy adds the proxy's script and routes to a broker's spec;
// the broker's entry point starts it when the routes are set.
func (c *Cluster) withStoreProxy(env map[string]string, files []testcontainers.ContainerFile) []testcontainers.ContainerFile {
	if !c.opts.storeProxy {
		return files
	}
	env["AMQHA_STORE_PROXY"] = c.storeRoutes()
	return append(files, file(storeProxyPath, confFile("storeproxy.py"), 0o644))
}

// storeDelay is what the harness last wrote into a broker's control
// files, per database node, so a restore ends only what is in effect.
type storeDelay struct {
	mu      sync.Mutex
	latency map[string]time.Duration
}

func (s *storeDelay) set(dbs []string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.latency == nil {
		s.latency = map[string]time.Duration{}
	}
	for _, db := range dbs {
		s.latency[db] = d
	}
}

// any reports whether some route is delayed.
func (s *storeDelay) any() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.latency {
		if d > 0 {
			return true
		}
	}
	return false
}

// DelayStore sets the latency the broker's store proxy adds to its round
// trips to each of the database nodes dbs; 0 passes them straight
// through. Each file is replaced by a rename, so the proxy never reads
// half of one.
func (n *Node) DelayStore(ctx context.Context, dbs []string, latency time.Duration) error {
	if n.Kind != KindBroker || !n.cluster.opts.storeProxy {
		return fmt.Errorf("%s: no store proxy on its path to the store (the cluster was started without one)", n.Name)
	}
	if latency < 0 || latency%time.Millisecond != 0 {
		return fmt.Errorf("%s: store latency %s is not whole non-negative milliseconds", n.Name, latency)
	}
	ms := strconv.FormatInt(latency.Milliseconds(), 10)
	cmd := append([]string{"sh", "-c", `d=$1 ms=$2; shift 2; mkdir -p "$d" && for r; do printf '%s' "$ms" > "$d/$r.new" && mv "$d/$r.new" "$d/$r" || exit 1; done`,
		"store-delay", StoreDelayDir, ms}, dbs...)
	if _, err := n.Exec(ctx, cmd...); err != nil {
		return err
	}
	n.store.set(dbs, latency)
	return nil
}

// StoreNames is the names of the database nodes, the routes of every
// broker's store proxy.
func (c *Cluster) StoreNames() []string {
	out := make([]string, len(c.Databases))
	for i, d := range c.Databases {
		out[i] = d.Name
	}
	return out
}

// UndelayStores sets every running broker's store proxy back to
// pass-through, so no store delay outlives its scenario. The latency
// outlives a broker's restart (its control files stay), so a broker that
// was down is undelayed once started.
func (c *Cluster) UndelayStores(ctx context.Context) error {
	if !c.opts.storeProxy {
		return nil
	}
	var errs []error
	for _, b := range c.Brokers {
		if b.store.any() && b.Running() {
			errs = append(errs, b.DelayStore(ctx, c.StoreNames(), 0))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("end store delays: %w", err)
	}
	return nil
}
