package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// Sized stores: for a scenario that fills a disk, every store sits on a
// tmpfs volume of a fixed size, which a filler file can fill to the last
// byte, so that the store's next write fails with ENOSPC as on a full
// disk. tmpfs makes fsync free, which changes a store's timing, so only
// clusters built WithSizedStores get them; every other cluster keeps its
// stores where they always were.

// Store sizes. KahaDB writes its journal in 32 MiB files and keeps its
// index and redo log beside them, so the volume holds several files; a
// scenario's traffic (at most a few MiB) fills none of them.
// PostgreSQL's cluster is about 40 MiB after initdb and its WAL grows in
// 16 MiB segments up to max_wal_size (1 GB by default) between
// checkpoints, which a short scenario's few MiB of WAL never reaches.
// Patroni's members keep wal_keep_size (256 MB) of WAL for their
// replicas, so their data directories get room for all of it.
const (
	kahaDBStoreSize  = 256 << 20
	pgStoreSize      = 256 << 20
	patroniStoreSize = 512 << 20
)

// A KahaDB store on its own sized volume is configured as ActiveMQ
// provides for a store on a dedicated disk: its limit is a share of the
// volume (percentLimit) and the broker measures the disk again every
// kahaDBDiskCheck, growing the limit back when space is freed
// (schedulePeriodForDiskUsageCheck, diskUsageCheckRegrowThreshold).
// Measured on 5.17.2 without them: a broker that restarts in-process on
// the full disk cuts its limit to the free space once, at start, and
// producer flow control then holds every persistent send after the free
// until its JVM restarts, in 6 of 9 runs (disk-full-kahadb's description).
// The JDBC stores keep their limits: the database holds their messages.
const (
	kahaDBDiskCheck    = time.Second
	kahaDBStorePercent = 90
)

// fillerName is the file a disk-full writes on a store; disk-free and the
// restore remove it. Its name says whose it is to anyone who lists the
// store.
const fillerName = "amqha-disk-full.filler"

// keeperDir is where the keeper container mounts every sized store, one
// directory per store.
const keeperDir = "/stores"

// sizedStore is one size-limited volume and the nodes whose store it is.
type sizedStore struct {
	volume string
	size   int64
	nodes  []string // node names: every broker for a shared KahaDB
	// uid, gid and mode of the volume's root: PostgreSQL refuses a data
	// directory that its user does not own with mode 0700.
	owner string
}

// WithSizedStores puts the cluster's stores on size-limited volumes that
// a disk-full can fill (the shared KahaDB volume, each PostgreSQL data
// directory). Only scenarios that fill a disk need it.
func WithSizedStores() Option { return func(o *options) { o.sizedStores = true } }

// SizedStores reports whether the cluster's stores are on sized volumes.
func (c *Cluster) SizedStores() bool { return c.opts.sizedStores }

// StoreKind is the kind of node whose store a disk-full fills on the
// profile: brokers share one KahaDB volume, a JDBC store lives in its
// database. "" for profiles without a store the harness sizes: the
// ZooKeeper ensemble is no message store, and a LevelDB broker image
// keeps its store where its own entry point puts it.
func (p Profile) StoreKind() Kind {
	switch {
	case p.sharedStore:
		return KindBroker
	case p.HasJDBCStore():
		return KindDB
	}
	return ""
}

// postgresOwner is the postgres user of the node image (uid 100, gid 102)
// with the mode PostgreSQL demands of its data directory.
const postgresOwner = "uid=100,gid=102,mode=0700"

// createSizedStore creates one tmpfs volume of size bytes for nodes.
func (c *Cluster) createSizedStore(ctx context.Context, name string, size int64, owner string, nodes ...string) (*sizedStore, error) {
	cli, err := Docker(ctx)
	if err != nil {
		return nil, err
	}
	o := "size=" + strconv.FormatInt(size, 10)
	if owner != "" {
		o += "," + owner
	}
	v, err := cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "amqha-" + c.RunID + "-" + name, Labels: c.labels,
		Driver: "local", DriverOpts: map[string]string{"type": "tmpfs", "device": "tmpfs", "o": o}})
	if err != nil {
		return nil, fmt.Errorf("create sized store volume %s: %w", name, err)
	}
	s := &sizedStore{volume: v.Volume.Name, size: size, nodes: nodes, owner: owner}
	c.stores = append(c.stores, s)
	return s, nil
}

// createSizedStores makes the profile's sized volumes and starts the
// keeper that holds them mounted.
func (c *Cluster) createSizedStores(ctx context.Context) error {
	switch {
	case c.profile.sharedStore:
		var names []string
		for i := range c.opts.brokers {
			names = append(names, fault.NodeName(KindBroker, i+1))
		}
		s, err := c.createSizedStore(ctx, "store", kahaDBStoreSize, "", names...)
		if err != nil {
			return err
		}
		c.volume = s.volume
	case c.profile.HasJDBCStore() && c.profile.Lease.Hosts == 1:
		if _, err := c.createSizedStore(ctx, "db-store", pgStoreSize, postgresOwner, "db"); err != nil {
			return err
		}
	case c.profile.HasJDBCStore():
		for i := range c.profile.Lease.Hosts {
			name := fault.NodeName(KindDB, i+1)
			if _, err := c.createSizedStore(ctx, name+"-store", patroniStoreSize, postgresOwner, name); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("profile %s has no store the harness can size", c.profile.Name)
	}
	return c.startKeeper(ctx)
}

// storeMount is the mount of node name's sized store at target, none if
// the cluster has no sized store for it.
func (c *Cluster) storeMount(name, target string) []mount.Mount {
	if s := c.storeOf(name); s != nil {
		return []mount.Mount{{Type: mount.TypeVolume, Source: s.volume, Target: target}}
	}
	return nil
}

func (c *Cluster) storeOf(name string) *sizedStore {
	for _, s := range c.stores {
		if slices.Contains(s.nodes, name) {
			return s
		}
	}
	return nil
}

// startKeeper starts the container that mounts every sized store for the
// cluster's whole life. The engine unmounts a tmpfs volume, and loses its
// contents, when the last running container using it stops: a killed
// database, or a moment with every broker down, would wipe the store.
// The keeper sleeps, on no network, and carries the cluster's labels, so
// Terminate and a sweep remove it like any other container.
func (c *Cluster) startKeeper(ctx context.Context) error {
	var mounts []mount.Mount
	for _, s := range c.stores {
		mounts = append(mounts, mount.Mount{Type: mount.TypeVolume, Source: s.volume, Target: keeperDir + "/" + s.volume})
	}
	ctr, err := testcontainers.Run(ctx, c.opts.image,
		testcontainers.WithName(fmt.Sprintf("amqha-%s-keeper", c.RunID)),
		testcontainers.WithLabels(c.labels),
		testcontainers.WithEntrypoint("sleep", "infinity"),
		testcontainers.WithHostConfigModifier(func(hc *container.HostConfig) {
			hc.NetworkMode = "none"
			hc.Mounts = append(hc.Mounts, mounts...)
		}),
	)
	c.keeper = ctr
	if err != nil {
		return fmt.Errorf("start the store keeper: %w", err)
	}
	return nil
}

// keeperExec runs a shell command in the keeper and returns its output;
// ok is false if it exited non-zero.
func (c *Cluster) keeperExec(ctx context.Context, script string) (out string, ok bool, err error) {
	if c.keeper == nil {
		return "", false, errors.New("no store keeper: the cluster was built without sized stores")
	}
	code, r, err := c.keeper.Exec(ctx, []string{"sh", "-c", script}, tcexec.Multiplexed())
	if err != nil {
		return "", false, fmt.Errorf("keeper: exec: %w", err)
	}
	b, _ := io.ReadAll(r)
	return strings.TrimSpace(string(b)), code == 0, nil
}

// storeFor is n's sized store, or an error saying it has none.
func (c *Cluster) storeFor(n *Node) (*sizedStore, error) {
	if s := c.storeOf(n.Name); s != nil {
		return s, nil
	}
	if !c.opts.sizedStores {
		return nil, fmt.Errorf("%s: the cluster was built without sized stores", n.Name)
	}
	return nil, fmt.Errorf("%s has no store the harness can fill on profile %s", n.Name, c.profile.Name)
}

// FillStore fills the filesystem of n's store to its last byte: a filler
// file written from the keeper until the write fails with ENOSPC. No
// margin is left, as on a disk that filled up: the store's next write that
// needs a new page fails. It returns what it measured for the event.
func (c *Cluster) FillStore(ctx context.Context, n *Node) (string, error) {
	s, err := c.storeFor(n)
	if err != nil {
		return "", err
	}
	dir := keeperDir + "/" + s.volume
	// dd ends with "No space left on device" and exit 1 when full; any
	// other failure leaves space, which the df after it shows.
	out, _, err := c.keeperExec(ctx, fmt.Sprintf("dd if=/dev/zero of=%s/%s bs=1M conv=notrunc oflag=append 2>&1; df -B1 --output=avail %s | tail -1",
		dir, fillerName, dir))
	if err != nil {
		return "", fmt.Errorf("fill the store of %s: %w", n.Name, err)
	}
	lines := strings.Split(out, "\n")
	avail := strings.TrimSpace(lines[len(lines)-1])
	if avail != "0" {
		return "", fmt.Errorf("fill the store of %s: %s bytes still free after the filler: %s", n.Name, avail, out)
	}
	return fmt.Sprintf("%s store %s full (%d MiB volume, 0 bytes free)", n.Name, s.volume, s.size>>20), nil
}

// FreeStore removes the filler from n's store, and marks the node down if
// its process exited meanwhile (PostgreSQL may give up on a full disk), so
// that a start or the restore brings it back.
func (c *Cluster) FreeStore(ctx context.Context, n *Node) (string, error) {
	s, err := c.storeFor(n)
	if err != nil {
		return "", err
	}
	dir := keeperDir + "/" + s.volume
	out, ok, err := c.keeperExec(ctx, fmt.Sprintf("rm -f %s/%s && df -B1 --output=avail %s | tail -1", dir, fillerName, dir))
	if err != nil || !ok {
		return "", fmt.Errorf("free the store of %s: %v %s", n.Name, err, out)
	}
	detail := fmt.Sprintf("%s store %s freed (%s bytes free)", n.Name, s.volume, out)
	for _, m := range c.storeNodes(s) {
		if m.noteExited(ctx) {
			detail += "; " + m.Name + " had exited"
		}
	}
	return detail, nil
}

// storeNodes are the nodes whose store s is.
func (c *Cluster) storeNodes(s *sizedStore) []*Node {
	var out []*Node
	for _, n := range c.Nodes() {
		if slices.Contains(s.nodes, n.Name) {
			out = append(out, n)
		}
	}
	return out
}

// noteExited marks the node down if its container is no longer running
// though the harness never stopped it, and reports whether it did.
func (n *Node) noteExited(ctx context.Context) bool {
	if !n.Running() {
		return false
	}
	st, err := n.container.State(ctx)
	if err != nil || st.Running {
		return false
	}
	n.setState(history.Down)
	go n.releaseLogs()(0)
	return true
}

// FreeStores removes every filler a scenario left, before the restore
// starts what is down: a store still full would fail it again at once.
func (c *Cluster) FreeStores(ctx context.Context) error {
	var errs []error
	for _, s := range c.stores {
		if nodes := c.storeNodes(s); len(nodes) > 0 {
			_, err := c.FreeStore(ctx, nodes[0])
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// StoreKey names the sized volume that holds n's store, "" if none: the
// brokers of a shared KahaDB all have the same.
func (c *Cluster) StoreKey(n *Node) string {
	if s := c.storeOf(n.Name); s != nil {
		return s.volume
	}
	return ""
}
