package cluster

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
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
)

// STOMPPort is the broker's STOMP port inside its container.
const STOMPPort = "61613/tcp"

// Broker is one ActiveMQ broker container.
type Broker struct {
	// Name is the broker's name, also its brokerName and network alias.
	Name string
	// Index is the 1-based node number that scenario targets use (node:N).
	Index int

	container *testcontainers.DockerContainer
	cluster   *Cluster

	mu          sync.Mutex
	state       history.Role // Down, Paused or Starting (= running)
	slaveLogged bool
	endpoint    string
	stopLogs    context.CancelFunc
	logDone     chan struct{}
}

// runBroker starts one broker and returns it with its error, so the caller
// can register cleanup for a container that started but never got ready.
func (c *Cluster) runBroker(ctx context.Context, idx int) (*Broker, error) {
	name := fmt.Sprintf("broker%d", idx)
	b := &Broker{Name: name, Index: idx, cluster: c, state: history.Starting}
	xml, err := c.profile.broker(c.profile, name)
	if err != nil {
		return b, err
	}
	mounts := []mount.Mount{}
	if c.profile.sharedStore {
		mounts = append(mounts, mount.Mount{Type: mount.TypeVolume, Source: c.volume, Target: storeDir})
	}
	ctr, err := testcontainers.Run(ctx, c.opts.image,
		testcontainers.WithName(fmt.Sprintf("amqha-%s-%s", c.RunID, name)),
		testcontainers.WithLabels(c.labels),
		testcontainers.WithEntrypoint("/bin/sh", "/srv/amq/run.sh"),
		testcontainers.WithEnv(map[string]string{"JAVA_OPTS": c.opts.javaOpts}),
		testcontainers.WithExposedPorts(STOMPPort),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.PortBindings = network.PortMap{network.MustParsePort(STOMPPort): {{HostIP: netip.MustParseAddr(loopback)}}}
			hc.Mounts = append(hc.Mounts, mounts...)
			hc.CapAdd = append(hc.CapAdd, "NET_ADMIN") // iptables partitions; never --privileged
		}),
		tcnetwork.WithNetwork([]string{name}, c.network),
		testcontainers.WithFiles(
			file("/srv/amq/run.sh", confFile("broker-run.sh"), 0o755),
			file("/srv/amq/conf/log4j.properties", confFile("log4j.properties"), 0o644),
			file("/srv/amq/conf/activemq.xml", xml, 0o644),
		),
		// A slave never opens its ports, so readiness is either log line.
		testcontainers.WithWaitStrategy(wait.ForLog(`Apache ActiveMQ .* started|`+c.profile.SlaveLog.String()).
			AsRegexp().WithStartupTimeout(c.opts.startTimeout)),
	)
	b.container = ctr
	if err != nil {
		return b, fmt.Errorf("start %s: %w", name, err)
	}
	if err := b.afterStart(ctx, time.Time{}); err != nil {
		return b, err
	}
	return b, nil
}

const loopback = "127.0.0.1"

func file(path string, data []byte, mode int64) testcontainers.ContainerFile {
	return testcontainers.ContainerFile{Reader: bytes.NewReader(data), ContainerFilePath: path, FileMode: mode}
}

// afterStart re-resolves the host port, which changes on every start, and
// follows the container's log from since.
func (b *Broker) afterStart(ctx context.Context, since time.Time) error {
	port, err := b.container.MappedPort(ctx, STOMPPort)
	if err != nil {
		return fmt.Errorf("%s: resolve STOMP port: %w", b.Name, err)
	}
	b.mu.Lock()
	b.endpoint = fmt.Sprintf("%s:%d", loopback, port.Num())
	b.state = history.Starting
	b.slaveLogged = false
	b.mu.Unlock()
	return b.followLogs(since)
}

// Endpoint is the broker's STOMP address on the host.
func (b *Broker) Endpoint() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.endpoint
}

// ContainerID is the Docker id of the broker's container.
func (b *Broker) ContainerID() string { return b.container.GetContainerID() }

func (b *Broker) setState(r history.Role) {
	b.mu.Lock()
	b.state = r
	b.mu.Unlock()
}

func (b *Broker) snapshot() (state history.Role, slaveLogged bool, endpoint string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state, b.slaveLogged, b.endpoint
}

// followLogs appends the container's output to its log file and watches
// for the slave line, which the role probe needs to tell a waiting slave
// from a broker still starting.
func (b *Broker) followLogs(since time.Time) error {
	cli, err := Docker(context.Background())
	if err != nil {
		return err
	}
	opts := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true}
	if !since.IsZero() {
		opts.Since = fmt.Sprintf("%d.%09d", since.Unix(), since.Nanosecond())
	}
	ctx, cancel := context.WithCancel(context.Background())
	rc, err := cli.ContainerLogs(ctx, b.ContainerID(), opts)
	if err != nil {
		cancel()
		return fmt.Errorf("%s: follow logs: %w", b.Name, err)
	}
	out, err := os.OpenFile(b.cluster.logPath(b.Name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		cancel()
		rc.Close()
		return fmt.Errorf("%s: open log file: %w", b.Name, err)
	}
	done := make(chan struct{})
	b.mu.Lock()
	b.stopLogs, b.logDone = cancel, done
	b.mu.Unlock()
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, rc)
		pw.CloseWithError(err)
		rc.Close()
	}()
	go func() {
		defer close(done)
		defer out.Close()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(out, line)
			if b.cluster.profile.SlaveLog.MatchString(line) {
				b.mu.Lock()
				b.slaveLogged = true
				b.mu.Unlock()
			}
		}
		pr.Close()
	}()
	return nil
}

// unfollowLogs stops the follower and waits for the log file to be written.
// A killed container's stream ends by itself; a running one's is cut after
// a short grace for lines still in transit.
func (b *Broker) unfollowLogs() { b.unfollowLogsWithin(2 * time.Second) }

func (b *Broker) unfollowLogsWithin(grace time.Duration) {
	b.mu.Lock()
	stop, done := b.stopLogs, b.logDone
	b.stopLogs, b.logDone = nil, nil
	b.mu.Unlock()
	if stop == nil {
		return
	}
	select {
	case <-done: // the container exited and the stream ended on its own
	case <-time.After(grace):
		stop()
		<-done
	}
}

// logTail returns the last lines of the broker's log, for error messages.
func (b *Broker) logTail(n int) string {
	data, err := os.ReadFile(b.cluster.logPath(b.Name))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
