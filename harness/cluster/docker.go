// Package cluster starts amqha's topologies as real containers with the
// testcontainers-go core, tracks each broker's role, and removes every
// container, network and volume it made, whatever way the run ends.
package cluster

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"
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

// ownLabels are the labels of every resource this process creates. The
// first call starts the heartbeat that keeps them from being swept by a
// process that cannot see this one's PID.
func ownLabels(runID string) map[string]string {
	startHeartbeat()
	l := ownerLabels()
	l[LabelApp], l[LabelRun] = "true", runID
	return l
}

// RemoveOwn removes every resource made by this process: the path taken
// on Ctrl-C, when deferred cleanups may never run. It matches the owner
// token, never the PID, which a process in another PID namespace may share.
func RemoveOwn(ctx context.Context) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	inv, err := listOwned(ctx, cli)
	_, id := self()
	return errors.Join(err, inv.remove(ctx, cli, func(labels map[string]string) bool {
		return labels[LabelOwner] == id
	}))
}

// Sweep removes resources left by amqha processes that no longer run,
// deciding per owner as decideLive says.
func Sweep(ctx context.Context) error {
	return SweepWith(ctx, SweepOptions{})
}

// SweepOptions make a sweep say what it decides, or only say it.
type SweepOptions struct {
	// Say receives one line per owner: kept or removed, and why; nil is quiet.
	Say func(string)
	// DryRun decides and says, and removes nothing.
	DryRun bool
}

// SweepWith is Sweep with options.
func SweepWith(ctx context.Context, o SweepOptions) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	inv, err := listOwned(ctx, cli)
	if err != nil {
		// An owner whose containers could not be listed would look like
		// one without a heartbeat: decide nothing on half a picture.
		return err
	}
	now, clockErr := engineNow(ctx, cli)
	if clockErr != nil {
		// Only heartbeats and ages from another namespace need the
		// engine's clock; this machine's is the best guess left.
		now = time.Now()
	}
	proc, id := self()
	views := inv.owners()
	live := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(views)) {
		v := views[key]
		ok, why := decideLive(v.ownerView, livenessInput{Self: proc, SelfID: id, Now: now, ProcLive: procLive,
			Heartbeat: func() (time.Time, error) { return readHeartbeat(ctx, cli, v.containers) }})
		live[key] = ok
		if o.Say != nil {
			verb := "removing"
			switch {
			case ok:
				verb = "keeping"
			case o.DryRun:
				verb = "would remove"
			}
			o.Say(fmt.Sprintf("%s %d resources of %s: %s", verb, v.resources, key, why))
		}
	}
	if o.DryRun {
		return nil
	}
	return inv.remove(ctx, cli, func(labels map[string]string) bool { return !live[ownerKey(labels)] })
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// owned is every amqha resource on the engine, as listed.
type owned struct {
	containers []container.Summary
	networks   []network.Summary
	volumes    []volume.Volume
}

func listOwned(ctx context.Context, cli *testcontainers.DockerClient) (owned, error) {
	f := make(client.Filters).Add("label", LabelApp+"=true")
	var inv owned
	cs, err1 := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	ns, err2 := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	vs, err3 := cli.VolumeList(ctx, client.VolumeListOptions{Filters: f})
	inv.containers, inv.networks, inv.volumes = cs.Items, ns.Items, vs.Items
	return inv, errors.Join(wrap(err1, "list containers"), wrap(err2, "list networks"), wrap(err3, "list volumes"))
}

// ownerKey groups resources by owner: the owner token, or for resources
// of a build before it, the PID they carry.
func ownerKey(labels map[string]string) string {
	if o := labels[LabelOwner]; o != "" {
		return "owner " + o + " (pid " + labels[LabelPID] + ")"
	}
	return "pid " + labels[LabelPID] + " (no owner label)"
}

// ownerResources is one owner's view plus what reading its heartbeat needs.
type ownerResources struct {
	ownerView
	containers []string
	resources  int
}

// owners groups the inventory by ownerKey.
func (inv owned) owners() map[string]*ownerResources {
	out := map[string]*ownerResources{}
	add := func(labels map[string]string, created time.Time) *ownerResources {
		key := ownerKey(labels)
		o := out[key]
		if o == nil {
			o = &ownerResources{ownerView: ownerView{Labels: labels}}
			out[key] = o
		}
		o.resources++
		if created.After(o.Created) {
			o.Created = created
		}
		return o
	}
	for _, c := range inv.containers {
		o := add(c.Labels, time.Unix(c.Created, 0))
		o.containers = append(o.containers, c.ID)
	}
	for _, n := range inv.networks {
		add(n.Labels, n.Created)
	}
	for _, v := range inv.volumes {
		// An unparsable time is no evidence of life.
		created, _ := time.Parse(time.RFC3339, v.CreatedAt)
		add(v.Labels, created)
	}
	return out
}

// remove removes the listed resources match selects: containers first,
// since a network or volume in use cannot go. One already gone (its owner
// or another sweep removed it meanwhile) is no failure.
func (inv owned) remove(ctx context.Context, cli *testcontainers.DockerClient, match func(map[string]string) bool) error {
	var errs []error
	fail := func(err error, format string, args ...any) {
		if !isNotFound(err) {
			errs = append(errs, wrap(err, format, args...))
		}
	}
	for _, c := range inv.containers {
		if match(c.Labels) {
			_, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			fail(err, "remove container %s", c.ID[:12])
		}
	}
	for _, n := range inv.networks {
		if match(n.Labels) {
			_, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
			fail(err, "remove network %s", n.Name)
		}
	}
	for _, v := range inv.volumes {
		if match(v.Labels) {
			_, err := cli.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
			fail(err, "remove volume %s", v.Name)
		}
	}
	return errors.Join(errs...)
}

// engineNow is the engine's clock.
func engineNow(ctx context.Context, cli *testcontainers.DockerClient) (time.Time, error) {
	off, err := engineOffset(ctx, cli)
	return time.Now().Add(off), err
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
