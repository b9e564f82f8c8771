package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/history"
)

func TestClockOffsetsAreWrittenAsLibfaketimeReadsThem(t *testing.T) {
	assert.Equal(t, "+30s", faketimeOffset(30*time.Second))
	assert.Equal(t, "-90s", faketimeOffset(-90*time.Second))
	assert.Equal(t, "+0", faketimeOffset(0))
}

// A skewed broker stamps its lines off by its offset; the stamp is put
// back on the host's clock whichever offset the JVM had read then.
func TestLineTimeTakesTheSkewOffABrokersStamp(t *testing.T) {
	docker := time.Date(2026, 12, 2, 5, 50, 24, 700_000_000, time.UTC)
	real := time.Date(2026, 12, 2, 5, 50, 24, 693_000_000, time.UTC)
	ahead := "2026-12-02 05:50:54,693 | INFO  | Connector stomp started | x | main"
	behind := "2026-12-02 05:49:54,693 | INFO  | Connector stomp started | x | main"
	plain := "2026-12-02 05:50:24,693 | INFO  | Connector stomp started | x | main"
	used := []time.Duration{30 * time.Second, -30 * time.Second}

	assert.Equal(t, real, lineTime(docker, ahead, 30*time.Second, used), "30 s ahead")
	assert.Equal(t, real, lineTime(docker, behind, -30*time.Second, used), "30 s behind")
	// Just after a sync the JVM may still stamp with the old offset, or
	// already with none.
	assert.Equal(t, real, lineTime(docker, ahead, 0, used), "the offset not yet re-read")
	assert.Equal(t, real, lineTime(docker, plain, 0, used), "synced")
	// Without Docker's stamp the offset in effect is taken off.
	assert.Equal(t, real, lineTime(time.Time{}, ahead, 30*time.Second, used))
	// Never skewed, a stamp ahead of Docker's stays believed, as before.
	assert.Equal(t, real.Add(30*time.Second), lineTime(docker, ahead, 0, nil))
	// Skewed, a stamp that no offset brings before Docker's is not believed.
	assert.Equal(t, docker, lineTime(docker, "2026-12-02 05:51:54,693 | INFO  | Connector stomp started | x | main", 30*time.Second, used))
}

func TestTheClockRemembersEveryOffsetItWasGiven(t *testing.T) {
	var c clock
	c.set(30 * time.Second)
	c.set(0)
	c.set(-5 * time.Second)
	c.set(30 * time.Second)
	now, used := c.get()
	assert.Equal(t, 30*time.Second, now)
	assert.Equal(t, []time.Duration{30 * time.Second, -5 * time.Second}, used)
}

// The reset between scenarios syncs only the clocks it skewed: a broker
// whose clock was never moved, running or down, needs no container call.
func TestSyncClocksLeavesUnskewedBrokersAlone(t *testing.T) {
	c := &Cluster{profile: Profile{Name: "jdbc"}}
	running := &Node{Name: "broker1", Kind: KindBroker, cluster: c}
	down := &Node{Name: "broker2", Kind: KindBroker, cluster: c, state: history.Down}
	c.Brokers = []*Node{running, down}
	require.NoError(t, c.SyncClocks(context.Background()), "no exec or copy is needed, so no container")
}

func TestOnlyBrokersOfTheNodeImageHaveTheirClocksSkewed(t *testing.T) {
	c := &Cluster{profile: Profile{Name: "jdbc"}}
	zk := &Node{Name: "zk1", Kind: KindZK, cluster: c}
	assert.ErrorContains(t, zk.SkewClock(context.Background(), time.Second), "only brokers of the node image")

	own := &Cluster{profile: Profile{Name: "leveldb", BrokerImage: "x"}}
	b := &Node{Name: "broker1", Kind: KindBroker, cluster: own}
	assert.ErrorContains(t, b.SkewClock(context.Background(), time.Second), "only brokers of the node image")

	b = &Node{Name: "broker1", Kind: KindBroker, cluster: c}
	assert.ErrorContains(t, b.SkewClock(context.Background(), 1500*time.Millisecond), "not whole seconds")
}
