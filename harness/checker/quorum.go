package checker

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

// quorumGrace is how long after a no-quorum window opens an ack is still
// forgiven: the probe samples every ~200 ms, so the window opens late, and
// a receipt already on the wire when quorum went may still land.
const quorumGrace = 250 * time.Millisecond

// NoQuorumWindows lists the spans of the run during which fewer than
// spec.Size of spec.Members were available, in time order.
//
// A member is unavailable while its latest role sample is down or paused, and while a partition or isolate fault that lists it in
// its Nodes is open (from its start event to its end event, or to the end
// of the history if it never ended). Before its first sample a member
// counts as available. Of a partition's two sides, the members on the
// smaller one are lost; a bridge partition loses nobody.
// A window still open when the history ends gets Open and the run's end as To.
func NoQuorumWindows(run history.Run, spec QuorumSpec) []QuorumWindow {
	_, end := runSpan(run)
	return noQuorumWindows(run.Events, roleSamples(run.Events), spec, end)
}

// quorumChange is one input of the availability sweep: a role sample of a
// member, or a partition starting (cut +1) or ending (cut -1) for it.
type quorumChange struct {
	at   time.Time
	node string
	role history.Role
	cut  int
}

func noQuorumWindows(events, samples []history.Event, spec QuorumSpec, end time.Time) []QuorumWindow {
	groups := append([]QuorumSpec{spec}, spec.Also...)
	member := map[string]bool{}
	for _, g := range groups {
		for _, m := range g.Members {
			member[m] = true
		}
	}
	var changes []quorumChange
	for _, s := range samples {
		if member[s.Node] {
			changes = append(changes, quorumChange{at: s.Time, node: s.Node, role: s.Role})
		}
	}
	for i, e := range events {
		if e.Type != history.FaultEvent || e.Phase != history.PhaseStart || !partitioning(e.Action) {
			continue
		}
		healed, ok := partitionEnd(events[i+1:], e)
		for _, n := range cutSide(e, member) {
			changes = append(changes, quorumChange{at: e.Time, node: n, cut: 1})
			if ok {
				changes = append(changes, quorumChange{at: healed, node: n, cut: -1})
			}
		}
	}
	slices.SortStableFunc(changes, func(a, b quorumChange) int { return a.at.Compare(b.at) })

	down := map[string]bool{}
	cut := map[string]int{}
	lost := func() []string {
		var out []string
		for m := range member {
			if down[m] || cut[m] > 0 {
				out = append(out, m)
			}
		}
		slices.Sort(out)
		return out
	}
	var ws []QuorumWindow
	open := false
	// Changes sharing an instant (one probe tick) are applied together
	// before the count is taken.
	for i := 0; i < len(changes); {
		t := changes[i].at
		for ; i < len(changes) && changes[i].at.Equal(t); i++ {
			c := changes[i]
			if c.cut != 0 {
				cut[c.node] += c.cut
			} else {
				// Unresponsive is not counted: a frozen container is known as
				// paused from Docker itself, and a probe timeout alone is also
				// what a member still starting under load looks like (seen:
				// Patroni's REST API slow for a second after a restart).
				down[c.node] = c.role == history.Down || c.role == history.Paused
			}
		}
		gone := lost()
		switch quorate := allQuorate(groups, gone); {
		case !quorate && !open:
			ws = append(ws, QuorumWindow{From: t, Unavailable: gone, ResumeMS: -1})
			open = true
		case quorate && open:
			ws[len(ws)-1].To = t
			open = false
		}
	}
	if open {
		w := &ws[len(ws)-1]
		w.Open, w.To = true, w.From
		if end.After(w.From) {
			w.To = end
		}
	}
	return ws
}

// cutSide is the members a partition leaves without their peers: of the
// targets and the rest, the side with fewer members (the targets on a
// tie). A bridge isolates nobody: its middle node still reaches both sides.
func cutSide(e history.Event, member map[string]bool) []string {
	if e.Target == "bridge" {
		return nil
	}
	var in, out []string
	for m := range member {
		// A cut scoped to one kind of peer (a database cut from ZooKeeper)
		// leaves every other link, so only members of that kind take sides.
		if k, _ := fault.KindOf(m); e.From != "" && k != e.From {
			continue
		}
		if slices.Contains(e.Nodes, m) {
			in = append(in, m)
		} else {
			out = append(out, m)
		}
	}
	if len(out) < len(in) {
		return out
	}
	return in
}

// allQuorate reports whether every group keeps its quorum without gone.
func allQuorate(groups []QuorumSpec, gone []string) bool {
	for _, g := range groups {
		up := 0
		for _, m := range g.Members {
			if !slices.Contains(gone, m) {
				up++
			}
		}
		if up < g.Size {
			return false
		}
	}
	return true
}

func partitioning(action fault.Action) bool { return action == fault.Partition }

// partitionEnd finds the end event of partition step e among the later events.
func partitionEnd(later []history.Event, e history.Event) (time.Time, bool) {
	for _, x := range later {
		if x.Type == history.FaultEvent && x.Phase == history.PhaseEnd &&
			x.Step == e.Step && x.Action == e.Action && !x.Time.Before(e.Time) {
			return x.Time, true
		}
	}
	return time.Time{}, false
}

// QuorumCheck verifies that writes stop without quorum and come back
// with it. It fails if a send is acknowledged inside a no-quorum window
// (see NoQuorumWindows) more than 250 ms after the window opened, and, when
// spec.Resume > 0, if after a window closes no send is acknowledged within
// spec.Resume. The resume bound is judged only while quorum holds and the
// producer runs: a window followed by another, or by the producer's end,
// sooner than spec.Resume without an ack is noted, not failed.
//
// NotApplicable with a nil spec or a Size of 0 (the profile has no
// quorum); Unknown without members, or when no member has a role sample.
// The windows are returned as evidence, with the acks inside them capped
// at 100 in all.
func QuorumCheck(run history.Run, spec *QuorumSpec) (CheckResult, []QuorumWindow) {
	return quorumCheck(run, roleSamples(run.Events), acksByTime(run.Ops), spec)
}

func quorumCheck(run history.Run, samples []history.Event, acks []ack, spec *QuorumSpec) (CheckResult, []QuorumWindow) {
	c := CheckResult{Name: QuorumBlocking}
	switch {
	case spec == nil || spec.Size <= 0:
		c.Status = NotApplicable
		c.Detail = "profile has no quorum"
		return c, nil
	case len(spec.Members) == 0:
		c.Status = Unknown
		c.Detail = fmt.Sprintf("the profile has a quorum of %d, but its members are unknown (no role samples of them?)", spec.Size)
		return c, nil
	}
	for _, g := range spec.Also {
		// An empty group would need a quorum of nothing and count as lost
		// for the whole run: a false failure, where the truth is that
		// nothing shows whether it held.
		if len(g.Members) == 0 || g.Size <= 0 {
			c.Status = Unknown
			c.Detail = "a group the writes also need a quorum of has no role samples, so whether it held cannot be judged"
			return c, nil
		}
	}
	members := slices.Sorted(slices.Values(spec.Members))
	members = slices.Compact(members)
	sampled := map[string]int{}
	for _, s := range samples {
		if slices.Contains(members, s.Node) {
			sampled[s.Node]++
		}
	}
	if len(sampled) == 0 {
		c.Status = Unknown
		c.Detail = "no role samples of the quorum members " + strings.Join(members, ", ")
		return c, nil
	}
	start, end := runSpan(run)
	base := runStart(run.Events, start)
	stop := producerEnd(run)
	ws := noQuorumWindows(run.Events, samples, *spec, end)

	var (
		inside, late, notes []string
		quoted, insideN     int
		total, worstResume  time.Duration
		resumed             int
	)
	for k := range ws {
		w := &ws[k]
		total += w.To.Sub(w.From)
		span := windowString(*w, base)
		after := w.From.Add(quorumGrace)
		i := sort.Search(len(acks), func(i int) bool { return acks[i].at.After(after) })
		for ; i < len(acks) && (acks[i].at.Before(w.To) || (w.Open && acks[i].at.Equal(w.To))); i++ {
			w.AcksInside++
			if quoted < maxEvidence {
				w.Acks = append(w.Acks, AckRef{ID: acks[i].id, Broker: acks[i].broker, At: acks[i].at})
				quoted++
			}
		}
		if w.AcksInside > 0 {
			insideN += w.AcksInside
			inside = append(inside, fmt.Sprintf("%d in %s: %s", w.AcksInside, span, quoteAcks(w.Acks, w.AcksInside, base)))
		}
		if w.Open {
			notes = append(notes, "still without quorum when the history ended ("+span+")")
			continue
		}
		obsEnd, why := stop, "the producer stopped"
		if k+1 < len(ws) && ws[k+1].From.Before(obsEnd) {
			obsEnd, why = ws[k+1].From, "quorum was lost again"
		}
		j := sort.Search(len(acks), func(j int) bool { return !acks[j].at.Before(w.To) })
		if j < len(acks) && !acks[j].at.After(obsEnd) {
			d := acks[j].at.Sub(w.To)
			w.ResumeMS, w.FirstOKID = d.Milliseconds(), acks[j].id
			resumed++
			worstResume = max(worstResume, d)
		}
		back := "after quorum returned at " + rel(w.To, base)
		switch {
		case spec.Resume <= 0:
		case w.ResumeMS >= 0 && time.Duration(w.ResumeMS)*time.Millisecond > spec.Resume:
			late = append(late, fmt.Sprintf("acknowledged traffic did not resume within %s %s (first ack %s %s later)",
				spec.Resume, back, w.FirstOKID, seconds(time.Duration(w.ResumeMS)*time.Millisecond)))
		case w.ResumeMS < 0 && obsEnd.Sub(w.To) >= spec.Resume:
			late = append(late, fmt.Sprintf("acknowledged traffic did not resume within %s %s (none before %s)",
				spec.Resume, back, rel(obsEnd, base)))
		case w.ResumeMS < 0:
			notes = append(notes, fmt.Sprintf("resume not judged %s: no ack before %s at %s, %s later, short of the %s bound",
				back, why, rel(obsEnd, base), seconds(obsEnd.Sub(w.To)), spec.Resume))
		}
	}
	for _, m := range members {
		if sampled[m] == 0 {
			notes = append(notes, "no role samples of "+m+" (counted as available)")
		}
	}

	summary := fmt.Sprintf("%d no-quorum windows (total %s)", len(ws), seconds(total))
	if len(ws) > 0 {
		summary += " [" + listQuorumWindows(ws, base) + "]"
	}
	parts := []string{summary}
	switch {
	case len(inside) > 0:
		c.Status = Fail
		parts = append(parts, fmt.Sprintf("%d acks inside: %s", insideN, strings.Join(inside, "; ")))
	default:
		parts = append(parts, "0 acks inside")
	}
	if len(late) > 0 {
		c.Status = Fail
		parts = append(parts, late...)
	}
	if resumed > 0 {
		what := "traffic resumed after " + seconds(worstResume)
		if resumed > 1 {
			what += " at worst"
		}
		parts = append(parts, what)
	}
	if c.Status == "" {
		c.Status = Pass
	}
	parts = append(parts, notes...)
	if len(ws) > 0 {
		parts = append(parts, fmt.Sprintf("acks within %s of a window opening are ignored, as role sampling lags", quorumGrace))
	}
	c.Detail = strings.Join(parts, "; ")
	return c, ws
}

func windowString(w QuorumWindow, base time.Time) string {
	return fmt.Sprintf("%s–%s", rel(w.From, base), rel(w.To, base))
}

func listQuorumWindows(ws []QuorumWindow, base time.Time) string {
	parts := capped(len(ws), func(i int) string {
		return fmt.Sprintf("%s without %s", windowString(ws[i], base), strings.Join(ws[i].Unavailable, ", "))
	})
	return strings.Join(parts, ", ")
}

// quoteAcks names up to maxIDs acks of n as "id by broker at t".
func quoteAcks(acks []AckRef, n int, base time.Time) string {
	parts := make([]string, 0, maxIDs+1)
	for i, a := range acks {
		if i == maxIDs {
			break
		}
		p := a.ID
		if a.Broker != "" {
			p += " by " + a.Broker
		}
		parts = append(parts, p+" at "+rel(a.At, base))
	}
	if n > len(parts) {
		parts = append(parts, fmt.Sprintf("… (%d more)", n-len(parts)))
	}
	return strings.Join(parts, ", ")
}

// seconds formats d as "2.1 s", the way the quorum detail reads.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// SampledNodes lists, sorted, the distinct nodes of kind k that have at
// least one role sample, e.g. the ZooKeeper
// servers of a run: a way to name a profile's quorum members from the run
// itself, so that a saved run can be judged again without its cluster.
func SampledNodes(events []history.Event, k fault.NodeKind) []string {
	var out []string
	for _, e := range events {
		if kind, _ := fault.KindOf(e.Node); e.Type == history.RoleEvent && kind == k && !slices.Contains(out, e.Node) {
			out = append(out, e.Node)
		}
	}
	slices.Sort(out)
	return out
}
