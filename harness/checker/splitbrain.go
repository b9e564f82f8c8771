package checker

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/history"
)

// maxEvidence caps the evidence lists kept in result.json.
const maxEvidence = 100

// SplitBrainAcksCheck verifies that no broker acknowledged a send while a
// different broker was master: every acknowledged send whose Broker is A,
// completed at t, is a violation if some broker B ≠ A has a master window
// containing t. Where single-master shows two brokers able to act as
// master, this check shows that clients were actually told "stored" by
// the one that should not have been serving.
//
// The windows are the brokers' log windows when the history has them and
// the role probe agrees, else the probe's (see masterEvidenceOf). A log
// window starts when the STOMP connector opens and excludes the time its
// broker was frozen, so an ack from the legitimate master while a stale
// one is frozen is no violation, while one inside the stale master's
// thawed stretch is. Probe windows run from first to last master sample,
// so sampling lag only shortens them and does not invent violations.
//
// Sends without a Broker are not checked, and if no acknowledged send has
// one the status is Unknown: "0 acks checked" proves nothing. Unknown too
// without any acknowledged send, and without role samples or log windows.
// Evidence is capped at 100 pairs; the detail counts them all.
func SplitBrainAcksCheck(run history.Run) (CheckResult, []SplitBrainAck) {
	base := runStart(run.Events, firstTime(run.Events))
	return splitBrainAcks(masterEvidenceOf(run.Events, base), acksByTime(run.Ops), base)
}

// splitBrainAcksCheck judges against the probe's windows only, for a
// caller that holds role samples but not the events they came from.
func splitBrainAcksCheck(samples []history.Event, acks []ack, base time.Time) (CheckResult, []SplitBrainAck) {
	return splitBrainAcks(masterEvidence{samples: samples, windows: masterWindows(samples)}, acks, base)
}

func splitBrainAcks(ev masterEvidence, acks []ack, base time.Time) (CheckResult, []SplitBrainAck) {
	c := CheckResult{Name: SplitBrainAcks}
	if len(ev.samples) == 0 && !ev.fromLog {
		c.Status = Unknown
		c.Detail = "no role samples recorded"
		return c, nil
	}
	note := ""
	if ev.note != "" {
		note = "; " + ev.note
	}
	if len(acks) == 0 {
		c.Status = Unknown
		c.Detail = "no send was acknowledged, so no acknowledgement can be checked" + note
		return c, nil
	}
	ws := ev.windows // in order of From
	var (
		out                 []SplitBrainAck
		active              []int // windows with From <= t that may still contain t
		next                int
		checked, nobody     int
		violations, badAcks int // badAcks: acks in at least one violation
	)
	for _, a := range acks {
		if a.broker == "" {
			nobody++
			continue
		}
		checked++
		for next < len(ws) && !ws[next].From.After(a.at) {
			active = append(active, next)
			next++
		}
		active = slices.DeleteFunc(active, func(w int) bool { return ws[w].To.Before(a.at) })
		hit := false
		for _, w := range active {
			if ws[w].Node == a.broker || !ev.inWindow(ws[w], a.at) {
				continue
			}
			violations++
			hit = true
			if len(out) < maxEvidence {
				out = append(out, SplitBrainAck{ID: a.id, Broker: a.broker, At: a.at, Process: a.process, Conn: a.conn,
					Other: ws[w].Node, OtherWindow: ws[w]})
			}
		}
		if hit {
			badAcks++
		}
	}
	if checked == 0 {
		c.Status = Unknown
		c.Detail = fmt.Sprintf("none of the %d acknowledged sends names the broker that acknowledged it, so none can be checked%s", nobody, note)
		return c, nil
	}
	nearestAcks(out, acks)

	skipped := ""
	if nobody > 0 {
		skipped = fmt.Sprintf(" (%d acks without a broker not checked)", nobody)
	}
	if violations == 0 {
		c.Status = Pass
		c.Detail = fmt.Sprintf("%d acks checked against %d %s master windows: none acknowledged while another broker was master%s%s",
			checked, len(ws), ev.source(), skipped, note)
		if ev.unsure != "" {
			c.Status = Unknown
			c.Detail = ev.unsure + "; " + c.Detail
		}
		return c, nil
	}
	c.Status = Fail
	parts := make([]string, 0, maxListed+1)
	for i, v := range out {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", violations-maxListed))
			break
		}
		p := fmt.Sprintf("%s acknowledged by %s%s at %s while %s was master (%s–%s)",
			v.ID, v.Broker, v.client(), rel(v.At, base), v.Other, rel(v.OtherWindow.From, base), rel(v.OtherWindow.To, base))
		if v.OtherAckID != "" {
			p += fmt.Sprintf(", %s acknowledged %s at %s", v.Other, v.OtherAckID, rel(v.OtherAckAt, base))
		}
		parts = append(parts, p)
	}
	capped := ""
	if violations > maxEvidence {
		capped = fmt.Sprintf("; evidence capped at %d", maxEvidence)
	}
	c.Detail = fmt.Sprintf("%d of %d acks were given by a broker while another was master (%d pairs%s, %s windows)%s: %s%s",
		badAcks, checked, violations, capped, ev.source(), skipped, strings.Join(parts, "; "), note)
	return c, out
}

// client names, for the detail, the client that got the ack and on which
// connection; empty for a history recorded before connections were (whose
// details, golden files among them, read as they always did).
func (v SplitBrainAck) client() string {
	if v.Conn == "" {
		return ""
	}
	return fmt.Sprintf(" to %s (connection %s)", v.Process, v.Conn)
}

// nearestAcks fills in, for each violation, the other broker's
// acknowledged send nearest in time to the violating one.
func nearestAcks(vs []SplitBrainAck, acks []ack) {
	if len(vs) == 0 {
		return
	}
	byBroker := map[string][]int{} // indexes into acks, in time order
	for _, v := range vs {
		byBroker[v.Other] = nil
	}
	for i, a := range acks {
		if idx, ok := byBroker[a.broker]; ok {
			byBroker[a.broker] = append(idx, i)
		}
	}
	for k := range vs {
		v := &vs[k]
		idx := byBroker[v.Other]
		j := sort.Search(len(idx), func(j int) bool { return !acks[idx[j]].at.Before(v.At) })
		best := -1
		for _, c := range []int{j - 1, j} {
			if c < 0 || c >= len(idx) {
				continue
			}
			if best < 0 || absDur(acks[idx[c]].at.Sub(v.At)) < absDur(acks[best].at.Sub(v.At)) {
				best = idx[c]
			}
		}
		if best >= 0 {
			v.OtherAckID, v.OtherAckAt = acks[best].id, acks[best].at
		}
	}
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
