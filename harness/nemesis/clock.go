package nemesis

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/scenario"
)

// skew sets the targets' wall clocks offset from the host's: clock-skew
// with the step's offset, clock-sync (and a timed skew's undo) with 0.
type skew struct{ offset time.Duration }

// Apply writes the offset into each target's libfaketime file.
func (s skew) Apply(ctx context.Context, bs []*cluster.Node) error {
	return each(bs, func(b *cluster.Node) error { return b.SkewClock(ctx, s.offset) })
}

// measured reads back the clock each target's processes now see, for the
// event's detail: the file is only the request, this is what landed.
func (s skew) measured(ctx context.Context, bs []*cluster.Node) string {
	var out []string
	for _, b := range bs {
		if !b.Running() {
			out = append(out, fmt.Sprintf("%s not running: its clock file says %+ds", b.Name, int64(b.ClockOffset()/time.Second)))
			continue
		}
		d, err := b.MeasureClock(ctx)
		if err != nil {
			out = append(out, fmt.Sprintf("%s clock unread: %v", b.Name, err))
			continue
		}
		out = append(out, fmt.Sprintf("%s clock measured %+.3fs", b.Name, d.Seconds()))
	}
	return strings.Join(out, ", ")
}

// offsetDetail names a clock-skew's offset in its event, "" for other steps.
func offsetDetail(step scenario.Step) string {
	if step.Offset == 0 {
		return ""
	}
	return "offset " + fmt.Sprintf("%+ds", int64(step.Offset/time.Second))
}
