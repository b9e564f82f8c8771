package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// The broker's JVM runs under libfaketime (conf/broker-run.sh): its wall
// clock (System.currentTimeMillis, new Date) is the host's plus the offset
// in ClockFile, re-read at most once a second (FAKETIME_CACHE_DURATION=1),
// while its monotonic clock (System.nanoTime, which times the lease
// keep-alive and the slaves' polls) is left alone. A skew thus moves what
// the lease locker writes into the database and nothing else.
const (
	// ClockFile holds the broker's clock offset: "+0" when the container
	// is created, then whatever the harness last wrote.
	ClockFile   = "/srv/amq/tmp/faketime"
	faketimeLib = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
)

// clock is what the harness wrote into a broker's ClockFile.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
	// used is every offset this broker's log may be stamped with, for
	// lineTime; it never shrinks, since a line can be read late.
	used []time.Duration
}

func (c *clock) set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = d
	if d != 0 && !slices.Contains(c.used, d) {
		c.used = append(c.used, d)
	}
}

func (c *clock) get() (time.Duration, []time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset, slices.Clone(c.used)
}

// faketimeOffset is d as libfaketime's relative offset: "+30s", "-30s", "+0".
func faketimeOffset(d time.Duration) string {
	s := int64(d / time.Second)
	if s == 0 {
		return "+0"
	}
	return fmt.Sprintf("%+ds", s)
}

// SkewClock sets the broker's wall clock offset from the host's; 0 syncs
// it. The offset is the machine's clock, not the JVM's, so it outlives a
// restart of the broker (the entry point keeps the file): a broker down
// when it is skewed starts with the skew, which is how a JVM's lease
// locker gets to see it at its first connection. On a running broker the
// file is replaced by a rename, so libfaketime never reads half of it;
// on a down one it is copied into the stopped container. Only brokers
// started by the harness's own entry point run under libfaketime.
func (n *Node) SkewClock(ctx context.Context, offset time.Duration) error {
	if n.Kind != KindBroker || n.cluster.profile.BrokerImage != "" {
		return fmt.Errorf("%s: its clock cannot be skewed: only brokers of the node image run under libfaketime", n.Name)
	}
	if offset%time.Second != 0 {
		return fmt.Errorf("%s: clock offset %s is not whole seconds", n.Name, offset)
	}
	if err := n.writeClockFile(ctx, faketimeOffset(offset)); err != nil {
		return err
	}
	n.clock.set(offset)
	return nil
}

func (n *Node) writeClockFile(ctx context.Context, offset string) error {
	if state, _ := n.snapshot(); state == history.Down {
		if err := n.container.CopyToContainer(ctx, []byte(offset), ClockFile, 0o644); err != nil {
			return fmt.Errorf("%s: write clock file into the stopped container: %w", n.Name, err)
		}
		return nil
	}
	_, err := n.Exec(ctx, "sh", "-c", `printf '%s' "$1" > "$2.new" && mv "$2.new" "$2"`,
		"skew", offset, ClockFile)
	return err
}

// ClockOffset is the offset last written to the broker's clock file.
func (n *Node) ClockOffset() time.Duration { d, _ := n.clock.get(); return d }

// MeasureClock reads the wall clock a process of the broker's container
// sees under libfaketime, against the host's, so a skew is checked where
// it lands rather than assumed from the file.
func (n *Node) MeasureClock(ctx context.Context) (time.Duration, error) {
	before := time.Now()
	out, err := n.Exec(ctx, "env", "LD_PRELOAD="+faketimeLib, "FAKETIME_TIMESTAMP_FILE="+ClockFile,
		"FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1", "FAKETIME_FORCE_MONOTONIC_FIX=0", "date", "+%s%N")
	after := time.Now()
	if err != nil {
		return 0, err
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: date under libfaketime printed %q", n.Name, strings.TrimSpace(out))
	}
	mid := before.Add(after.Sub(before) / 2)
	return time.Unix(0, ns).Sub(mid), nil
}

// SyncClocks sets every broker whose clock the harness skewed back to
// the host's, so no skew outlives its scenario. A down broker gets its
// file synced before anything starts it: a JVM that started skewed on a
// fenced lease would keep the correction it computed at its first
// connection for its life (clock-skew-slave-restarted).
func (c *Cluster) SyncClocks(ctx context.Context) error {
	var errs []error
	for _, b := range c.Brokers {
		if b.ClockOffset() != 0 {
			errs = append(errs, b.SkewClock(ctx, 0))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sync broker clocks: %w", err)
	}
	return nil
}
