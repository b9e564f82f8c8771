package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/amqha/amqha/docker"
)

// BenchmarkClusterReady measures bring-up of each profile, from nothing
// to a sampled master, with the image already built. It needs Docker.
func BenchmarkClusterReady(b *testing.B) {
	for _, name := range profileNames() {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			if err := Profiles[name].CheckImage(ctx); err != nil {
				b.Skipf("not measured: %v", err)
			}
			for b.Loop() {
				start := time.Now()
				c, err := Run(ctx, WithImage(docker.Image()), WithProfile(name), WithLogDir(b.TempDir()))
				if err == nil {
					_, err = c.FirstLeader(ctx, time.Minute)
				}
				b.ReportMetric(time.Since(start).Seconds(), "s/ready")
				if terr := c.Terminate(context.Background()); terr != nil {
					b.Errorf("terminate: %v", terr)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
