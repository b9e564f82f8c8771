package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BenchmarkWriteHTML1M renders a one-million-operation, 30-minute run.
// The report must stay a few MB at most and take a few seconds at most.
func BenchmarkWriteHTML1M(b *testing.B) {
	run, res := bigRun(1_000_000)
	dir := b.TempDir()
	in := Input{Result: res, Run: run, Meta: Meta{RunID: "bench", Seed: "1"}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		require.NoError(b, WriteHTML(dir, in))
	}
	b.StopTimer()
	st, err := os.Stat(filepath.Join(dir, HTMLFile))
	require.NoError(b, err)
	b.ReportMetric(float64(st.Size()), "report-bytes")
	assert.LessOrEqual(b, st.Size(), int64(4<<20), "report is %d bytes", st.Size())
}
