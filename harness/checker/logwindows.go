package checker

import (
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// Master windows from the brokers' own logs (history.LogEvent). A broker's
// log window runs from its master-start line ("Connector stomp started")
// to its master-end line (giving up the lease, shutting down, or the STOMP
// connector stopped), to the kill or stop of its container, or to the end
// of the run; it is half-open, [From, To), and resolves to the log's
// millisecond instead of the probe's 200 ms.
//
// Both checks judge the time a broker could act as master, not the time
// it believed it was one. A frozen (paused) master still holds its file
// lock or lease, and its log never says otherwise, but it can neither
// answer a client nor acknowledge one, so a pause cuts its window and a
// resume opens a new one that runs until its next master-end line: the
// window in which a thawed JDBC master, whose lease a slave took while it
// was frozen, still answers as master until its overdue renewal fails.
// single-master then means two brokers both able to act as master at
// once, and split-brain-acks an acknowledgement from one broker inside
// another's window. The frozen stretches are named in the details.
//
// A fault's call takes time (a docker kill 10-300 ms), and the signal lands
// somewhere in it. A window covers only time the broker certainly had:
// a kill, stop or pause cuts it where the call began (the event's stamp
// minus its "injected in" time), a resume reopens it where the call
// returned (the stamp). An overlap with another window is then never an
// artefact of a fault's duration, at the price of missing at most one
// call's worth of a real one.

// Probe timing, as harness/cluster samples: every broker every
// samplePeriod, stamped just before the probe dials. probeSlack is how far
// a master sample may sit outside a log window before it counts as a
// disagreement: the stamp precedes the answer, and the scheduler can hold
// either side on two loaded cores.
const (
	samplePeriod = 200 * time.Millisecond
	probeSlack   = 100 * time.Millisecond
)

// logWindow is one stretch of a broker's log window.
type logWindow struct {
	MasterWindow
	// latest is where the window may really have ended: the stamp of the
	// fault that cut it, whose call began at To; To otherwise.
	latest time.Time
	// refused counts the longest run of probe samples inside the window
	// that found the node refusing clients (slave, starting or down).
	refused int
	// cuts are the stretches of runs of two or more such samples: a
	// broker whose log still says master but whose connectors are stopped
	// (the IO handler's doing) or whose process is down answers no client.
	cuts []refusal
}

// frozenSpan is a stretch in which a broker's log window stood open while
// its container was frozen.
type frozenSpan struct {
	node     string
	from, to time.Time
	// gaveUp: the broker's own end line closed the span, so it thawed
	// before the resume's stamp, at resumed; the resume's call took took.
	// Any stretch in which it served as master after the thaw was shorter
	// than that call.
	gaveUp  bool
	resumed time.Time
	took    time.Duration
}

// logMaster is what the brokers' logs say about mastership.
type logMaster struct {
	windows []logWindow // by From
	frozen  []frozenSpan
	lines   int // master-start and master-end events seen
}

// logState is one broker's log mastership while the events are replayed.
type logState struct {
	open, frozen bool
	since        time.Time // start of the current stretch, or of the freeze
	gaveUp       int       // index in frozen of a span its end line closed, awaiting the resume; -1 if none
}

// buildLogWindows replays the log events and the kill, stop, pause and
// resume faults in time order.
func buildLogWindows(events []history.Event) logMaster {
	var evs []history.Event
	var lm logMaster
	for _, e := range events {
		switch {
		case e.Type == history.LogEvent && (e.Phase == history.PhaseMasterStart || e.Phase == history.PhaseMasterEnd):
			lm.lines++
			evs = append(evs, e)
		case e.Type == history.FaultEvent && e.Phase == history.PhaseStart && e.Error == "" &&
			(e.Action == "kill" || e.Action == "stop" || e.Action == "pause" || e.Action == "resume"):
			evs = append(evs, e)
		}
	}
	if lm.lines == 0 {
		return lm
	}
	slices.SortStableFunc(evs, byEventTime)
	state := map[string]*logState{}
	get := func(node string) *logState {
		s, ok := state[node]
		if !ok {
			s = &logState{gaveUp: -1}
			state[node] = s
		}
		return s
	}
	cut := func(node string, s *logState, to, latest time.Time) {
		if to.After(s.since) {
			lm.windows = append(lm.windows, logWindow{MasterWindow: MasterWindow{Node: node, From: s.since, To: to}, latest: latest})
		}
	}
	for _, e := range evs {
		if e.Type == history.LogEvent {
			s := get(e.Node)
			switch {
			case e.Phase == history.PhaseMasterEnd && s.open && s.frozen:
				s.gaveUp = len(lm.frozen)
				lm.frozen = append(lm.frozen, frozenSpan{node: e.Node, from: s.since, to: e.Time, gaveUp: true})
				s.open, s.frozen = false, false
			case e.Phase == history.PhaseMasterEnd && s.open:
				cut(e.Node, s, e.Time, e.Time)
				s.open = false
			case e.Phase == history.PhaseMasterStart && s.open && s.frozen:
				// A frozen JVM logs nothing: its thaw went unrecorded.
				lm.frozen = append(lm.frozen, frozenSpan{node: e.Node, from: s.since, to: e.Time})
				s.frozen, s.since = false, e.Time
			case e.Phase == history.PhaseMasterStart && !s.open:
				s.open, s.since, s.gaveUp = true, e.Time, -1
			}
			continue
		}
		began := faultBegan(e)
		for _, node := range e.Nodes {
			s, ok := state[node]
			if ok && !s.open && s.gaveUp >= 0 && e.Action == "resume" {
				f := &lm.frozen[s.gaveUp]
				f.resumed, f.took = e.Time, e.Time.Sub(began)
				s.gaveUp = -1
			}
			if !ok || !s.open {
				continue
			}
			switch {
			case e.Action == "resume":
				if s.frozen {
					lm.frozen = append(lm.frozen, frozenSpan{node: node, from: s.since, to: e.Time})
					s.frozen, s.since = false, e.Time
				}
			case e.Action == "pause":
				if !s.frozen {
					cut(node, s, began, e.Time)
					s.frozen, s.since = true, began
				}
			case s.frozen:
				// Killed or stopped while frozen.
				lm.frozen = append(lm.frozen, frozenSpan{node: node, from: s.since, to: began})
				s.open, s.frozen = false, false
			default:
				cut(node, s, began, e.Time)
				s.open = false
			}
		}
	}
	end := runEnd(events)
	for node, s := range state {
		switch {
		case s.open && s.frozen:
			lm.frozen = append(lm.frozen, frozenSpan{node: node, from: s.since, to: end})
		case s.open:
			cut(node, s, end, end)
		}
	}
	slices.SortStableFunc(lm.windows, func(a, b logWindow) int {
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		return cmpString(a.Node, b.Node)
	})
	slices.SortStableFunc(lm.frozen, func(a, b frozenSpan) int { return a.from.Compare(b.from) })
	return lm
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// injectedIn is how the nemesis words a fault call's duration in the
// event's detail.
var injectedIn = regexp.MustCompile(`injected in ([0-9.]+[µa-z]+)`)

// faultBegan is when the fault's call began: its stamp, taken when the
// call returned, less the call's duration. Without a readable duration the
// stamp stands.
func faultBegan(e history.Event) time.Time {
	if !e.Began.IsZero() {
		return e.Began
	}
	m := injectedIn.FindStringSubmatch(e.Detail)
	if m == nil {
		return e.Time
	}
	d, err := time.ParseDuration(m[1])
	if err != nil || d < 0 || d > time.Minute {
		return e.Time
	}
	return e.Time.Add(-d)
}

// runEnd is the run's end event, else its last event: a window the log
// never closed lasts until then.
func runEnd(events []history.Event) time.Time {
	var last time.Time
	for _, e := range events {
		if e.Type == history.RunEvent && e.Phase == history.PhaseEnd {
			return e.Time
		}
		if e.Time.After(last) {
			last = e.Time
		}
	}
	return last
}

// MasterLogWindows lists the master windows the brokers' logs show, in
// order of their start; nil for a history without master log events.
func MasterLogWindows(events []history.Event) []MasterWindow {
	lm := buildLogWindows(events)
	crossCheck(&lm, roleSamples(events))
	return lm.master()
}

func (lm *logMaster) master() []MasterWindow {
	if len(lm.windows) == 0 {
		return nil
	}
	out := make([]MasterWindow, len(lm.windows))
	for i, w := range lm.windows {
		out[i] = w.MasterWindow
	}
	return out
}

// agreement is what the role probe says about the log windows.
type agreement struct {
	// strays are master samples outside every log window of their node;
	// missed are the probe's master runs of two or more such samples,
	// that is master periods the log does not show.
	strays int
	missed []MasterWindow
	// silent are log windows longer than two sample periods without a
	// master sample; refused are those in which the probe found the node
	// refusing clients twice in a row, well inside the window: an end
	// and a start the log did not show.
	silent  []MasterWindow
	refused []MasterWindow
}

// trusted reports whether the log windows can stand for the probe's: the
// log may be finer, but it must not miss a master the probe saw. Where it
// claims one the probe found refusing clients, the refusal is cut out of
// the window (see served) rather than the log thrown away: the probe's
// windows would lose every stretch in which a master acknowledged without
// answering the probe in time, a starved one's.
func (a agreement) trusted() bool { return len(a.missed) == 0 }

// crossCheck holds the role samples against the log windows, counting
// each window's master samples in its Samples.
func crossCheck(lm *logMaster, samples []history.Event) agreement {
	var ag agreement
	byNode := map[string][]int{} // indexes into lm.windows, by From
	for i, w := range lm.windows {
		byNode[w.Node] = append(byNode[w.Node], i)
	}
	// find returns the window of node that sample time t falls in, -1 if none.
	find := func(node string, t time.Time) int {
		idx := byNode[node]
		k := sort.Search(len(idx), func(k int) bool {
			w := lm.windows[idx[k]]
			return !later(w.To, w.latest).Add(probeSlack).Before(t)
		})
		if k < len(idx) && !lm.windows[idx[k]].From.Add(-probeSlack).After(t) {
			return idx[k]
		}
		return -1
	}
	type run struct {
		outside       int
		from, to      time.Time
		refusedIn     int // window of the current refusing run, -1 if none
		refusedLength int
		// prev is the node's sample before this one; refusedFrom the one
		// before the refusing run, where the cut conservatively begins.
		prev, refusedFrom time.Time
	}
	runs := map[string]*run{}
	closeRun := func(node string, r *run) {
		if r.outside >= 2 {
			ag.missed = append(ag.missed, MasterWindow{Node: node, From: r.from, To: r.to, Samples: r.outside})
		}
		r.outside = 0
	}
	// endRefusal closes the refusing run at to, the first sample that no
	// longer refused, cutting it from its window if it was long enough.
	endRefusal := func(r *run, to time.Time) {
		if r.refusedIn >= 0 && r.refusedLength >= 2 {
			lw := &lm.windows[r.refusedIn]
			lw.cuts = append(lw.cuts, refusal{from: r.refusedFrom, to: to})
		}
		r.refusedIn, r.refusedLength = -1, 0
	}
	for _, e := range samples {
		r, ok := runs[e.Node]
		if !ok {
			r = &run{refusedIn: -1}
			runs[e.Node] = r
		}
		prev := r.prev
		r.prev = e.Time
		w := find(e.Node, e.Time)
		if e.Role == history.Master {
			endRefusal(r, e.Time)
			if w >= 0 {
				lm.windows[w].Samples++
				continue
			}
			ag.strays++
			if r.outside == 0 {
				r.from = e.Time
			}
			r.outside++
			r.to = e.Time
			continue
		}
		closeRun(e.Node, r)
		if e.Role != history.Slave && e.Role != history.Starting && e.Role != history.Down {
			endRefusal(r, e.Time)
			continue
		}
		if w < 0 || !deepInside(lm.windows[w], e.Time) {
			endRefusal(r, e.Time)
			continue
		}
		if r.refusedIn != w {
			endRefusal(r, e.Time)
			r.refusedIn, r.refusedFrom = w, prev
			if prev.IsZero() {
				r.refusedFrom = e.Time
			}
		}
		r.refusedLength++
		lm.windows[w].refused = max(lm.windows[w].refused, r.refusedLength)
	}
	for node, r := range runs {
		closeRun(node, r)
		if r.refusedIn >= 0 {
			endRefusal(r, lm.windows[r.refusedIn].To)
		}
	}
	slices.SortFunc(ag.missed, func(a, b MasterWindow) int { return a.From.Compare(b.From) })
	for _, w := range lm.windows {
		switch {
		case w.refused >= 2:
			ag.refused = append(ag.refused, w.MasterWindow)
		case w.Samples == 0 && w.To.Sub(w.From) > 2*samplePeriod:
			ag.silent = append(ag.silent, w.MasterWindow)
		}
	}
	return ag
}

// deepInside: a sample well inside the window, where no stamp skew at its
// edges explains a refusal.
func deepInside(w logWindow, t time.Time) bool {
	return !t.Before(w.From.Add(probeSlack)) && !t.After(w.To.Add(-probeSlack))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
