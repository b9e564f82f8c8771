package nemesis

import (
	"context"

	"github.com/amqha/amqha/harness/cluster"
)

// Heal removes every partition and loss rule from every running node of
// c, whichever scenario left them: the restore between two scenarios that
// share a cluster starts here.
func Heal(ctx context.Context, c *cluster.Cluster) error { return heal{c}.Apply(ctx, nil) }
