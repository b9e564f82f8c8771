package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
)

// EvidenceLimit is how many ids of each kind the report details; the rest
// are counted. A hundred is enough to see a pattern and keeps a run that
// lost everything from producing a huge file.
const EvidenceLimit = 100

// maxRecordsPerID bounds a single id's records, for an id delivered
// thousands of times by a redelivery loop.
const maxRecordsPerID = 50

// Evidence kinds, in the order the report shows them.
const (
	KindLost       = "lost"
	KindDuplicated = "duplicated"
	KindUnexpected = "unexpected"
)

// Record is one history line about an evidence id, placed on the axis.
type Record struct {
	history.Op
	At time.Duration `json:"at"`
}

// EvidenceItem is one id with everything the history says about it: its
// send invoke and completion, its deliveries, and sends retrying it.
type EvidenceItem struct {
	ID      string   `json:"id"`
	Records []Record `json:"records"`
	// Omitted counts records beyond maxRecordsPerID.
	Omitted    int `json:"omitted,omitempty"`
	Deliveries int `json:"deliveries"`
}

// EvidenceGroup is the detailed ids of one kind.
type EvidenceGroup struct {
	Kind string `json:"kind"`
	// Total is how many ids of this kind the checker found.
	Total int            `json:"total"`
	Items []EvidenceItem `json:"items"`
}

// Evidence gathers the records of the first limit lost, duplicated and
// unexpected ids in one pass over ops.
func Evidence(res checker.Result, ops []history.Op, ax Axis, limit int) []EvidenceGroup {
	q := res.Queue
	kinds := []struct {
		kind  string
		ids   []string
		count int
	}{
		{KindLost, q.Lost, res.Counts.Lost},
		{KindDuplicated, q.Duplicated, res.Counts.Duplicated},
		{KindUnexpected, q.Unexpected, res.Counts.Unexpected},
	}
	groups := make([]EvidenceGroup, len(kinds))
	want := map[string][]*EvidenceItem{}
	for i, k := range kinds {
		ids := k.ids[:min(limit, len(k.ids))]
		groups[i] = EvidenceGroup{Kind: k.kind, Total: max(len(k.ids), k.count),
			Items: make([]EvidenceItem, len(ids))}
		for j, id := range ids {
			groups[i].Items[j].ID = id
			want[id] = append(want[id], &groups[i].Items[j])
		}
	}
	if len(want) == 0 {
		return groups
	}
	for i := range ops {
		op := &ops[i]
		items := want[op.ID]
		if op.RetryOf != "" && op.RetryOf != op.ID {
			items = append(items[:len(items):len(items)], want[op.RetryOf]...)
		}
		for _, it := range items {
			if op.F == history.Receive && op.Type == history.OK && op.ID == it.ID {
				it.Deliveries++
			}
			if len(it.Records) >= maxRecordsPerID {
				it.Omitted++
				continue
			}
			it.Records = append(it.Records, Record{Op: *op, At: ax.Offset(op.Time)})
		}
	}
	return groups
}

// BadPatterns are log fragments that point at a failover problem: the
// first two are ActiveMQ's own words for losing the store lock, the rest
// catch anything the broker considered an error.
var BadPatterns = []string{
	"no longer able to keep the exclusive lock",
	"Demoted",
	"Exception",
	"ERROR",
}

// LogLimit caps the matched log lines a report shows.
const LogLimit = 200

// maxLogLine keeps one pathological line (a serialized message body, a
// huge stack frame) from bloating the report.
const maxLogLine = 400

// LogMatch is one log line matching a bad pattern.
type LogMatch struct {
	Node    string `json:"node"`
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Pattern string `json:"pattern"`
	Text    string `json:"text"`
}

// LogScan is the outcome of scanning the container logs.
type LogScan struct {
	Matches []LogMatch `json:"matches"`
	// Total counts every matching line, shown or not.
	Total int `json:"total"`
	// Problems lists log files that could not be read; a missing log is
	// worth saying, not worth failing the report over.
	Problems []string `json:"problems,omitempty"`
}

// ScanLogs reads each log (path relative to dir) and keeps up to limit
// matching lines. The budget is shared round-robin between files and,
// within a file, given to the lock-loss patterns first, so one broker
// spamming ERROR cannot hide another broker's demotion.
func ScanLogs(dir string, logs []LogFile, limit int) LogScan {
	var scan LogScan
	perFile := make([][]LogMatch, len(logs))
	for i, lf := range logs {
		ms, total, err := scanLog(dir, lf, limit)
		if err != nil {
			scan.Problems = append(scan.Problems, err.Error())
		}
		scan.Total += total
		sort.SliceStable(ms, func(a, b int) bool { return patternRank(ms[a].Pattern) < patternRank(ms[b].Pattern) })
		perFile[i] = ms
	}
	picked := make([][]LogMatch, len(logs))
	for n := 0; n < limit; {
		progress := false
		for i := range perFile {
			if n == limit || len(perFile[i]) == 0 {
				continue
			}
			picked[i] = append(picked[i], perFile[i][0])
			perFile[i] = perFile[i][1:]
			n++
			progress = true
		}
		if !progress {
			break
		}
	}
	for _, ms := range picked {
		slices.SortFunc(ms, func(a, b LogMatch) int { return a.Line - b.Line })
		scan.Matches = append(scan.Matches, ms...)
	}
	return scan
}

func patternRank(p string) int { return slices.Index(BadPatterns, p) }

// scanLog keeps, per pattern, at most limit lines: whatever the final
// share, no file needs more, and memory stays bounded for huge logs.
func scanLog(dir string, lf LogFile, limit int) ([]LogMatch, int, error) {
	f, err := os.Open(filepath.Join(dir, lf.Path))
	if err != nil {
		return nil, 0, fmt.Errorf("log %s: %w", lf.Path, err)
	}
	defer f.Close()
	var out []LogMatch
	kept := make([]int, len(BadPatterns))
	total := 0
	r := bufio.NewReaderSize(f, 64*1024)
	for line := 1; ; line++ {
		text, err := r.ReadString('\n')
		if text != "" {
			for i, p := range BadPatterns {
				if !strings.Contains(text, p) {
					continue
				}
				total++
				if kept[i] < limit {
					kept[i]++
					out = append(out, LogMatch{Node: lf.Node, Path: lf.Path, Line: line,
						Pattern: p, Text: clip(strings.TrimRight(text, "\r\n"), maxLogLine)})
				}
				break
			}
		}
		if errors.Is(err, io.EOF) {
			return out, total, nil
		}
		if err != nil {
			return out, total, fmt.Errorf("log %s: %w", lf.Path, err)
		}
	}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Gap is the longest stretch during which the producer was sending but no
// send was acknowledged.
type Gap struct {
	From time.Time     `json:"from"`
	To   time.Time     `json:"to"`
	Len  time.Duration `json:"len"`
	// Known is false when the history has no sends at all.
	Known bool `json:"known"`
}

// gapTracker accumulates what AvailabilityGap needs without keeping ops,
// so the index can stream a large history.jsonl.
type gapTracker struct {
	first, last time.Time
	oks         []int64
}

func (g *gapTracker) add(op *history.Op) {
	if op.F != history.Send {
		return
	}
	if g.first.IsZero() || op.Time.Before(g.first) {
		g.first = op.Time
	}
	if op.Time.After(g.last) {
		g.last = op.Time
	}
	if op.Type == history.OK {
		g.oks = append(g.oks, op.Time.UnixNano())
	}
}

func (g *gapTracker) gap() Gap {
	if g.first.IsZero() {
		return Gap{}
	}
	slices.Sort(g.oks)
	// The window is the producer's own activity, from its first invoke to
	// its last send event, so the drain phase (no sends by design) does
	// not count as unavailability.
	pts := make([]int64, 0, len(g.oks)+2)
	pts = append(pts, g.first.UnixNano())
	pts = append(pts, g.oks...)
	pts = append(pts, g.last.UnixNano())
	best := Gap{Known: true, From: g.first, To: g.first}
	for i := 1; i < len(pts); i++ {
		if d := time.Duration(pts[i] - pts[i-1]); d > best.Len {
			best.Len = d
			best.From, best.To = time.Unix(0, pts[i-1]).UTC(), time.Unix(0, pts[i]).UTC()
		}
	}
	return best
}

// AvailabilityGap finds the longest interval without an acknowledged send
// between the producer's first invoke and its last send event.
func AvailabilityGap(ops []history.Op) Gap {
	var g gapTracker
	for i := range ops {
		g.add(&ops[i])
	}
	return g.gap()
}

// gapFromFile streams a history.jsonl; lines that cannot be about a send
// are skipped before decoding, which is most of the cost on big runs.
func gapFromFile(path string) (Gap, error) {
	f, err := os.Open(path)
	if err != nil {
		return Gap{}, err
	}
	defer f.Close()
	var g gapTracker
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	sendTag := []byte(`send`)
	for sc.Scan() {
		b := sc.Bytes()
		if !bytes.Contains(b, sendTag) {
			continue
		}
		var op history.Op
		if err := json.Unmarshal(b, &op); err != nil {
			return Gap{}, fmt.Errorf("%s: %w", path, err)
		}
		g.add(&op)
	}
	if err := sc.Err(); err != nil {
		return Gap{}, fmt.Errorf("%s: %w", path, err)
	}
	return g.gap(), nil
}
