package cluster

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/docker"
)

// BenchmarkClusterReady measures bring-up of each profile, from nothing
// to the verified baseline every scenario starts from (one master and
// slaves, a ZooKeeper leader and followers, a database primary with its
// synchronous standby), with the image already built. It reports the
// median over -benchtime iterations. It needs Docker.
func BenchmarkClusterReady(b *testing.B) {
	for _, name := range profileNames() {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			if err := Profiles[name].CheckImage(ctx); err != nil {
				b.Skipf("not measured: %v", err)
			}
			var took []float64
			for b.Loop() {
				start := time.Now()
				c, err := Run(ctx, WithImage(docker.Image()), WithProfile(name), WithLogDir(b.TempDir()))
				if err == nil {
					wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
					err = c.WaitBaseline(wctx)
					cancel()
				}
				took = append(took, time.Since(start).Seconds())
				b.ReportMetric(median(took), "s/ready-median")
				assert.NoError(b, c.Terminate(context.Background()), "terminate")
				require.NoError(b, err)
			}
		})
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
