package report

import (
	"fmt"
	"io"
	"strconv"
)

// queueTable renders, below the summary, one line per queue of every run
// whose clients spread over several queues: the summary's counts are
// their total, and a loss on one queue must be visible without opening
// result.json. Nothing is printed when no run has queues.
func queueTable(w io.Writer, rows []Row) {
	some := false
	for _, r := range rows {
		some = some || len(r.Result.Queues) > 0
	}
	if !some {
		return
	}
	t := newConsoleTable(w, 3, 4, 5, 6, 7, 8, 9)
	t.Header(consoleHeader("scenario", "profile", "queue", "sent ok/fail/info",
		"delivered", "lost", "dup", "unexpected", "recovered", "stranded"))
	for _, r := range rows {
		for _, q := range r.Result.Queues {
			c := q.Counts
			_ = t.Append([]string{ // fails only for cells it cannot turn into strings
				r.Result.Scenario, r.Result.Profile, q.Queue,
				fmt.Sprintf("%d/%d/%d", c.SentOK, c.SentFail, c.SentInfo),
				strconv.Itoa(c.Delivered), strconv.Itoa(c.Lost), strconv.Itoa(c.Duplicated),
				strconv.Itoa(c.Unexpected), strconv.Itoa(c.Recovered), strconv.Itoa(c.Stranded),
			})
		}
	}
	renderTable(w, t, "per-queue")
}
