package history

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// benchOps is how many operations one iteration of BenchmarkRecorder1M
// records: the size of a long soak, as in checker's BenchmarkAnalyze1M.
const benchOps = 1_000_000

// BenchmarkRecorder1M records 1M operations with the stream off and on;
// "stream" includes Close, so all the encoding is in its figure.
func BenchmarkRecorder1M(b *testing.B) {
	for _, streaming := range []bool{false, true} {
		name := map[bool]string{false: "off", true: "stream"}[streaming]
		b.Run(name, func(b *testing.B) {
			ops := make([]Op, benchOps)
			for i := range ops {
				ops[i] = sendOp(i) // ids made up front: the workload makes its own
			}
			var hot time.Duration
			b.ReportAllocs()
			for b.Loop() {
				r := NewRecorder()
				if streaming {
					require.NoError(b, r.Stream(b.TempDir()))
				}
				t := time.Now()
				for i := range ops {
					r.Op(ops[i])
				}
				hot += time.Since(t)
				require.NoError(b, r.Close())
			}
			// ns/Op-call is what the recording goroutines pay; ns/Op adds
			// the final Close, so it holds all the encoding and writing.
			b.ReportMetric(float64(hot.Nanoseconds())/float64(b.N*benchOps), "ns/Op-call")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchOps), "ns/Op")
		})
	}
}

// BenchmarkRecorderOpParallel is the hot path as the workload drives it:
// many goroutines calling Op at once, with the stream off and on.
func BenchmarkRecorderOpParallel(b *testing.B) {
	for _, streaming := range []bool{false, true} {
		name := map[bool]string{false: "off", true: "stream"}[streaming]
		b.Run(name, func(b *testing.B) {
			r := NewRecorder()
			if streaming {
				require.NoError(b, r.Stream(b.TempDir()))
			}
			op := sendOp(1)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r.Op(op)
				}
			})
			b.StopTimer()
			require.NoError(b, r.Close())
		})
	}
}
