package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
)

// Cluster is one running topology: its brokers, network and store.
type Cluster struct {
	// RunID names the run; every resource's name and labels carry it.
	RunID string
	// Brokers are the cluster's brokers, broker1 first.
	Brokers []*Node
	// ZooKeepers are the ensemble's servers, zk1 first; empty if none.
	ZooKeepers []*Node
	// Databases are the database nodes: one shared database, or one
	// Patroni-managed PostgreSQL per host; empty if none.
	Databases []*Node

	opts    options
	profile Profile
	labels  map[string]string
	network *testcontainers.DockerNetwork
	volume  string
	// stores are the sized store volumes and keeper the container that
	// holds them mounted; both empty without WithSizedStores (disk.go).
	stores []*sizedStore
	keeper *testcontainers.DockerContainer
	roles  *roleTracker
	logs   *logSink

	progressMu sync.Mutex
	termMu     sync.Mutex
	terminated bool
}

type options struct {
	image        string
	profile      string
	brokers      int
	logDir       string
	recorder     *history.Recorder
	javaOpts     string
	startTimeout time.Duration
	progress     func(string)
	runID        string
	storeProxy   bool
	sizedStores  bool
	// storeOnConnection turns KahaDB's concurrentStoreAndDispatchQueues
	// off (kahadbtuning.go).
	storeOnConnection bool
}

// Option configures Run, in the style of testcontainers-go modules.
type Option func(*options)

// WithImage sets the node image reference (amqha.local/node:<hash>).
func WithImage(ref string) Option { return func(o *options) { o.image = ref } }

// WithProfile selects the HA mode; see Profiles.
func WithProfile(name string) Option { return func(o *options) { o.profile = name } }

// WithBrokers sets the number of brokers (default 3).
func WithBrokers(n int) Option { return func(o *options) { o.brokers = n } }

// WithLogDir is where each container's log is written (default: a temp dir).
func WithLogDir(dir string) Option { return func(o *options) { o.logDir = dir } }

// WithRecorder receives the role timeline; without one, roles are tracked
// but not recorded.
func WithRecorder(r *history.Recorder) Option { return func(o *options) { o.recorder = r } }

// WithJavaOpts overrides the brokers' heap flags (default -Xms64m -Xmx256m).
func WithJavaOpts(s string) Option { return func(o *options) { o.javaOpts = s } }

// WithProgress receives one line per bring-up step.
func WithProgress(f func(string)) Option { return func(o *options) { o.progress = f } }

// NewRunID names a run by its start time, plus a random suffix: two
// harnesses started in the same second on one machine would otherwise
// name their containers alike, and the second would fail to create them.
func NewRunID() string {
	var b [2]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on Linux
	return time.Now().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// WithStoreProxy puts the store proxy on every broker's path to its
// database nodes (storeproxy.go), for the scenarios that delay the store;
// without it the brokers' JDBC URLs name the databases directly.
func WithStoreProxy(on bool) Option { return func(o *options) { o.storeProxy = on } }

// WithRunID names the run (default: NewRunID).
func WithRunID(id string) Option { return func(o *options) { o.runID = id } }

// Run starts a cluster. It returns the cluster even on error, so that the
// caller can register Terminate before looking at the error.
func Run(ctx context.Context, opts ...Option) (*Cluster, error) {
	o := options{profile: "shared-kahadb", brokers: 3, javaOpts: "-Xms64m -Xmx256m",
		startTimeout: 120 * time.Second, progress: func(string) {}, runID: NewRunID()}
	for _, opt := range opts {
		opt(&o)
	}
	c := &Cluster{RunID: o.runID, opts: o, labels: ownLabels(o.runID)}
	var err error
	if c.profile, err = LookupProfile(o.profile); err != nil {
		return c, err
	}
	if o.image == "" {
		return c, errors.New("cluster: no image given (WithImage)")
	}
	if c.opts.logDir == "" {
		if c.opts.logDir, err = os.MkdirTemp("", "amqha-logs-"); err != nil {
			return c, err
		}
	}
	if o.storeOnConnection && !c.profile.sharedStore {
		return c, fmt.Errorf("cluster: WithStoreOnConnectionThreads tunes KahaDB, and profile %s has no KahaDB store", o.profile)
	}
	if err := CheckImage(ctx, o.image); err != nil {
		return c, err
	}
	if err := c.profile.CheckImage(ctx); err != nil {
		return c, err
	}
	if err := Sweep(ctx); err != nil {
		o.progress(fmt.Sprintf("sweeping leftovers of earlier runs: %v", err))
	}
	c.roles = newRoleTracker(o.recorder)
	c.logs = newLogSink(c.opts.logDir)
	if err := c.start(ctx); err != nil {
		return c, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context) error {
	start := time.Now()
	nw, err := tcnetwork.New(ctx, tcnetwork.WithLabels(c.labels))
	if err != nil {
		return fmt.Errorf("create network: %w", err)
	}
	c.network = nw
	if c.opts.sizedStores {
		c.say("creating sized store volumes and their keeper")
		if err := c.createSizedStores(ctx); err != nil {
			return err
		}
	} else if c.profile.sharedStore {
		cli, err := Docker(ctx)
		if err != nil {
			return err
		}
		v, err := cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "amqha-" + c.RunID + "-store", Labels: c.labels})
		if err != nil {
			return fmt.Errorf("create store volume: %w", err)
		}
		c.volume = v.Volume.Name
	}
	if c.profile.services != nil {
		if err := c.profile.services(ctx, c); err != nil {
			return err
		}
	}
	if !c.profile.noBrokers {
		if err := c.startBrokers(ctx); err != nil {
			return err
		}
	}
	c.say(fmt.Sprintf("cluster ready in %s", time.Since(start).Round(100*time.Millisecond)))
	return nil
}

func (c *Cluster) startBrokers(ctx context.Context) error {
	// broker1 starts alone so that it, not a race, becomes the first master.
	c.say(fmt.Sprintf("starting %s brokers: broker1", c.profile.Name))
	b, err := c.runBroker(ctx, 1)
	c.Brokers = append(c.Brokers, b)
	if err != nil {
		return c.startError(b, err)
	}
	c.say(fmt.Sprintf("starting %d slaves", c.opts.brokers-1))
	rest, err := c.startParallel(c.opts.brokers-1, func(i int) (*Node, error) { return c.runBroker(ctx, i+2) })
	c.Brokers = append(c.Brokers, rest...)
	return err
}

// startParallel starts n nodes at once; every started node is returned,
// also on error, so that Terminate can remove it.
func (c *Cluster) startParallel(n int, run func(i int) (*Node, error)) ([]*Node, error) {
	nodes := make([]*Node, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nodes[i], errs[i] = run(i)
		}()
	}
	wg.Wait()
	var out []*Node
	var all []error
	for i, n := range nodes {
		if n != nil {
			out = append(out, n)
		}
		if errs[i] != nil {
			all = append(all, c.startError(n, errs[i]))
		}
	}
	return out, errors.Join(all...)
}

func (c *Cluster) startError(n *Node, err error) error {
	if n != nil && n.container != nil {
		if tail := n.logTail(15); tail != "" {
			return fmt.Errorf("%w\nlast lines of %s:\n%s", err, n.Name, tail)
		}
	}
	return err
}

// Nodes lists every node: ZooKeeper servers, databases, then brokers.
func (c *Cluster) Nodes() []*Node {
	var out []*Node
	out = append(out, c.ZooKeepers...)
	out = append(out, c.Databases...)
	return append(out, c.Brokers...)
}

// Profile is the cluster's HA mode.
func (c *Cluster) Profile() Profile { return c.profile }

// Terminate removes every container, the network and the store volume. It
// is safe on a partly started cluster and on a nil one.
func (c *Cluster) Terminate(ctx context.Context) error {
	if c == nil {
		return nil
	}
	c.termMu.Lock()
	defer c.termMu.Unlock()
	if c.terminated {
		return nil
	}
	c.terminated = true
	if c.roles != nil {
		c.roles.stop()
	}
	nodes := c.Nodes()
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		if n == nil || n.container == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if state, _ := n.snapshot(); state == history.Paused {
				_ = n.Resume(ctx) // a frozen container cannot be stopped cleanly
			}
			n.unfollowLogs(200 * time.Millisecond)
			errs[i] = wrap(n.container.Terminate(ctx, testcontainers.StopTimeout(5*time.Second)), "terminate %s", n.Name)
		}()
	}
	wg.Wait()
	if c.keeper != nil {
		// Only now, with every store user gone: the keeper holds the stores.
		errs = append(errs, wrap(c.keeper.Terminate(ctx, testcontainers.StopTimeout(time.Second)), "terminate the store keeper"))
	}
	if c.logs != nil {
		c.logs.close()
	}
	if c.network != nil {
		errs = append(errs, wrap(c.network.Remove(ctx), "remove network"))
	}
	for _, v := range c.volumes() {
		if cli, err := Docker(ctx); err == nil {
			_, err := cli.VolumeRemove(ctx, v, client.VolumeRemoveOptions{Force: true})
			errs = append(errs, wrap(err, "remove volume %s", v))
		}
	}
	return errors.Join(errs...)
}

// volumes lists the volumes the cluster made: the shared store, or every
// sized store.
func (c *Cluster) volumes() []string {
	var out []string
	for _, s := range c.stores {
		out = append(out, s.volume)
	}
	if c.volume != "" && !slices.Contains(out, c.volume) {
		out = append(out, c.volume)
	}
	return out
}

// Image is the node image the cluster runs.
func (c *Cluster) Image() string { return c.opts.image }

// Host lists the containers of node N of the topology (node:N).
func (c *Cluster) Host(i int) []*Node {
	var out []*Node
	for _, n := range c.Nodes() {
		if n.Host == i {
			out = append(out, n)
		}
	}
	return out
}

// Leader waits up to timeout for exactly one ZooKeeper server to lead.
func (c *Cluster) Leader(ctx context.Context, timeout time.Duration) (*Node, error) {
	return c.waitRole(ctx, c.ZooKeepers, history.Leader, timeout)
}
