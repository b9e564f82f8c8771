package nemesis

import (
	"context"

	"github.com/amqha/amqha/harness/cluster"
)

type pause struct{}

// Apply freezes every target with the cgroup freezer.
func (pause) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.Pause(ctx) })
}

type resume struct{}

// Apply thaws every target.
func (resume) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.Resume(ctx) })
}
