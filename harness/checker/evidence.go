package checker

import (
	"fmt"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// masterEvidence is what single-master and split-brain-acks judge: the
// master windows, and where they came from.
type masterEvidence struct {
	samples []history.Event // role samples in time order
	windows []MasterWindow  // by From
	// fromLog: the windows are the brokers' log windows, half-open; else
	// the probe's runs of master samples, closed on both ends.
	fromLog bool
	// note says which source the windows are and what the cross-check
	// found, for the check's detail; empty for a probe-only history.
	note string
	// base is what details word their times relative to.
	base time.Time
	// unsure says why the two sources disagree too much for a pass: a log
	// window of seconds in which the probe, sampling every 200 ms, never
	// once saw that broker as master. Empty when they agree.
	unsure string
	// frozen is each node's certainly frozen stretches, in which it
	// handled nothing (see ackOverlaps).
	frozen map[string][]frozenStretch
}

// silentLimit is how long a log window may go without a master sample
// before the probe and the log are held to disagree: a few missed samples
// are jitter, seconds of them mean one source is wrong.
const silentLimit = 2 * time.Second

// masterEvidenceOf picks the windows, wording the note's times relative
// to base: the brokers' log windows when the
// history has master log events and the role probe does not contradict
// them (see agreement.trusted), the probe's otherwise. A history from
// before the log events, or from a broker whose log the harness cannot
// read, is judged by the probe as it always was.
func masterEvidenceOf(events []history.Event, base time.Time) masterEvidence {
	samples := roleSamples(events)
	ev := masterEvidence{samples: samples, windows: masterWindows(samples), base: base, frozen: certainlyFrozen(events)}
	lm := buildLogWindows(events)
	if lm.lines == 0 {
		return ev
	}
	if len(samples) == 0 {
		ev.windows, ev.fromLog = lm.master(), true
		ev.note = fmt.Sprintf("windows from the brokers' logs (%d master log lines); no role samples to cross-check them with%s",
			lm.lines, frozenNote(lm.frozen, base))
		return ev
	}
	ag := crossCheck(&lm, samples)
	if !ag.trusted() {
		ev.note = fmt.Sprintf("the brokers' logs (%d master log lines) disagree with the role probe, so the probe's windows are judged: %s",
			lm.lines, ag.describe(base))
		return ev
	}
	ev.windows, ev.fromLog = lm.served(), true
	for _, w := range ag.silent {
		if w.To.Sub(w.From) > silentLimit {
			ev.unsure = fmt.Sprintf("the role probe never saw %s as master during its %s log window %s–%s, so the two sources disagree",
				w.Node, w.To.Sub(w.From).Round(time.Millisecond), rel(w.From, base), rel(w.To, base))
			break
		}
	}
	ev.note = fmt.Sprintf("windows from the brokers' logs (%d master log lines), consistent with the role probe", lm.lines)
	if d := ag.describe(base); d != "" {
		ev.note += "; " + d
	}
	ev.note += frozenNote(lm.frozen, base)
	return ev
}

// describe words the disagreements, capped for a person to read.
func (a agreement) describe(base time.Time) string {
	var parts []string
	if len(a.missed) > 0 {
		parts = append(parts, "the probe saw a master the logs do not show: "+listWindows(a.missed, base))
	}
	if len(a.refused) > 0 {
		parts = append(parts, "the probe found a broker refusing clients inside its log window, so those stretches are cut from it: "+listWindows(a.refused, base))
	}
	if n := a.strays - samplesOf(a.missed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d master samples just outside a log window", n))
	}
	if len(a.silent) > 0 {
		parts = append(parts, fmt.Sprintf("log windows over %s with no master sample: %s", 2*samplePeriod, listWindows(a.silent, base)))
	}
	return strings.Join(parts, "; ")
}

func samplesOf(ws []MasterWindow) int {
	n := 0
	for _, w := range ws {
		n += w.Samples
	}
	return n
}

// frozenNote names the stretches a broker's log window stood open while
// it was frozen, which the windows leave out.
func frozenNote(fs []frozenSpan, base time.Time) string {
	if len(fs) == 0 {
		return ""
	}
	parts := capped(len(fs), func(i int) string {
		f := fs[i]
		p := fmt.Sprintf("%s %s–%s", f.node, rel(f.from, base), rel(f.to, base))
		if f.gaveUp && !f.resumed.IsZero() {
			into := max(f.to.Sub(f.resumed.Add(-f.took)), 0)
			p += fmt.Sprintf(" (gave up %s into the %s resume call, so it could answer as master for at most %s after the thaw)",
				into.Round(time.Millisecond), f.took.Round(time.Millisecond), into.Round(time.Millisecond))
		}
		return p
	})
	return "; frozen while master in its log, so not counted: " + strings.Join(parts, ", ")
}

// inWindow reports whether t falls in w, as the source bounds its windows.
func (ev masterEvidence) inWindow(w MasterWindow, t time.Time) bool {
	if t.Before(w.From) {
		return false
	}
	if ev.fromLog {
		return t.Before(w.To)
	}
	return !t.After(w.To)
}

// meets reports whether a window starting at from overlaps one ending at
// to: a shared instant is an overlap for the probe's closed windows (two
// masters sampled in one tick), not for the log's half-open ones (one
// broker's end line and another's start line in the same millisecond).
func (ev masterEvidence) meets(from, to time.Time) bool {
	if ev.fromLog {
		return from.Before(to)
	}
	return !from.After(to)
}

// source names the windows' origin in a detail.
func (ev masterEvidence) source() string {
	if ev.fromLog {
		return "log"
	}
	return "probe"
}
