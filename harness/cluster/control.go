package cluster

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/moby/moby/client"
)

// Kill sends SIGKILL to the node: the process gets no chance to release its
// lock or flush anything, as in a power loss of that node.
func (n *Node) Kill(ctx context.Context) error {
	return n.signal(ctx, "SIGKILL")
}

// Stop sends SIGTERM and waits up to grace for a clean shutdown.
func (n *Node) Stop(ctx context.Context, grace time.Duration) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	secs := int(grace.Seconds())
	if _, err := cli.ContainerStop(ctx, n.ContainerID(), client.ContainerStopOptions{Timeout: &secs}); err != nil {
		return fmt.Errorf("stop %s: %w", n.Name, err)
	}
	n.setState(history.Down)
	go n.releaseLogs()(2 * time.Second)
	return nil
}

func (n *Node) signal(ctx context.Context, sig string) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	if _, err := cli.ContainerKill(ctx, n.ContainerID(), client.ContainerKillOptions{Signal: sig}); err != nil {
		return fmt.Errorf("%s %s: %w", sig, n.Name, err)
	}
	n.setState(history.Down)
	go n.releaseLogs()(2 * time.Second)
	return nil
}

// Start starts a stopped or killed node; the role probe sees it come up.
func (n *Node) Start(ctx context.Context) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	if n.Running() {
		return nil // starting a running node is a no-op, as `start all` needs
	}
	since := time.Now()
	if _, err := cli.ContainerStart(ctx, n.ContainerID(), client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start %s: %w", n.Name, err)
	}
	return n.afterStart(ctx, since)
}

// Restart stops a running node gracefully, or starts a down one.
func (n *Node) Restart(ctx context.Context) error {
	if state, _ := n.snapshot(); state != history.Down {
		if err := n.Stop(ctx, 30*time.Second); err != nil {
			return err
		}
	}
	return n.Start(ctx)
}

// Pause freezes every process of the node's container (cgroup freezer):
// its sockets still accept TCP, but nothing answers.
func (n *Node) Pause(ctx context.Context) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	// The cgroup v1 freezer gives up ("unable to freeze") when a task does
	// not reach the frozen state in time, e.g. a JVM thread in
	// uninterruptible IO; the freeze then succeeds a moment later.
	for try := 1; ; try++ {
		_, err = cli.ContainerPause(ctx, n.ContainerID(), client.ContainerPauseOptions{})
		if err == nil || try == freezeTries || !strings.Contains(err.Error(), "unable to freeze") {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pause %s: %w", n.Name, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("pause %s: %w", n.Name, err)
	}
	n.setState(history.Paused)
	return nil
}

// freezeTries bounds the attempts to freeze a container.
const freezeTries = 5

// Resume thaws a paused node.
func (n *Node) Resume(ctx context.Context) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	if _, err := cli.ContainerUnpause(ctx, n.ContainerID(), client.ContainerUnpauseOptions{}); err != nil {
		return fmt.Errorf("resume %s: %w", n.Name, err)
	}
	n.setState("")
	return nil
}
