package cluster

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcnetwork "github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/amqha/amqha/harness/fault"
)

// Kind is what a node runs, in the fault vocabulary's terms.
type Kind = fault.NodeKind

// Node kinds.
const (
	KindBroker = fault.Broker
	KindZK     = fault.ZooKeeper
	KindDB     = fault.Database
)

// Node is one container of a topology: a broker, a ZooKeeper server or a
// database.
type Node struct {
	// Name is the container's network alias: broker1, zk2, db, pg3.
	Name string
	// Kind is what the node runs.
	Kind Kind
	// Index is the 1-based number within its kind, as in broker:N or zk:N.
	Index int
	// Host groups the containers of one machine of the topology (node:N);
	// zero for nodes outside any group, such as a shared database.
	Host int

	container *testcontainers.DockerContainer
	cluster   *Cluster
	spec      nodeSpec

	mu        sync.Mutex
	state     history.Role // Down, Paused, or "" while running
	waitSeen  bool         // the spec's waiting line was logged since the last start
	endpoints map[string]string
	stopLogs  context.CancelFunc
	logDone   chan struct{}
	mlog      masterLog   // the broker's master window as its log tells it
	quota     bool        // a CPU quota may be in place (see Starve)
	clock     clock       // the broker's wall clock offset (clock.go)
	store     storeDelay  // its store proxy's latencies (storeproxy.go)
	iowait    ioWait      // when its IO exception handler last waited (iohandler.go)
	limit     storeLimit  // whether it cut its store limit on a full disk (storelimit.go)
	dumps     threadDumps // its JVM's thread dumps and the deadlocks they found (threaddump.go)
	leaseDiff leaseDiff   // the correction its lease locker applies to its clock (leasediff.go)
}

// nodeSpec is how to start one node's container.
type nodeSpec struct {
	image       string // default: the cluster's node image
	name, entry string
	kind        Kind
	index, host int
	env         map[string]string
	files       []testcontainers.ContainerFile
	ports       []string
	mounts      []mount.Mount
	ready       string         // regexp of the log line(s) that mean started
	waiting     *regexp.Regexp // log line of a node that runs but waits (a slave)
	probe       func(context.Context, *Node) history.Role
}

const loopback = "127.0.0.1"

// runNode starts one container and returns the node with its error, so the
// caller can register cleanup for a container that never got ready.
func (c *Cluster) runNode(ctx context.Context, s nodeSpec) (*Node, error) {
	s = withAgent(s)
	n := &Node{Name: s.name, Kind: s.kind, Index: s.index, Host: s.host, cluster: c, spec: s}
	image := c.opts.image
	if s.image != "" {
		image = s.image
	}
	ctr, err := testcontainers.Run(ctx, image,
		testcontainers.WithName(fmt.Sprintf("amqha-%s-%s", c.RunID, s.name)),
		testcontainers.WithLabels(c.labels),
		testcontainers.WithEntrypoint("/bin/sh", "-c", agentLaunch, s.entry),
		testcontainers.WithEnv(s.env),
		testcontainers.WithExposedPorts(s.ports...),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.PortBindings = network.PortMap{}
			for _, p := range s.ports {
				hc.PortBindings[network.MustParsePort(p)] = []network.PortBinding{{HostIP: netip.MustParseAddr(loopback)}}
			}
			hc.Mounts = append(hc.Mounts, s.mounts...)
			hc.CapAdd = append(hc.CapAdd, "NET_ADMIN") // iptables partitions; never --privileged
		}),
		tcnetwork.WithNetwork([]string{s.name}, c.network),
		testcontainers.WithFiles(s.files...),
		testcontainers.WithWaitStrategy(wait.ForLog(s.ready).AsRegexp().WithStartupTimeout(c.opts.startTimeout)),
	)
	n.container = ctr
	if err != nil {
		return n, fmt.Errorf("start %s: %w", s.name, err)
	}
	if err := n.afterStart(ctx, time.Time{}); err != nil {
		return n, err
	}
	c.roles.track(n)
	if n.Kind == KindBroker {
		c.logs.afterMove(n.carryMasterLog)
	}
	return n, nil
}

// agentLaunch starts the fault agent beside the node's own entry script
// ($0), which then replaces the shell, so signals reach the service as
// before. Without python3 (a user-built broker image) the agent is
// missing and faults fall back to docker exec.
const agentLaunch = `command -v python3 >/dev/null && python3 ` + agentPath + ` >/dev/null 2>&1 & exec /bin/sh "$0"`

// withAgent adds the fault agent's script and port to a node's spec.
func withAgent(s nodeSpec) nodeSpec {
	s.ports = append(slices.Clone(s.ports), AgentPort)
	s.files = append(slices.Clone(s.files), file(agentPath, confFile("agent.py"), 0o644))
	return s
}

func file(path string, data []byte, mode int64) testcontainers.ContainerFile {
	return testcontainers.ContainerFile{Reader: bytes.NewReader(data), ContainerFilePath: path, FileMode: mode}
}

// afterStart re-resolves the host ports, which change on every start, and
// follows the container's log from since.
func (n *Node) afterStart(ctx context.Context, since time.Time) error {
	eps := map[string]string{}
	for _, p := range n.spec.ports {
		port, err := n.container.MappedPort(ctx, p)
		if err != nil {
			return fmt.Errorf("%s: resolve port %s: %w", n.Name, p, err)
		}
		eps[p] = fmt.Sprintf("%s:%d", loopback, port.Num())
	}
	n.mu.Lock()
	n.endpoints, n.state, n.waitSeen = eps, "", false
	n.mu.Unlock()
	n.mlog.reset()
	n.limit.reset()     // a new JVM measures its disk afresh
	n.leaseDiff.reset() // and its clock against the database's
	n.dumps.reset()     // and has no deadlocked threads yet
	return n.followLogs(since)
}

// Endpoint is the host address of the node's container port (e.g. "61613/tcp").
func (n *Node) Endpoint(port string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.endpoints[port]
}

// ContainerID is the Docker id of the node's container.
func (n *Node) ContainerID() string { return n.container.GetContainerID() }

func (n *Node) setState(r history.Role) {
	n.mu.Lock()
	n.state = r
	n.mu.Unlock()
}

func (n *Node) snapshot() (state history.Role, waitSeen bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.state, n.waitSeen
}

// Running reports whether the container is up and not frozen.
func (n *Node) Running() bool {
	s, _ := n.snapshot()
	return s == ""
}

// followLogs appends the container's output to its log file, watches
// for the spec's waiting line, which tells a slave from a node still
// starting, and records a broker's master transitions (masterlog.go).
// Docker stamps each line as it leaves the container, so a follower that
// lags still knows when a line was written; the file gets the line as
// the container wrote it.
func (n *Node) followLogs(since time.Time) error {
	cli, err := Docker(context.Background())
	if err != nil {
		return err
	}
	opts := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true, Timestamps: true}
	if !since.IsZero() {
		opts.Since = fmt.Sprintf("%d.%09d", since.Unix(), since.Nanosecond())
	}
	ctx, cancel := context.WithCancel(context.Background())
	rc, err := cli.ContainerLogs(ctx, n.ContainerID(), opts)
	if err != nil {
		cancel()
		return fmt.Errorf("%s: follow logs: %w", n.Name, err)
	}
	done := make(chan struct{})
	n.mu.Lock()
	n.stopLogs, n.logDone = cancel, done
	n.mu.Unlock()
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, rc)
		pw.CloseWithError(err)
		rc.Close()
	}()
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			stamp, line := splitStamp(sc.Text())
			n.cluster.logs.write(n.Name, line)
			n.masterLogLine(stamp, line)
			n.iowait.note(line)
			n.dumps.note(line)
			n.limit.note(line)
			n.leaseDiff.note(line)
			if n.spec.waiting != nil && n.spec.waiting.MatchString(line) {
				n.mu.Lock()
				n.waitSeen = true
				n.mu.Unlock()
			}
		}
		pr.Close()
	}()
	return nil
}

// unfollowLogs stops the follower and waits for the log file to be written.
// A killed container's stream ends by itself; a running one's is cut after
// a short grace for lines still in transit.
func (n *Node) unfollowLogs(grace time.Duration) { n.releaseLogs()(grace) }

// releaseLogs detaches the current follower at once and returns the wait
// for its last lines: a kill returns (and is stamped) when the signal is
// sent, not seconds later when the stream has drained, while a Start right
// after can already follow the new stream.
func (n *Node) releaseLogs() func(grace time.Duration) {
	n.mu.Lock()
	stop, done := n.stopLogs, n.logDone
	n.stopLogs, n.logDone = nil, nil
	n.mu.Unlock()
	return func(grace time.Duration) { waitLogs(stop, done, grace) }
}

func waitLogs(stop context.CancelFunc, done chan struct{}, grace time.Duration) {
	if stop == nil {
		return
	}
	select {
	case <-done:
	case <-time.After(grace):
		stop()
		<-done
	}
}

// logTail returns the last lines of the node's log, for error messages.
func (n *Node) logTail(lines int) string {
	data, err := os.ReadFile(n.cluster.logs.path(n.Name))
	if err != nil {
		return ""
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
