package report

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// The timeline is laid out in Go rather than in the template: geometry is
// easier to get right (and to keep small) as code, and the template is
// left with nothing but escaping.

const (
	tlWidth  = 1200.0
	tlLeft   = 120.0 // lane labels
	tlRight  = 16.0
	tlPlotW  = tlWidth - tlLeft - tlRight
	laneH    = 18.0
	laneGap  = 4.0
	labelRow = 13.0
	sendsH   = 90.0
	delivH   = 60.0
	latH     = 100.0
	chartGap = 14.0
)

type svgRect struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type svgText struct {
	X, Y   float64
	Class  string
	Anchor string
	Text   string
}

type svgLine struct {
	X1, Y1, X2, Y2 float64
	Class          string
}

type svgPath struct {
	D     string
	Class string
}

// timeline is the drawing, in paint order: bands, grid, rects, paths,
// texts, then hover targets on top so their tooltips win.
type timeline struct {
	W, H  float64
	Bands []svgRect
	Grid  []svgLine
	Rects []svgRect
	Paths []svgPath
	Lines []svgLine
	Texts []svgText
	Hover []svgRect
}

type layout struct {
	ax  Axis
	len float64
}

func (l layout) x(d time.Duration) float64 {
	if l.len <= 0 {
		return tlLeft
	}
	return tlLeft + float64(d)/l.len*tlPlotW
}

// buildTimeline draws lanes, fault bands, failover marks and the three
// bucket charts on one axis.
func buildTimeline(ax Axis, buckets []Bucket, lanes []Lane, bands []FaultBand, marks []FailoverMark) timeline {
	l := layout{ax: ax, len: float64(ax.Len())}
	var t timeline
	y := 18.0 // top axis labels

	rows := placeLabels(l, bands)
	nrows := 1
	for _, r := range rows {
		nrows = max(nrows, r+1)
	}
	labelsY := y
	y += float64(nrows)*labelRow + 4
	bandTop := y

	foY := y
	t.Texts = append(t.Texts, svgText{X: tlLeft - 6, Y: foY + 12, Anchor: "end", Class: "lbl", Text: "failover"})
	y += 20

	for _, ln := range lanes {
		t.Texts = append(t.Texts, svgText{X: tlLeft - 6, Y: y + 13, Anchor: "end", Class: "lbl", Text: ln.Node})
		for _, s := range ln.Spans {
			w := l.x(s.To) - l.x(s.From)
			if s.Role != NoSample {
				w = max(w, 1) // a 200 ms second master must stay visible
			}
			t.Rects = append(t.Rects, svgRect{X: l.x(s.From), Y: y, W: w, H: laneH, Class: roleClass(s.Role),
				Title: fmt.Sprintf("%s: %s %s–%s s", ln.Node, s.Role, secs(s.From), secs(s.To))})
		}
		y += laneH + laneGap
	}
	y += chartGap

	bw := float64(ax.Width) / math.Max(l.len, 1) * tlPlotW
	barW := max(bw*0.85, 0.6)
	sendsTop := y
	maxSent := 1
	maxDeliv := 1
	maxLat := time.Duration(0)
	for _, b := range buckets {
		maxSent = max(maxSent, b.Sent()+b.Open)
		maxDeliv = max(maxDeliv, b.Delivered)
		maxLat = max(maxLat, b.Max)
	}
	t.Texts = append(t.Texts,
		svgText{X: tlLeft - 6, Y: sendsTop + 12, Anchor: "end", Class: "lbl", Text: "sends"},
		svgText{X: tlLeft - 6, Y: sendsTop + 25, Anchor: "end", Class: "sub", Text: fmt.Sprintf("max %d/bucket", maxSent)})
	base := sendsTop + sendsH
	for _, b := range buckets {
		x := l.x(b.From)
		yy := base
		for _, part := range []struct {
			n     int
			class string
		}{{b.OK, "s-ok"}, {b.Fail, "s-fail"}, {b.Info, "s-info"}, {b.Open, "s-open"}} {
			if part.n == 0 {
				continue
			}
			h := float64(part.n) / float64(maxSent) * sendsH
			yy -= h
			t.Rects = append(t.Rects, svgRect{X: x, Y: yy, W: clipW(x, barW), H: h, Class: part.class})
		}
	}
	t.Grid = append(t.Grid, svgLine{X1: tlLeft, Y1: base, X2: tlLeft + tlPlotW, Y2: base, Class: "base"})
	y = base + chartGap

	delivTop := y
	t.Texts = append(t.Texts,
		svgText{X: tlLeft - 6, Y: delivTop + 12, Anchor: "end", Class: "lbl", Text: "deliveries"},
		svgText{X: tlLeft - 6, Y: delivTop + 25, Anchor: "end", Class: "sub", Text: fmt.Sprintf("max %d/bucket", maxDeliv)})
	base = delivTop + delivH
	for _, b := range buckets {
		if b.Delivered == 0 {
			continue
		}
		h := float64(b.Delivered) / float64(maxDeliv) * delivH
		t.Rects = append(t.Rects, svgRect{X: l.x(b.From), Y: base - h, W: clipW(l.x(b.From), barW), H: h, Class: "d-ok"})
	}
	t.Grid = append(t.Grid, svgLine{X1: tlLeft, Y1: base, X2: tlLeft + tlPlotW, Y2: base, Class: "base"})
	y = base + chartGap

	latTop := y
	t.Texts = append(t.Texts, svgText{X: tlLeft - 6, Y: latTop + 12, Anchor: "end", Class: "lbl", Text: "send latency"},
		svgText{X: tlLeft - 6, Y: latTop + 25, Anchor: "end", Class: "sub", Text: "log scale"})
	latency(&t, l, buckets, latTop, maxLat, bw)
	y = latTop + latH + chartGap
	bottom := y - chartGap

	for i, b := range bands {
		x := l.x(b.From)
		w := max(l.x(b.To)-x, 2) // kills are instantaneous; keep them visible
		class := "band"
		if b.Disruptive {
			class = "band disruptive"
		}
		title := fmt.Sprintf("step %d: %s, %s–%s s", b.Step, b.Label, secs(b.From), secs(b.To))
		if !b.Ended {
			title += " (no end event)"
		}
		if b.Detail != "" {
			title += "\n" + b.Detail
		}
		if b.Error != "" {
			title += "\nerror: " + b.Error
		}
		t.Bands = append(t.Bands, svgRect{X: x, Y: bandTop, W: w, H: bottom - bandTop, Class: class, Title: title})
		t.Texts = append(t.Texts, svgText{X: x + 1, Y: labelsY + float64(rows[i]+1)*labelRow - 3, Class: "flbl", Text: b.Label})
	}

	for _, m := range marks {
		x := l.x(m.At)
		t.Lines = append(t.Lines, svgLine{X1: x, Y1: foY, X2: x, Y2: bottom, Class: "fo"})
		end, class, txt := l.x(m.At+m.RTO), "rto", "RTO "+fmtDur(m.RTO)
		if !m.Recovered {
			end, class, txt = tlLeft+tlPlotW, "rto never", "no recovery"
		}
		t.Rects = append(t.Rects, svgRect{X: x, Y: foY + 4, W: max(end-x, 1.5), H: 10, Class: class,
			Title: fmt.Sprintf("step %d %s at %s s: %s", m.Step, m.Label, secs(m.At), txt)})
		tx, anchor := end+3, "start"
		if tx > tlLeft+tlPlotW-60 {
			tx, anchor = x-3, "end"
		}
		t.Texts = append(t.Texts, svgText{X: tx, Y: foY + 13, Anchor: anchor, Class: "fotxt", Text: txt})
	}

	axisTicks(&t, l, 12, bottom+12)
	for _, b := range buckets {
		t.Hover = append(t.Hover, svgRect{X: l.x(b.From), Y: sendsTop, W: clipW(l.x(b.From), max(bw, 0.6)), H: bottom - sendsTop, Class: "hover",
			Title: bucketTitle(b, ax.Width)})
	}
	t.W, t.H = tlWidth, bottom+20
	return t
}

// latency draws p50, p99 and max as paths on a log scale: a failover turns
// millisecond sends into multi-second ones, which a linear scale flattens.
func latency(t *timeline, l layout, buckets []Bucket, top float64, maxLat time.Duration, bw float64) {
	lo := math.Log10(float64(time.Millisecond))
	hi := math.Max(lo+1, math.Ceil(math.Log10(math.Max(float64(maxLat), 1))))
	yOf := func(d time.Duration) float64 {
		v := math.Log10(math.Max(float64(d), float64(time.Millisecond)))
		return top + latH - (v-lo)/(hi-lo)*latH
	}
	for dec := lo; dec <= hi; dec++ {
		yy := yOf(time.Duration(math.Pow(10, dec)))
		t.Grid = append(t.Grid, svgLine{X1: tlLeft, Y1: yy, X2: tlLeft + tlPlotW, Y2: yy, Class: "grid"})
		t.Texts = append(t.Texts, svgText{X: tlLeft + tlPlotW + 2, Y: yy + 3, Class: "tick", Text: fmtDur(time.Duration(math.Pow(10, dec)))})
	}
	for _, s := range []struct {
		class string
		get   func(Bucket) time.Duration
	}{
		{"l-max", func(b Bucket) time.Duration { return b.Max }},
		{"l-p99", func(b Bucket) time.Duration { return b.P99 }},
		{"l-p50", func(b Bucket) time.Duration { return b.P50 }},
	} {
		var d strings.Builder
		pen := false
		for _, b := range buckets {
			if b.Latencies == 0 {
				pen = false // a gap in the data is a gap in the line
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, num(l.x(b.From)+bw/2), num(yOf(s.get(b))))
			if !pen {
				// A lone point still needs a visible stroke.
				fmt.Fprintf(&d, "h0.01")
			}
			pen = true
		}
		if d.Len() > 0 {
			t.Paths = append(t.Paths, svgPath{D: d.String(), Class: s.class})
		}
	}
}

// clipW keeps the last bucket, which may reach past the end of the run
// when the run is not a whole number of buckets, inside the plot.
func clipW(x, w float64) float64 {
	return max(min(w, tlLeft+tlPlotW-x), 0.3)
}

var tickSteps = []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400}

func axisTicks(t *timeline, l layout, maxTicks int, y float64) {
	total := l.len / float64(time.Second)
	step := tickSteps[len(tickSteps)-1]
	for _, s := range tickSteps {
		if total/s <= float64(maxTicks) {
			step = s
			break
		}
	}
	for v := 0.0; v <= total+1e-9; v += step {
		x := l.x(time.Duration(v * float64(time.Second)))
		t.Grid = append(t.Grid, svgLine{X1: x, Y1: 14, X2: x, Y2: y - 10, Class: "vgrid"})
		lbl := num(v)
		t.Texts = append(t.Texts, svgText{X: x, Y: 11, Anchor: "middle", Class: "tick", Text: lbl},
			svgText{X: x, Y: y, Anchor: "middle", Class: "tick", Text: lbl})
	}
	t.Texts = append(t.Texts, svgText{X: tlLeft - 6, Y: 11, Anchor: "end", Class: "sub", Text: "s since start"})
}

// placeLabels stacks fault labels into rows so neighbouring faults do not
// print over each other; it returns each band's row.
func placeLabels(l layout, bands []FaultBand) []int {
	rows := make([]int, len(bands))
	var ends []float64
	for i, b := range bands {
		x := l.x(b.From)
		w := float64(len(b.Label))*6 + 8
		r := -1
		for j, e := range ends {
			if e <= x {
				r = j
				break
			}
		}
		if r < 0 {
			if len(ends) < 4 {
				ends = append(ends, 0)
				r = len(ends) - 1
			} else { // too crowded: reuse the row that frees up first
				r = 0
				for j, e := range ends {
					if e < ends[r] {
						r = j
					}
				}
			}
		}
		ends[r] = x + w
		rows[i] = r
	}
	return rows
}

func bucketTitle(b Bucket, width time.Duration) string {
	s := fmt.Sprintf("%s–%s s\nsends ok %d, fail %d, info %d", secs(b.From), secs(b.From+width), b.OK, b.Fail, b.Info)
	if b.Open > 0 {
		s += fmt.Sprintf(", never completed %d", b.Open)
	}
	s += fmt.Sprintf("\ndelivered %d", b.Delivered)
	if b.Latencies > 0 {
		s += fmt.Sprintf("\nlatency p50 %s, p99 %s, max %s", fmtDur(b.P50), fmtDur(b.P99), fmtDur(b.Max))
	}
	return s
}

// roleClass maps roles to a fixed set of CSS classes; a role string the
// report does not know (a newer probe) gets a neutral colour.
func roleClass(r history.Role) string {
	switch r {
	case history.Master, history.Slave, history.Starting, history.Unresponsive, history.Paused, history.Down,
		history.Leader, history.Follower, history.Looking, history.Primary, history.Replica:
		return "r-" + string(r)
	case NoSample:
		return "r-nosample"
	}
	return "r-other"
}
