package checker

import (
	"fmt"
	"strings"

	"github.com/amqha/amqha/harness/history"
)

// deadlockLines is how many lines of a deadlock section the detail quotes:
// the pair of threads and the locks each waits for.
const deadlockLines = 8

// deadlock is the no-deadlock check over the thread dumps the runner took
// of every running broker at the run's end (history.DumpEvent). A JVM
// deadlock never resolves: the threads in it, and the queue whose locks
// they hold, serve nobody again, while the broker keeps its lock or lease
// and no slave can take over. Only the JVM's own detection names that
// cause; the availability and no-stranded checks see its effects.
func (a *analysis) deadlock() CheckResult {
	c := CheckResult{Name: NoDeadlock}
	var dumped, failed []string
	var found []history.Event
	for _, e := range a.run.Events {
		if e.Type != history.DumpEvent {
			continue
		}
		switch {
		case e.Error != "":
			failed = append(failed, e.Node+" "+e.Error)
		case e.Phase == history.PhaseDeadlock:
			found = append(found, e)
			dumped = append(dumped, e.Node)
		default:
			dumped = append(dumped, e.Node)
		}
	}
	switch {
	case len(found) > 0:
		c.Status = Fail
		parts := make([]string, len(found))
		for i, e := range found {
			parts[i] = fmt.Sprintf("%s's JVM at %s: %s", e.Node, rel(e.Time, a.base), quoteDeadlock(e.Detail))
		}
		c.Detail = "a broker's JVM reported a Java-level deadlock in its thread dump at the run's end: " + strings.Join(parts, "; ")
	case len(dumped) > 0:
		c.Status = Pass
		c.Detail = fmt.Sprintf("no Java-level deadlock in the thread dumps of %s at the run's end", strings.Join(dumped, ", "))
		if len(failed) > 0 {
			c.Detail += "; " + strings.Join(failed, "; ")
		}
	case len(failed) > 0:
		c.Status = Unknown
		c.Detail = "no broker could be dumped at the run's end: " + strings.Join(failed, "; ")
	default:
		c.Status = NotApplicable
		c.Detail = "the run recorded no thread dump (a profile without brokers, or a history from before the dumps)"
	}
	return c
}

// quoteDeadlock keeps the head of a deadlock section on one line.
func quoteDeadlock(section string) string {
	var keep []string
	for _, l := range strings.Split(section, "\n") {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "====") {
			continue
		}
		keep = append(keep, l)
		if len(keep) == deadlockLines {
			break
		}
	}
	return strings.Join(keep, " | ")
}
