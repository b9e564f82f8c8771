// Package cluster starts amqha's topologies as real containers with the
// testcontainers-go core, tracks each broker's role, and removes every
// container, network and volume it made, whatever way the run ends.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"syscall"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
)

func init() {
	// Ryuk's image cannot be pulled here, and testcontainers reads this once,
	// on its first call: so amqha does its own reaping (Sweep, RemoveOwn).
	os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	// amqha prints its own progress; testcontainers' per-call lines would drown it.
	tclog.SetDefault(tclog.NewNoopLogger())
}

// Labels every resource amqha creates carries, so a later run can sweep
// what a crashed one left behind.
const (
	LabelApp = "amqha"
	LabelRun = "amqha.run"
	LabelPID = "amqha.pid"
)

var (
	dockerOnce sync.Once
	dockerCli  *testcontainers.DockerClient
	dockerErr  error
)

// Docker returns the process's shared Docker client, or an error that says
// the engine is unreachable.
func Docker(ctx context.Context) (*testcontainers.DockerClient, error) {
	dockerOnce.Do(func() {
		dockerCli, dockerErr = testcontainers.NewDockerClientWithOpts(ctx)
		if dockerErr != nil {
			dockerErr = fmt.Errorf("docker engine unreachable: %w", dockerErr)
		}
	})
	return dockerCli, dockerErr
}

// ErrImageMissing reports that the node image has not been built.
var ErrImageMissing = errors.New("image not built")

// CheckImage fails with ErrImageMissing and the command that builds it.
func CheckImage(ctx context.Context, ref string) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	if _, err := cli.ImageInspect(ctx, ref); err != nil {
		return fmt.Errorf("%w: %s is not in the local engine; build it with `make images` (docker/build.sh): %v", ErrImageMissing, ref, err)
	}
	return nil
}

func ownLabels(runID string) map[string]string {
	return map[string]string{LabelApp: "true", LabelRun: runID, LabelPID: strconv.Itoa(os.Getpid())}
}

// RemoveOwn removes every resource made by this process: the path taken
// on Ctrl-C, when deferred cleanups may never run.
func RemoveOwn(ctx context.Context) error {
	return remove(ctx, func(labels map[string]string) bool {
		return labels[LabelPID] == strconv.Itoa(os.Getpid())
	})
}

// Sweep removes resources left by amqha processes that no longer exist.
func Sweep(ctx context.Context) error {
	return remove(ctx, func(labels map[string]string) bool {
		pid, err := strconv.Atoi(labels[LabelPID])
		return err != nil || !alive(pid)
	})
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func remove(ctx context.Context, match func(map[string]string) bool) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	f := make(client.Filters).Add("label", LabelApp+"=true")
	var errs []error
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	errs = append(errs, err)
	for _, c := range cs.Items {
		if match(c.Labels) {
			_, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			errs = append(errs, wrap(err, "remove container %s", c.ID[:12]))
		}
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	errs = append(errs, err)
	for _, n := range ns.Items {
		if match(n.Labels) {
			_, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
			errs = append(errs, wrap(err, "remove network %s", n.Name))
		}
	}
	vs, err := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	errs = append(errs, err)
	for _, v := range vs.Items {
		if match(v.Labels) {
			_, err := cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
			errs = append(errs, wrap(err, "remove volume %s", v.Name))
		}
	}
	return errors.Join(errs...)
}

func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// CheckImage fails with ErrImageMissing and the build command when the
// profile needs a broker image of its own that is not built; it never
// falls back to another image.
func (p Profile) CheckImage(ctx context.Context) error {
	if p.BrokerImage == "" {
		return nil
	}
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	if _, err := cli.ImageInspect(ctx, p.BrokerImage); err != nil {
		return fmt.Errorf("%w: profile %s needs %s, built from your own ActiveMQ 5.9-5.16 distribution: %s",
			ErrImageMissing, p.Name, p.BrokerImage, LevelDBBuild)
	}
	return nil
}
