package nemesis

import (
	"context"
	"errors"
	"time"

	"github.com/amqha/amqha/harness/cluster"
)

// stopGrace is how long a graceful stop may take before Docker kills.
const stopGrace = 30 * time.Second

type kill struct{}

// Apply sends SIGKILL to every target.
func (kill) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.Kill(ctx) })
}

type stop struct{}

// Apply stops every target gracefully (SIGTERM).
func (stop) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.Stop(ctx, stopGrace) })
}

type start struct{}

// Apply starts every stopped target.
func (start) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.Start(ctx) })
}

type restart struct{}

// Apply restarts every target, starting it if it is down.
func (restart) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.Restart(ctx) })
}

func each(bs []*cluster.Node, f func(*cluster.Node) error) error {
	var errs []error
	for _, b := range bs {
		errs = append(errs, f(b))
	}
	return errors.Join(errs...)
}
