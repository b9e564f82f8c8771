package cluster

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// echoServer answers every line with itself, as a database answers a
// statement, and returns its address.
func echoServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startProxy runs conf/storeproxy.py with the host's python3 (the image
// runs the same script with its own) on one route, "db", to upstream.
func startProxy(t *testing.T, upstream string) (addr, ctl string) {
	py, err := exec.LookPath("python3")
	require.NoError(t, err, "the store proxy's test runs its script with python3")
	dir := t.TempDir()
	script := filepath.Join(dir, "storeproxy.py")
	require.NoError(t, os.WriteFile(script, confFile("storeproxy.py"), 0o644))
	ctl, ready := filepath.Join(dir, "ctl"), filepath.Join(dir, "ready")
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, py, script, ctl, ready, "db="+strconv.Itoa(port)+"="+upstream)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	require.Eventually(t, func() bool { _, err := os.Stat(ready); return err == nil }, 10*time.Second, 20*time.Millisecond, "proxy never ready")
	return "127.0.0.1:" + strconv.Itoa(port), ctl
}

// roundTrip sends one line and times its answer.
func roundTrip(t *testing.T, c net.Conn, r *bufio.Reader, line string) time.Duration {
	began := time.Now()
	_, err := io.WriteString(c, line+"\n")
	require.NoError(t, err)
	got, err := r.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, line+"\n", got)
	return time.Since(began)
}

func setLatency(t *testing.T, ctl string, ms int) {
	require.NoError(t, os.WriteFile(filepath.Join(ctl, "db"), []byte(strconv.Itoa(ms)), 0o644))
	time.Sleep(StoreProxyPoll * 3) // the proxy re-reads every StoreProxyPoll
}

// The proxy passes straight through at latency 0, adds the latency to
// every round trip once its control file says so (without a restart or a
// new connection), keeps the order of what it delays, and goes back to
// pass-through at 0.
func TestTheStoreProxyDelaysEachRoundTripByItsLatency(t *testing.T) {
	addr, ctl := startProxy(t, echoServer(t))
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)

	assert.Less(t, roundTrip(t, c, r, "select 1"), 150*time.Millisecond, "pass-through at 0")

	setLatency(t, ctl, 400)
	d := roundTrip(t, c, r, "update lease")
	assert.GreaterOrEqual(t, d, 400*time.Millisecond, "a delayed round trip")
	assert.Less(t, d, 700*time.Millisecond, "the latency is added once per round trip, not per direction")

	// Three statements sent at once come back in order, each after the
	// latency: the delay is a pipeline, not a queue of sleeps.
	began := time.Now()
	_, err = io.WriteString(c, "a\nb\nc\n")
	require.NoError(t, err)
	for _, want := range []string{"a\n", "b\n", "c\n"} {
		got, err := r.ReadString('\n')
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	took := time.Since(began)
	assert.GreaterOrEqual(t, took, 400*time.Millisecond)
	assert.Less(t, took, 1000*time.Millisecond, "chunks read together are delayed together")

	setLatency(t, ctl, 0)
	assert.Less(t, roundTrip(t, c, r, "commit"), 150*time.Millisecond, "back to pass-through")
}

// A control file the proxy cannot read as milliseconds leaves the last
// latency in effect rather than dropping the delay mid-fault.
func TestTheStoreProxyKeepsItsLatencyOnAGarbledFile(t *testing.T) {
	addr, ctl := startProxy(t, echoServer(t))
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	setLatency(t, ctl, 300)
	require.NoError(t, os.WriteFile(filepath.Join(ctl, "db"), []byte("3o0"), 0o644))
	time.Sleep(StoreProxyPoll * 3)
	assert.GreaterOrEqual(t, roundTrip(t, c, r, "x"), 300*time.Millisecond)
}
