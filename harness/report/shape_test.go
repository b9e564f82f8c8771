package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// golden prints one element per line with %+v: durations print as "1.5s",
// which makes a golden diff readable, unlike JSON nanoseconds.
func golden[T any](t *testing.T, name string, items []T) {
	t.Helper()
	var buf bytes.Buffer
	for _, it := range items {
		fmt.Fprintf(&buf, "%+v\n", it)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), buf.String(), "%s differs from golden", name)
}

func smallAxis(t *testing.T) Axis {
	_, res := smallRun()
	ax := NewAxis(res.Start, res.End, 20)
	require.Equal(t, time.Second, ax.Width, "axis = %+v, want 20 buckets of 1s", ax)
	require.Equal(t, 20, ax.N, "axis = %+v, want 20 buckets of 1s", ax)
	return ax
}

func TestBucketsGolden(t *testing.T) {
	run, _ := smallRun()
	golden(t, "buckets", Buckets(run.Ops, smallAxis(t)))
}

func TestLanesGolden(t *testing.T) {
	run, _ := smallRun()
	golden(t, "lanes", Lanes(run.Events, smallAxis(t)))
}

func TestFaultBandsGolden(t *testing.T) {
	run, _ := smallRun()
	golden(t, "faultbands", FaultBands(run.Events, smallAxis(t)))
}

func TestFailoverMarksGolden(t *testing.T) {
	_, res := smallRun()
	golden(t, "failovers", FailoverMarks(res.Failover, smallAxis(t)))
}

func TestVerdictRowsGolden(t *testing.T) {
	_, res := smallRun()
	golden(t, "verdicts", VerdictRows(res))
}

func TestBucketTotalsMatchCounts(t *testing.T) {
	run, res := smallRun()
	var ok, fail, info, open, deliv int
	for _, b := range Buckets(run.Ops, smallAxis(t)) {
		ok, fail, info, open, deliv = ok+b.OK, fail+b.Fail, info+b.Info, open+b.Open, deliv+b.Delivered
	}
	c := res.Counts
	assert.Equal(t, c.SentOK, ok, "ok")
	assert.Equal(t, c.SentFail, fail, "fail")
	assert.Equal(t, c.SentInfo, info, "info")
	assert.Equal(t, c.Delivered, deliv, "delivered")
	assert.Equal(t, 1, open, "open sends")
}

func TestNewAxisBudget(t *testing.T) {
	for _, span := range []time.Duration{time.Millisecond, 10 * time.Second, 61 * time.Second,
		30 * time.Minute, 7 * time.Hour, 400 * time.Hour} {
		ax := NewAxis(t0, t0.Add(span), 300)
		assert.LessOrEqual(t, ax.N, 300, "span %v: axis %+v", span, ax)
		assert.GreaterOrEqual(t, ax.N, 1, "span %v: axis %+v", span, ax)
		assert.GreaterOrEqual(t, time.Duration(ax.N)*ax.Width, ax.Len(), "span %v: the buckets do not cover the axis %+v", span, ax)
	}
}

func TestPercentileNearestRank(t *testing.T) {
	var ls []time.Duration
	for i := 1; i <= 100; i++ {
		ls = append(ls, ms(i))
	}
	assert.Equal(t, ms(50), checker.Percentile(ls, 0.5), "p50")
	assert.Equal(t, ms(99), checker.Percentile(ls, 0.99), "p99")
	assert.Equal(t, ms(1), checker.Percentile(ls[:1], 0.99), "p99 of one")
}

func TestAvailabilityGap(t *testing.T) {
	run, _ := smallRun()
	g := AvailabilityGap(run.Ops)
	// Last ok before the kill is m-0079 at 7.9s+7ms; first after is m-0094
	// at 9.4s+8ms.
	assert.True(t, g.Known, "gap = %+v", g)
	assert.Equal(t, at(ms(7907)), g.From, "gap = %+v", g)
	assert.Equal(t, at(ms(9408)), g.To, "gap = %+v", g)
	g = AvailabilityGap(nil)
	assert.False(t, g.Known, "empty history has a gap: %+v", g)
}

func TestGapFromFileMatches(t *testing.T) {
	run, _ := smallRun()
	dir := t.TempDir()
	require.NoError(t, run.Save(dir))
	g, err := gapFromFile(filepath.Join(dir, history.OpsFile))
	require.NoError(t, err)
	want := AvailabilityGap(run.Ops)
	assert.Equal(t, want.Len, g.Len, "streamed gap %+v, in-memory %+v", g, want)
	assert.True(t, g.From.Equal(want.From), "streamed gap %+v, in-memory %+v", g, want)
}

func TestEvidence(t *testing.T) {
	run, res := smallRun()
	gs := Evidence(res, run.Ops, smallAxis(t), EvidenceLimit)
	require.Len(t, gs, 3, "groups = %+v", gs)
	require.Equal(t, KindLost, gs[0].Kind, "groups = %+v", gs)
	require.Len(t, gs[0].Items, 1, "groups = %+v", gs)
	require.NotEmpty(t, gs[1].Items, "groups = %+v", gs)
	require.NotEmpty(t, gs[2].Items, "groups = %+v", gs)
	lost := gs[0].Items[0]
	assert.Equal(t, "m-0050", lost.ID, "lost evidence = %+v", lost)
	assert.Len(t, lost.Records, 2, "lost evidence = %+v", lost)
	assert.Zero(t, lost.Deliveries, "lost evidence = %+v", lost)
	dup := gs[1].Items[0]
	assert.Equal(t, 2, dup.Deliveries, "duplicate evidence = %+v", dup)
	un := gs[2].Items[0]
	assert.Equal(t, "ghost-1", un.ID, "unexpected evidence = %+v", un)
	assert.Len(t, un.Records, 1, "unexpected evidence = %+v", un)
}
