package report

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// Bucket aggregates the operations of one time bucket of an Axis.
type Bucket struct {
	// From is the bucket's start, as an offset from the axis start.
	From time.Duration `json:"from"`
	// Send outcomes, counted at completion time: that is when the producer
	// learns the outcome, so an availability gap shows as a stretch with
	// no OK exactly where no acknowledgement arrived, matching how the
	// checker measures RTO.
	OK   int `json:"ok"`
	Fail int `json:"fail"`
	Info int `json:"info"`
	// Open counts sends invoked in this bucket that never completed; they
	// are as uncertain as Info but point at where the producer hung.
	Open      int `json:"open"`
	Delivered int `json:"delivered"`
	// Latency (completion − invoke, matched by id) of the sends completed
	// in the bucket, whatever their outcome; zero when Latencies is 0.
	Latencies int           `json:"latencies"`
	P50       time.Duration `json:"p50"`
	P99       time.Duration `json:"p99"`
	Max       time.Duration `json:"max"`
}

// Sent is the number of completed sends in the bucket.
func (b Bucket) Sent() int { return b.OK + b.Fail + b.Info }

// Buckets aggregates ops onto ax. It makes a single pass plus one sort
// per bucket, which is what keeps a million-operation report fast.
func Buckets(ops []history.Op, ax Axis) []Bucket {
	out := make([]Bucket, ax.N)
	for i := range out {
		out[i].From = time.Duration(i) * ax.Width
	}
	if ax.N == 0 {
		return out
	}
	lat := make([][]time.Duration, ax.N)
	invoked := make(map[string]time.Time)
	for i := range ops {
		op := &ops[i]
		switch {
		case op.F == history.Send && op.Type == history.Invoke:
			if op.ID != "" {
				invoked[op.ID] = op.Time
			}
		case op.F == history.Send:
			b := &out[ax.Index(op.Time)]
			switch op.Type {
			case history.OK:
				b.OK++
			case history.Fail:
				b.Fail++
			default:
				b.Info++
			}
			if t, ok := invoked[op.ID]; ok && op.ID != "" {
				delete(invoked, op.ID)
				j := ax.Index(op.Time)
				lat[j] = append(lat[j], op.Time.Sub(t))
			}
		case op.F == history.Receive && op.Type == history.OK:
			out[ax.Index(op.Time)].Delivered++
		}
	}
	for _, t := range invoked {
		out[ax.Index(t)].Open++
	}
	for i, ls := range lat {
		if len(ls) == 0 {
			continue
		}
		slices.Sort(ls)
		out[i].Latencies = len(ls)
		out[i].P50 = checker.Percentile(ls, 0.50)
		out[i].P99 = checker.Percentile(ls, 0.99)
		out[i].Max = ls[len(ls)-1]
	}
	return out
}

// NoSample is the role of a span where the role probe said nothing for
// too long; drawn as a gap so a stalled probe is not mistaken for a role.
const NoSample history.Role = "no-sample"

// minHold is the shortest time a role sample is trusted to hold: probes of
// an unresponsive broker wait for a timeout, so samples can be seconds apart.
const minHold = 3 * time.Second

// Span is an interval during which a node kept one role.
type Span struct {
	Role history.Role  `json:"role"`
	From time.Duration `json:"from"`
	To   time.Duration `json:"to"`
}

// Lane is the role history of one node, compressed into spans of equal
// role so a long run costs a handful of spans instead of a sample each.
type Lane struct {
	Node  string `json:"node"`
	Spans []Span `json:"spans"`
}

// Lanes builds one lane per node (sorted by name) from the role samples,
// clipped to ax. A sample holds until the node's next sample, but at most
// max(3 s, 5 × the node's median sample gap); beyond that the lane shows
// NoSample.
func Lanes(events []history.Event, ax Axis) []Lane {
	byNode := map[string][]history.Event{}
	for _, e := range events {
		if e.Type == history.RoleEvent && e.Node != "" {
			byNode[e.Node] = append(byNode[e.Node], e)
		}
	}
	nodes := make([]string, 0, len(byNode))
	for n := range byNode {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	lanes := make([]Lane, 0, len(nodes))
	for _, n := range nodes {
		lanes = append(lanes, Lane{Node: n, Spans: laneSpans(byNode[n], ax)})
	}
	return lanes
}

func laneSpans(samples []history.Event, ax Axis) []Span {
	sort.SliceStable(samples, func(i, j int) bool { return samples[i].Time.Before(samples[j].Time) })
	hold := minHold
	if len(samples) > 2 {
		gaps := make([]time.Duration, 0, len(samples)-1)
		for i := 1; i < len(samples); i++ {
			gaps = append(gaps, samples[i].Time.Sub(samples[i-1].Time))
		}
		slices.Sort(gaps)
		hold = max(hold, 5*gaps[len(gaps)/2])
	}
	var spans []Span
	add := func(r history.Role, from, to time.Time) {
		f, t := ax.Offset(from), ax.Offset(to)
		if t <= f {
			return
		}
		if k := len(spans) - 1; k >= 0 && spans[k].Role == r && spans[k].To == f {
			spans[k].To = t
			return
		}
		spans = append(spans, Span{Role: r, From: f, To: t})
	}
	add(NoSample, ax.Start, samples[0].Time)
	for i, s := range samples {
		next := ax.End
		if i+1 < len(samples) {
			next = samples[i+1].Time
		}
		until := next
		if until.Sub(s.Time) > hold {
			until = s.Time.Add(hold)
		}
		add(s.Role, s.Time, until)
		add(NoSample, until, next)
	}
	return spans
}

// FaultBand is one step of the fault timeline, from its start event to
// its end event.
type FaultBand struct {
	Step   int          `json:"step"`
	Action fault.Action `json:"action"`
	Target string       `json:"target,omitempty"`
	Nodes  []string     `json:"nodes,omitempty"`
	// Label is what the chart prints, e.g. "kill broker2".
	Label string        `json:"label"`
	From  time.Duration `json:"from"`
	To    time.Duration `json:"to"`
	// Ended is false when the run stopped before the fault's end event;
	// the band then runs to the end of the axis.
	Ended      bool   `json:"ended"`
	Disruptive bool   `json:"disruptive"`
	Detail     string `json:"detail,omitempty"`
	Error      string `json:"error,omitempty"`
}

// FaultBands pairs fault start and end events by step and action, in
// start order: a timed fault's automatic undo (the disk-free after a
// disk-full's duration) is recorded under the same step, and must not
// take the fault's end. An end without a start is dropped: there is
// nothing to shade.
func FaultBands(events []history.Event, ax Axis) []FaultBand {
	type key struct {
		step   int
		action fault.Action
	}
	var bands []FaultBand
	open := map[key]int{} // step and action → index of its unfinished band
	for _, e := range events {
		if e.Type != history.FaultEvent {
			continue
		}
		switch e.Phase {
		case history.PhaseStart:
			open[key{e.Step, e.Action}] = len(bands)
			bands = append(bands, FaultBand{
				Step: e.Step, Action: e.Action, Target: e.Target,
				Nodes: slices.Clone(e.Nodes), Label: FaultLabel(e.Action, e.Target, e.Nodes),
				From: ax.Offset(e.Time), To: ax.Len(),
				Disruptive: e.Action.Disruptive(),
				Detail:     e.Detail, Error: e.Error,
			})
		case history.PhaseEnd:
			k := key{e.Step, e.Action}
			i, ok := open[k]
			if !ok {
				continue
			}
			delete(open, k)
			b := &bands[i]
			b.To, b.Ended = max(b.From, ax.Offset(e.Time)), true
			if b.Error == "" {
				b.Error = e.Error
			}
			if b.Detail == "" {
				b.Detail = e.Detail
			}
		}
	}
	sort.SliceStable(bands, func(i, j int) bool { return bands[i].From < bands[j].From })
	return bands
}

// FaultLabel names a fault the way people say it: action then the nodes
// it hit, falling back to the scenario's target expression.
func FaultLabel(action fault.Action, target string, nodes []string) string {
	switch {
	case len(nodes) > 0:
		return string(action) + " " + strings.Join(nodes, ",")
	case target != "":
		return string(action) + " " + target
	}
	return string(action)
}

// FailoverMark places one measured failover on the axis.
type FailoverMark struct {
	Step  int           `json:"step"`
	Label string        `json:"label"`
	At    time.Duration `json:"at"`
	// RTO is meaningful only when Recovered.
	RTO       time.Duration `json:"rto"`
	Recovered bool          `json:"recovered"`
}

// FailoverMarks converts the checker's failovers to axis offsets.
func FailoverMarks(fs []checker.Failover, ax Axis) []FailoverMark {
	out := make([]FailoverMark, 0, len(fs))
	for _, f := range fs {
		m := FailoverMark{
			Step: f.Step, Label: FaultLabel(f.Action, f.Target, f.Nodes),
			At: ax.Offset(f.At), Recovered: f.Recovered && f.RTOms >= 0,
		}
		if m.Recovered {
			m.RTO = time.Duration(f.RTOms) * time.Millisecond
		}
		out = append(out, m)
	}
	return out
}

// VerdictRow is one row of the verdict table.
type VerdictRow struct {
	Name     checker.Check  `json:"name"`
	Status   checker.Status `json:"status"`
	Expected checker.Status `json:"expected"`
	Detail   string         `json:"detail"`
	// AsExpected is false for a row that should catch the reader's eye:
	// the check did not come out as the scenario expects. An n/a check
	// expected to pass is as expected; an unknown one is not, because
	// nothing was proven.
	AsExpected bool `json:"as_expected"`
}

// VerdictRows lists the checks in the checker's order, filling in the
// implied expectation (Pass) for checks the scenario says nothing about.
func VerdictRows(res checker.Result) []VerdictRow {
	rows := make([]VerdictRow, 0, len(res.Checks))
	for _, c := range res.Checks {
		exp := c.Expected
		if exp == "" {
			exp = checker.Pass
		}
		rows = append(rows, VerdictRow{
			Name: c.Name, Status: c.Status, Expected: exp, Detail: c.Detail,
			AsExpected: checker.Matches(c.Status, exp),
		})
	}
	return rows
}
