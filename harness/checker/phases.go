package checker

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// PhaseKind says where a phase sits against the faults.
type PhaseKind string

// Phase kinds: before the first fault, while one or more are in effect,
// between faults, and after the last one ended (the recovery).
const (
	PhaseBefore  PhaseKind = "before"
	PhaseDuring  PhaseKind = "during"
	PhaseBetween PhaseKind = "between"
	PhaseAfter   PhaseKind = "after"
)

// Phase is the clients' view of one stretch of a run: how fast sends were
// acknowledged and how long each took. Latency is from a send's invoke to
// its receipt, over the sends invoked in the phase that got one; the rate
// counts receipts that arrived in it.
type Phase struct {
	Kind PhaseKind `json:"kind"`
	// Name says which faults: "during step 2 (pause master)".
	Name string    `json:"name"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// AckedPerS is acknowledged sends per second of the phase.
	AckedPerS float64 `json:"acked_per_s"`
	Acked     int     `json:"acked"`
	// Unconfirmed counts sends invoked in the phase that never got a
	// receipt (failed, unknown or pending).
	Unconfirmed int     `json:"unconfirmed"`
	P50MS       float64 `json:"p50_ms"`
	P99MS       float64 `json:"p99_ms"`
	MaxMS       float64 `json:"max_ms"`
}

// minPhase is the shortest stretch worth a phase: a kill lands in well
// under it, and a rate over a few milliseconds says nothing.
const minPhase = 500 * time.Millisecond

// Phases cuts the producer's time, from its first send to the drain, at
// every fault's start and end, and sums each stretch up.
func Phases(run history.Run, acks []ack) []Phase {
	from, ok := firstSend(run.Ops)
	if !ok {
		return nil
	}
	to := producerEnd(run)
	if !to.After(from) {
		return nil
	}
	labels := faultLabels(run.Events)
	spans := faultSpans(run)
	cuts := []time.Time{from, to}
	for _, s := range spans {
		for _, t := range []time.Time{s.from, s.to} {
			if t.After(from) && t.Before(to) {
				cuts = append(cuts, t)
			}
		}
	}
	slices.SortFunc(cuts, func(a, b time.Time) int { return a.Compare(b) })
	cuts = mergeClose(cuts)
	var out []Phase
	for i := 0; i+1 < len(cuts); i++ {
		p := Phase{From: cuts[i], To: cuts[i+1]}
		p.Kind, p.Name = phaseName(spans, labels, p.From, p.To)
		out = append(out, p)
	}
	summarise(out, run.Ops, acks)
	return out
}

func firstSend(ops []history.Op) (time.Time, bool) {
	for i := range ops {
		if ops[i].F == history.Send && ops[i].Type == history.Invoke {
			return ops[i].Time, true
		}
	}
	return time.Time{}, false
}

// mergeClose drops cuts closer than minPhase to the one before, but never
// the last: the phases still cover the whole span.
func mergeClose(cuts []time.Time) []time.Time {
	out := cuts[:1]
	for _, t := range cuts[1:] {
		if t.Sub(out[len(out)-1]) >= minPhase {
			out = append(out, t)
		}
	}
	if last := cuts[len(cuts)-1]; !out[len(out)-1].Equal(last) {
		out[len(out)-1] = last
	}
	return out
}

// phaseName names [from, to) by the faults in effect at its middle, else
// by the last fault that started before it.
func phaseName(spans []span, labels map[int]string, from, to time.Time) (PhaseKind, string) {
	mid := from.Add(to.Sub(from) / 2)
	var during []int
	last := 0
	for _, s := range spans {
		if !s.from.After(mid) && s.to.After(mid) && s.to.Sub(s.from) >= minPhase {
			during = append(during, s.step)
		}
		if !s.from.After(mid) && s.step > last {
			last = s.step
		}
	}
	switch {
	case len(during) > 0:
		name := "during"
		for i, st := range during {
			if i > 0 {
				name += " +"
			}
			name += " " + labels[st]
		}
		return PhaseDuring, name
	case last == 0:
		return PhaseBefore, "before the first fault"
	}
	kind := PhaseAfter
	for _, s := range spans {
		if s.from.After(mid) {
			kind = PhaseBetween
		}
	}
	return kind, "after " + labels[last]
}

// faultLabels names each step as the report does: "step 2 (pause master)".
func faultLabels(events []history.Event) map[int]string {
	out := map[int]string{}
	for _, e := range events {
		if e.Type == history.FaultEvent && e.Phase == history.PhaseStart {
			if _, ok := out[e.Step]; !ok {
				out[e.Step] = fmt.Sprintf("step %d (%s %s)", e.Step, e.Action, targetOf(e))
			}
		}
	}
	return out
}

func targetOf(e history.Event) string {
	if s, ok := fault.Lookup(e.Action); ok && s.Targetless {
		return ""
	}
	return e.Target
}

// summarise fills each phase's figures from the acknowledged sends and
// the invokes: a receipt at a phase's very end counts in it, and a send
// invoked in a phase that got no receipt is unconfirmed there.
func summarise(ps []Phase, ops []history.Op, acks []ack) {
	lat := make([][]time.Duration, len(ps))
	for _, a := range acks {
		if i := phaseAt(ps, a.at, true); i >= 0 {
			ps[i].Acked++
		}
		if i := phaseAt(ps, a.invoked, false); i >= 0 && !a.invoked.IsZero() {
			lat[i] = append(lat[i], a.at.Sub(a.invoked))
		}
	}
	for i := range ops {
		if op := &ops[i]; op.F == history.Send && op.Type == history.Invoke {
			if j := phaseAt(ps, op.Time, false); j >= 0 {
				ps[j].Unconfirmed++
			}
		}
	}
	for i := range ps {
		p := &ps[i]
		p.Unconfirmed = max(0, p.Unconfirmed-len(lat[i]))
		if secs := p.To.Sub(p.From).Seconds(); secs > 0 {
			p.AckedPerS = float64(p.Acked) / secs
		}
		if l := lat[i]; len(l) > 0 {
			slices.Sort(l)
			p.P50MS, p.P99MS, p.MaxMS = ms(Percentile(l, 0.50)), ms(Percentile(l, 0.99)), ms(l[len(l)-1])
		}
	}
}

// phaseAt is the phase that holds t, -1 outside them all; closed says
// whether the last phase holds its end.
func phaseAt(ps []Phase, t time.Time, closed bool) int {
	i := sort.Search(len(ps), func(i int) bool { return ps[i].To.After(t) })
	switch {
	case i < len(ps) && !t.Before(ps[i].From):
		return i
	case closed && len(ps) > 0 && t.Equal(ps[len(ps)-1].To):
		return len(ps) - 1
	}
	return -1
}

// Percentile is the nearest-rank p-th quantile of sorted durations, so
// the value is one that was actually observed; the report's latency
// lines use it too.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	k := int(p*float64(len(sorted))+0.999999999) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
