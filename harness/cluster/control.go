package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/amqha/amqha/harness/history"
	"github.com/moby/moby/client"
)

// Kill sends SIGKILL to the broker: the JVM gets no chance to release its
// lock or flush anything, as in a power loss of that node.
func (b *Broker) Kill(ctx context.Context) error {
	return b.signal(ctx, "SIGKILL")
}

// Stop sends SIGTERM and waits up to grace for a clean shutdown.
func (b *Broker) Stop(ctx context.Context, grace time.Duration) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	secs := int(grace.Seconds())
	if _, err := cli.ContainerStop(ctx, b.ContainerID(), client.ContainerStopOptions{Timeout: &secs}); err != nil {
		return fmt.Errorf("stop %s: %w", b.Name, err)
	}
	b.setState(history.Down)
	b.unfollowLogs()
	return nil
}

func (b *Broker) signal(ctx context.Context, sig string) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	if _, err := cli.ContainerKill(ctx, b.ContainerID(), client.ContainerKillOptions{Signal: sig}); err != nil {
		return fmt.Errorf("%s %s: %w", sig, b.Name, err)
	}
	b.setState(history.Down)
	b.unfollowLogs()
	return nil
}

// Start starts a stopped or killed broker; the role probe sees it come up.
func (b *Broker) Start(ctx context.Context) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	since := time.Now()
	if _, err := cli.ContainerStart(ctx, b.ContainerID(), client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start %s: %w", b.Name, err)
	}
	return b.afterStart(ctx, since)
}

// Restart stops a running broker gracefully, or starts a down one.
func (b *Broker) Restart(ctx context.Context) error {
	if state, _, _ := b.snapshot(); state != history.Down {
		if err := b.Stop(ctx, 30*time.Second); err != nil {
			return err
		}
	}
	return b.Start(ctx)
}

// Pause freezes every process of the broker's container (cgroup freezer):
// its sockets still accept TCP, but nothing answers.
func (b *Broker) Pause(ctx context.Context) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	if _, err := cli.ContainerPause(ctx, b.ContainerID(), client.ContainerPauseOptions{}); err != nil {
		return fmt.Errorf("pause %s: %w", b.Name, err)
	}
	b.setState(history.Paused)
	return nil
}

// Resume thaws a paused broker.
func (b *Broker) Resume(ctx context.Context) error {
	cli, err := Docker(ctx)
	if err != nil {
		return err
	}
	if _, err := cli.ContainerUnpause(ctx, b.ContainerID(), client.ContainerUnpauseOptions{}); err != nil {
		return fmt.Errorf("resume %s: %w", b.Name, err)
	}
	b.setState(history.Starting)
	return nil
}
