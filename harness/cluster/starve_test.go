package cluster

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCFSQuotaLeavesTheShareAsked(t *testing.T) {
	for _, c := range []struct {
		cpus          float64
		period, quota int64
	}{
		{0.05, 100_000, 5_000},
		{0.5, 100_000, 50_000},
		{1.5, 100_000, 150_000},
		{0.01, 100_000, 1_000},
		{0.005, 1_000_000, 5_000}, // too small a quota for 100 ms: the longest period
		{0.001, 1_000_000, 1_000},
	} {
		p, q, err := cfsQuota(c.cpus)
		require.NoError(t, err, "cpus %g", c.cpus)
		assert.Equal(t, c.period, p, "period for cpus %g", c.cpus)
		assert.Equal(t, c.quota, q, "quota for cpus %g", c.cpus)
	}
}

func TestCFSQuotaRefusesSharesTheKernelCannotTake(t *testing.T) {
	for _, cpus := range []float64{0, -0.5, 0.0004, math.NaN(), math.Inf(1)} {
		_, _, err := cfsQuota(cpus)
		assert.Error(t, err, "cpus %g was accepted", cpus)
	}
}
