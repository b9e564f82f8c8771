package report

import (
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
)

// MaxBuckets is the default bucket budget of the timeline: about one
// bucket per 3 px of a laptop-wide chart, and what keeps a long run's
// report small.
const MaxBuckets = 300

// minBucket stops short runs from getting buckets finer than the 200 ms
// role sampling, where counts per bucket would be mostly noise.
const minBucket = 100 * time.Millisecond

// niceWidths are the bucket widths on offer; round widths keep tooltip
// times and axis labels readable.
var niceWidths = []time.Duration{
	100 * time.Millisecond, 200 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2 * time.Second, 5 * time.Second,
	10 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute,
	2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute,
	30 * time.Minute, time.Hour,
}

// Axis is the shared time axis of a report: offsets are measured from
// Start, and the run is cut into N buckets of Width.
type Axis struct {
	Start time.Time     `json:"start"`
	End   time.Time     `json:"end"`
	Width time.Duration `json:"width"`
	N     int           `json:"n"`
}

// NewAxis picks the smallest nice bucket width that cuts [start, end] into
// at most maxBuckets buckets (MaxBuckets when maxBuckets <= 0).
func NewAxis(start, end time.Time, maxBuckets int) Axis {
	if maxBuckets <= 0 {
		maxBuckets = MaxBuckets
	}
	if !end.After(start) {
		end = start.Add(time.Second)
	}
	span := end.Sub(start)
	width := time.Duration(0)
	for _, w := range niceWidths {
		if w >= minBucket && ceilDiv(span, w) <= maxBuckets {
			width = w
			break
		}
	}
	if width == 0 { // longer than maxBuckets hours: whole hours
		width = time.Hour * time.Duration(ceilDiv(span, time.Hour*time.Duration(maxBuckets)))
	}
	return Axis{Start: start, End: end, Width: width, N: ceilDiv(span, width)}
}

func ceilDiv(a, b time.Duration) int {
	return int((a + b - 1) / b)
}

// Len is the length of the axis.
func (a Axis) Len() time.Duration { return a.End.Sub(a.Start) }

// Offset is t's offset from the axis start, clamped to the axis.
func (a Axis) Offset(t time.Time) time.Duration {
	d := t.Sub(a.Start)
	if d < 0 {
		return 0
	}
	if l := a.Len(); d > l {
		return l
	}
	return d
}

// Index is the bucket holding t; times outside the axis fall into the
// first or last bucket so that per-bucket totals still add up to the
// run's counts.
func (a Axis) Index(t time.Time) int {
	if a.N == 0 || a.Width <= 0 {
		return 0
	}
	i := int(t.Sub(a.Start) / a.Width)
	if t.Before(a.Start) || i < 0 {
		return 0
	}
	if i >= a.N {
		return a.N - 1
	}
	return i
}

// Window is the run's time span: the checker's Start and End when set,
// else the run's start and end events, else the first and last record.
// The checker's bounds win so the report and result.json agree on what
// "second 12" means.
func Window(res checker.Result, run history.Run) (start, end time.Time) {
	start, end = res.Start, res.End
	var evStart, evEnd, lo, hi time.Time
	see := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	for _, e := range run.Events {
		if e.Type == history.RunEvent {
			switch e.Phase {
			case history.PhaseStart:
				evStart = e.Time
			case history.PhaseEnd:
				evEnd = e.Time
			}
		}
		see(e.Time)
	}
	if start.IsZero() || end.IsZero() {
		for i := range run.Ops {
			see(run.Ops[i].Time)
		}
	}
	if start.IsZero() {
		start = evStart
	}
	if start.IsZero() {
		start = lo
	}
	if end.IsZero() {
		end = evEnd
	}
	if end.IsZero() {
		end = hi
	}
	return start, end
}
