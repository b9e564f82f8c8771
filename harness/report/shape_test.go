package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

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
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from golden; got:\n%s\nwant:\n%s", name, buf.Bytes(), want)
	}
}

func smallAxis(t *testing.T) Axis {
	_, res := smallRun()
	ax := NewAxis(res.Start, res.End, 20)
	if ax.Width != time.Second || ax.N != 20 {
		t.Fatalf("axis = %+v, want 20 buckets of 1s", ax)
	}
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
	if ok != c.SentOK || fail != c.SentFail || info != c.SentInfo || deliv != c.Delivered || open != 1 {
		t.Errorf("bucket totals ok=%d fail=%d info=%d open=%d delivered=%d, counts %+v", ok, fail, info, open, deliv, c)
	}
}

func TestNewAxisBudget(t *testing.T) {
	for _, span := range []time.Duration{time.Millisecond, 10 * time.Second, 61 * time.Second,
		30 * time.Minute, 7 * time.Hour, 400 * time.Hour} {
		ax := NewAxis(t0, t0.Add(span), 300)
		if ax.N > 300 || ax.N < 1 || time.Duration(ax.N)*ax.Width < ax.Len() {
			t.Errorf("span %v: axis %+v", span, ax)
		}
	}
}

func TestPercentileNearestRank(t *testing.T) {
	var ls []time.Duration
	for i := 1; i <= 100; i++ {
		ls = append(ls, ms(i))
	}
	if p := percentile(ls, 0.5); p != ms(50) {
		t.Errorf("p50 = %v", p)
	}
	if p := percentile(ls, 0.99); p != ms(99) {
		t.Errorf("p99 = %v", p)
	}
	if p := percentile(ls[:1], 0.99); p != ms(1) {
		t.Errorf("p99 of one = %v", p)
	}
}

func TestAvailabilityGap(t *testing.T) {
	run, _ := smallRun()
	g := AvailabilityGap(run.Ops)
	// Last ok before the kill is m-0079 at 7.9s+7ms; first after is m-0094
	// at 9.4s+8ms.
	if !g.Known || g.From != at(ms(7907)) || g.To != at(ms(9408)) {
		t.Errorf("gap = %+v", g)
	}
	if g := AvailabilityGap(nil); g.Known {
		t.Errorf("empty history has a gap: %+v", g)
	}
}

func TestGapFromFileMatches(t *testing.T) {
	run, _ := smallRun()
	dir := t.TempDir()
	if err := run.Save(dir); err != nil {
		t.Fatal(err)
	}
	g, err := gapFromFile(filepath.Join(dir, history.OpsFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := AvailabilityGap(run.Ops); g.Len != want.Len || !g.From.Equal(want.From) {
		t.Errorf("streamed gap %+v, in-memory %+v", g, want)
	}
}

func TestEvidence(t *testing.T) {
	run, res := smallRun()
	gs := Evidence(res, run.Ops, smallAxis(t), EvidenceLimit)
	if len(gs) != 3 || gs[0].Kind != KindLost || len(gs[0].Items) != 1 {
		t.Fatalf("groups = %+v", gs)
	}
	lost := gs[0].Items[0]
	if lost.ID != "m-0050" || len(lost.Records) != 2 || lost.Deliveries != 0 {
		t.Errorf("lost evidence = %+v", lost)
	}
	if dup := gs[1].Items[0]; dup.Deliveries != 2 {
		t.Errorf("duplicate evidence = %+v", dup)
	}
	if un := gs[2].Items[0]; un.ID != "ghost-1" || len(un.Records) != 1 {
		t.Errorf("unexpected evidence = %+v", un)
	}
}
