package checker

import (
	"slices"
	"time"
)

// refusal is a stretch, [from, to), in which the probe found a broker
// refusing clients inside its log window.
type refusal struct{ from, to time.Time }

// served lists the log windows with the stretches the probe found the
// broker refusing clients cut out: the time each broker could act as
// master. A window the cuts split becomes several; master samples stay
// with the first piece, as only the note counts them.
func (lm *logMaster) served() []MasterWindow {
	var out []MasterWindow
	for _, w := range lm.windows {
		out = append(out, w.pieces()...)
	}
	slices.SortStableFunc(out, func(a, b MasterWindow) int {
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		return cmpString(a.Node, b.Node)
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

// pieces is w less its cuts.
func (w logWindow) pieces() []MasterWindow {
	if len(w.cuts) == 0 {
		return []MasterWindow{w.MasterWindow}
	}
	cuts := slices.Clone(w.cuts)
	slices.SortFunc(cuts, func(a, b refusal) int { return a.from.Compare(b.from) })
	var out []MasterWindow
	from := w.From
	for _, c := range cuts {
		if c.from.After(from) {
			out = append(out, MasterWindow{Node: w.Node, From: from, To: minTime(c.from, w.To)})
		}
		from = later(from, c.to)
		if !from.Before(w.To) {
			break
		}
	}
	if from.Before(w.To) {
		out = append(out, MasterWindow{Node: w.Node, From: from, To: w.To})
	}
	if len(out) > 0 {
		out[0].Samples = w.Samples
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
