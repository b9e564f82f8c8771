package runner

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/amqha/amqha/harness/cluster"
	"github.com/amqha/amqha/harness/history"
)

// progress prints one line per step and, while the workload runs, a
// status line every few seconds, so a long run is never silent.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	start time.Time
}

func newProgress(w io.Writer, label string) *progress {
	if w == nil {
		w = io.Discard
	}
	return &progress{w: w, label: label, start: time.Now()}
}

func (p *progress) line(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "[%s %5.1fs] %s\n", p.label, time.Since(p.start).Seconds(), msg)
}

// statusEvery is how often the status line prints.
const statusEvery = 5 * time.Second

// watch prints the counts and the roles until the returned stop is called.
func (p *progress) watch(rec *history.Recorder, c *cluster.Cluster) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(statusEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.line(status(rec, c))
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func status(rec *history.Recorder, c *cluster.Cluster) string {
	ok, info, fail, recv := rec.Counts()
	roles := ""
	for _, n := range c.Nodes() {
		roles += fmt.Sprintf(" %s=%s", n.Name, c.Role(n))
	}
	return fmt.Sprintf("sent ok=%d info=%d fail=%d delivered=%d |%s", ok, info, fail, recv, roles)
}
