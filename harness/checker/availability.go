package checker

import (
	"fmt"
	"strings"
	"time"
)

// maxGapsListed caps how many faults a report-only availability detail
// names; an exploratory run may inject dozens.
const maxGapsListed = 20

// AvailabilityCheck judges the client-visible outage of every disruptive
// fault, Failover.UnavailableMS: the longest time clients went without an
// acknowledged send, counted from their last ack before the fault. Unlike the failover time it is not fooled by one
// lucky receipt right after the fault followed by a long silence.
//
// NotApplicable without a disruptive fault. With limit > 0 it fails if any
// outage exceeds the limit; with limit 0 it only reports each fault's
// outage, which Analyze shows as info, since it cannot fail. base is the instant the detail's times are relative to.
func AvailabilityCheck(fs []Failover, limit time.Duration, base time.Time) CheckResult {
	c := CheckResult{Name: Availability}
	if len(fs) == 0 {
		c.Status = NotApplicable
		c.Detail = "no disruptive fault in the run"
		return c
	}
	worst := fs[0]
	var over, all []string
	for _, f := range fs {
		gap := time.Duration(f.UnavailableMS) * time.Millisecond
		desc := fmt.Sprintf("step %d %s %s: %s", f.Step, f.Action, f.Target, gap)
		if gap > 0 {
			desc += " from " + rel(f.UnavailableFrom, base)
		}
		if len(all) < maxGapsListed {
			all = append(all, desc)
		}
		if limit > 0 && gap > limit {
			over = append(over, desc)
		}
		if f.UnavailableMS > worst.UnavailableMS {
			worst = f
		}
	}
	if len(fs) > maxGapsListed {
		all = append(all, fmt.Sprintf("and %d more", len(fs)-maxGapsListed))
	}
	worstGap := time.Duration(worst.UnavailableMS) * time.Millisecond
	switch {
	case len(over) > 0:
		c.Status = Fail
		c.Detail = fmt.Sprintf("%d of %d disruptive faults left clients without an acknowledged send for longer than %s: %s",
			len(over), len(fs), limit, strings.Join(over, "; "))
	case limit > 0:
		c.Status = Pass
		c.Detail = fmt.Sprintf("longest outage %s (step %d %s %s) within the %s bound, over %d faults",
			worstGap, worst.Step, worst.Action, worst.Target, limit, len(fs))
	default:
		c.Status = Pass
		c.Detail = fmt.Sprintf("report only (no max-unavailable bound); longest stretch without an acknowledged send after each disruptive fault: %s",
			strings.Join(all, "; "))
	}
	return c
}
