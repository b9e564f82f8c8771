package nemesis

import (
	"context"
	"errors"

	"github.com/amqha/amqha/harness/cluster"
)

// Heal removes every partition and loss rule from every running node of
// c, and sets every broker clock a scenario skewed back to the host's,
// whichever scenario left them: the restore between two scenarios that
// share a cluster starts here.
func Heal(ctx context.Context, c *cluster.Cluster) error {
	return errors.Join(heal{c}.Apply(ctx, nil), c.SyncClocks(ctx))
}
