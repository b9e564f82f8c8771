package nemesis

import (
	"context"
	"strconv"

	"github.com/amqha/amqha/harness/cluster"
)

// starve leaves every target cpus of one CPU: a gray failure, the node
// neither dies nor freezes, it only falls behind.
type starve struct{ cpus float64 }

// Apply puts the CPU quota on every target.
func (s starve) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.Starve(ctx, s.cpus) })
}

type unstarve struct{}

// Apply lifts every target's CPU quota.
func (unstarve) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.Unstarve(ctx) })
}

// cpusDetail words a starve's share for its event, so the report and a
// reader of events.jsonl see how hard the node was starved.
func cpusDetail(cpus float64) string {
	return "cpus " + strconv.FormatFloat(cpus, 'g', -1, 64)
}
