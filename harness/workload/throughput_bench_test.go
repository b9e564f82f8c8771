package workload

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/docker"
	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
)

// Knobs of the throughput comparison: 256-byte persistent messages, each
// confirmed on its own (a STOMP receipt; a synchronous OpenWire send).
const (
	benchProducers = 16
	benchInFlight  = 8
	benchFor       = 20 * time.Second
	benchOpenWire  = 20000
)

// elapsedMS is how ActiveMQ's demo producer reports its own timing.
var elapsedMS = regexp.MustCompile(`Elapsed time in milli second : (\d+)`)

// BenchmarkThroughputAgainstActiveMQProducer drives a shared-kahadb
// cluster with the workload (benchProducers STOMP connections, receipted
// persistent sends) for benchFor, and with ActiveMQ's own `activemq
// producer` (OpenWire, synchronous persistent sends) inside the master's
// container before and after it, and prints both rates and their ratio.
// It does so twice, on a new cluster each: with KahaDB as ActiveMQ ships
// it, whose single store thread syncs one message at a time whatever the
// client, and with the store written on each connection's thread
// (cluster.WithStoreOnConnectionThreads), where the broker can take what
// a client offers. It needs Docker and the node image.
func BenchmarkThroughputAgainstActiveMQProducer(b *testing.B) {
	b.Run("store=stock", func(b *testing.B) { benchThroughput(b) })
	b.Run("store=on-connection-threads", func(b *testing.B) {
		benchThroughput(b, cluster.WithStoreOnConnectionThreads())
	})
}

func benchThroughput(b *testing.B, opts ...cluster.Option) {
	ctx := context.Background()
	opts = append([]cluster.Option{cluster.WithImage(docker.Image()), cluster.WithProfile("shared-kahadb"),
		cluster.WithLogDir(b.TempDir())}, opts...)
	c, err := cluster.Run(ctx, opts...)
	b.Cleanup(func() { _ = c.Terminate(context.Background()) })
	require.NoError(b, err)
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	require.NoError(b, c.WaitBaseline(wctx))
	master, err := c.Master(ctx, 30*time.Second)
	require.NoError(b, err)
	for b.Loop() {
		// The tool runs before and after the workload and counts as the
		// mean of both, so that neither side gets the emptier store.
		before := producerRate(b, master)
		stomp := workloadRate(b, c)
		after := producerRate(b, master)
		openwire := (before + after) / 2
		b.ReportMetric(stomp, "stomp-msg/s")
		b.ReportMetric(openwire, "openwire-msg/s")
		b.ReportMetric(stomp/openwire, "ratio")
		fmt.Printf("%s: workload (%d STOMP producers, in-flight %d): %.0f receipted msg/s; activemq producer (OpenWire, sync): %.0f msg/s (%.0f before, %.0f after); ratio %.2f\n",
			b.Name(), benchProducers, benchInFlight, stomp, openwire, before, after, stomp/openwire)
	}
}

// workloadRate is the acknowledged sends per second of a population of
// producers sending as fast as their windows allow.
func workloadRate(b *testing.B, c *cluster.Cluster) float64 {
	rec := history.NewRecorder()
	cfg := Config{Queue: "bench.stomp", Duration: benchFor, Rate: 100000, InFlight: benchInFlight, MessageSize: 256,
		Persistent: true, SendTimeout: 10 * time.Second}
	eps := func(context.Context) []Endpoint {
		var out []Endpoint
		for _, n := range c.Brokers {
			out = append(out, Endpoint{Broker: n.Name, Addr: n.Endpoint(cluster.STOMPPort)})
		}
		return out
	}
	pop := NewPopulation(cfg, benchProducers, 0, rec, eps)
	start := time.Now()
	require.NoError(b, pop.Produce(context.Background()))
	took := time.Since(start)
	acked := 0
	for _, op := range rec.Snapshot().Ops {
		if op.F == history.Send && op.Type == history.OK {
			acked++
		}
	}
	require.Positive(b, acked, "nothing was acknowledged")
	return float64(acked) / took.Seconds()
}

// producerRate runs ActiveMQ's demo producer next to the master and reads
// its own elapsed time.
func producerRate(b *testing.B, master *cluster.Node) float64 {
	// The launcher needs the homes the broker's entry point sets; its own
	// data goes to a scratch directory, away from the store.
	out, err := master.Exec(context.Background(), "java", "-Xmx128m", "-Dactivemq.home=/usr/share/activemq",
		"-Dactivemq.base=/srv/amq", "-Dactivemq.conf=/srv/amq/conf", "-Dactivemq.data=/tmp/amq-producer",
		"-Dactivemq.classpath=/srv/amq/conf", "-jar", "/usr/share/activemq/bin/activemq.jar", "producer",
		"--brokerUrl", "tcp://127.0.0.1:61616", "--destination", "queue://bench.openwire", "--persistent", "true",
		"--messageSize", "256", "--messageCount", strconv.Itoa(benchOpenWire))
	require.NoError(b, err, "activemq producer: %s", out)
	m := elapsedMS.FindStringSubmatch(out)
	require.NotNil(b, m, "activemq producer printed no elapsed time:\n%s", out)
	ms, err := strconv.Atoi(m[1])
	require.NoError(b, err)
	return float64(benchOpenWire) / (float64(ms) / 1000)
}
