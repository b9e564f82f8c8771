package cluster

import (
	"archive/tar"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// The heartbeat is a file in one of the owner's containers whose mtime is
// the engine-clock time of the last beat. It lives in Docker, so a sweeper
// in another PID namespace (or on another machine using the same engine)
// reads it just as the owner wrote it. It goes through the engine's
// archive API, which writes and stats a container's filesystem whether
// the container runs, is paused or is stopped: kill and pause faults do
// not stop the beat, and no agent, shell or python3 is needed inside.
const (
	heartbeatDir  = "/"
	heartbeatName = ".amqha-heartbeat"
	heartbeatPath = heartbeatDir + heartbeatName
)

var heartbeatOnce sync.Once

// startHeartbeat starts this process's heartbeat the first time it labels
// a resource; the beat runs until the process exits, as the owner label
// it vouches for does not outlive the process either.
func startHeartbeat() {
	heartbeatOnce.Do(func() { go heartbeatLoop() })
}

func heartbeatLoop() {
	var clock engineClock
	t := time.NewTicker(HeartbeatEvery)
	defer t.Stop()
	for range t.C {
		ctx, cancel := context.WithTimeout(context.Background(), HeartbeatEvery)
		// A missed beat is not worth reporting: the sweeper tolerates five,
		// and the next tick tries again.
		_ = beat(ctx, &clock)
		cancel()
	}
}

// beat stamps the heartbeat into the oldest of this process's containers
// that takes it; one is enough, since the sweeper reads all of them.
func beat(ctx context.Context, clock *engineClock) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	_, owner := self()
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true,
		Filters: make(client.Filters).Add("label", LabelOwner+"="+owner)})
	if err != nil {
		return fmt.Errorf("heartbeat: list containers: %w", err)
	}
	if len(cs.Items) == 0 {
		return nil
	}
	slices.SortFunc(cs.Items, func(a, b container.Summary) int { return cmp.Compare(a.Created, b.Created) })
	body, err := heartbeatTar(owner, clock.now(ctx, cli))
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range cs.Items {
		_, err := cli.CopyToContainer(ctx, c.ID, client.CopyToContainerOptions{
			DestinationPath: heartbeatDir, Content: bytes.NewReader(body)})
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("heartbeat into %s: %w", c.ID[:12], err))
	}
	return errors.Join(errs...)
}

// heartbeatTar is a one-file tar archive whose mtime is at: what the
// sweeper reads back with a stat, without copying anything out.
func heartbeatTar(owner string, at time.Time) ([]byte, error) {
	content := []byte(owner + " " + at.UTC().Format(time.RFC3339Nano) + "\n")
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: heartbeatName, Mode: 0o644, Size: int64(len(content)),
		ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return nil, fmt.Errorf("heartbeat archive: %w", err)
	}
	if _, err := tw.Write(content); err != nil {
		return nil, fmt.Errorf("heartbeat archive: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("heartbeat archive: %w", err)
	}
	return buf.Bytes(), nil
}

// readHeartbeat returns the newest heartbeat among ids, zero if none has
// one. A container removed meanwhile, or one never stamped, is skipped;
// any other failure is returned, since it leaves the answer open.
func readHeartbeat(ctx context.Context, cli *testcontainers.DockerClient, ids []string) (time.Time, error) {
	var newest time.Time
	for _, id := range ids {
		st, err := cli.ContainerStatPath(ctx, id, client.ContainerStatPathOptions{Path: heartbeatPath})
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return time.Time{}, fmt.Errorf("stat %s in %s: %w", heartbeatPath, id[:12], err)
		}
		if st.Stat.Mtime.After(newest) {
			newest = st.Stat.Mtime
		}
	}
	return newest, nil
}

// isNotFound matches the engine's 404: a container removed meanwhile, or
// a path that is not there. The client marks it for errors.Is only.
func isNotFound(err error) bool {
	return cerrdefs.IsNotFound(err)
}

// engineClock converts this machine's clock to the engine's. Heartbeats
// and the sweeper's "now" are both on the engine's clock, so harness
// machines whose clocks disagree still agree on a heartbeat's age.
type engineClock struct {
	offset time.Duration
	at     time.Time
}

// calibrateEvery bounds how long a clock step on this machine can skew
// the heartbeat.
const calibrateEvery = time.Minute

func (c *engineClock) now(ctx context.Context, cli *testcontainers.DockerClient) time.Time {
	if c.at.IsZero() || time.Since(c.at) > calibrateEvery {
		if off, err := engineOffset(ctx, cli); err == nil {
			c.offset, c.at = off, time.Now()
		}
	}
	return time.Now().Add(c.offset)
}

// engineOffset is the engine's clock minus this machine's, measured at the
// middle of one /info round trip.
func engineOffset(ctx context.Context, cli *testcontainers.DockerClient) (time.Duration, error) {
	before := time.Now()
	// The embedded client: testcontainers' own Info caches its first answer,
	// and with it the time.
	info, err := cli.Client.Info(ctx, client.InfoOptions{})
	if err != nil {
		return 0, fmt.Errorf("engine time: %w", err)
	}
	after := time.Now()
	t, err := time.Parse(time.RFC3339Nano, info.Info.SystemTime)
	if err != nil {
		return 0, fmt.Errorf("engine time %q: %w", info.Info.SystemTime, err)
	}
	return t.Sub(before.Add(after.Sub(before) / 2)), nil
}
