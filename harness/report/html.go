package report

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/fault"
	"github.com/amqha/amqha/harness/history"
)

//go:embed style.css report.html.tmpl index.html.tmpl
var assets embed.FS

// Input is everything WriteHTML shows about one scenario run.
type Input struct {
	Result checker.Result
	Run    history.Run
	Meta   Meta
	// Logs are the container logs to link and scan for bad patterns.
	Logs []LogFile
}

// Meta describes the run beyond what the checker decided.
type Meta struct {
	RunID string
	Seed  string
	// Images maps an image name to its id or version, so a report says
	// exactly which broker build it judged.
	Images map[string]string
	// Duration is the run's wall time; zero means "use Result.End − Start".
	Duration time.Duration
	// Cluster names the cluster the scenario ran on (profile#n): the
	// scenarios of one session share a cluster per profile, restored to
	// its baseline between them.
	Cluster string
	// ClusterTurn is the scenario's place on that cluster, 1 for the first.
	ClusterTurn int
}

// LogFile is one container log.
type LogFile struct {
	Node string
	// Path is relative to the report folder, so the report can be moved
	// or archived together with its logs.
	Path string
}

var funcs = template.FuncMap{
	"n":          num,
	"secs":       secs,
	"dur":        fmtDur,
	"ms":         func(ms int64) string { return fmtDur(time.Duration(ms) * time.Millisecond) },
	"upper":      func(v any) string { return strings.ToUpper(fmt.Sprint(v)) },
	"status":     statusClass,
	"incomplete": IncompleteText,
	"ts":         func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") },
	"lat":        fmtMS,
}

var (
	css       = template.CSS(mustRead("style.css"))
	reportTpl = template.Must(template.New("report.html.tmpl").Funcs(funcs).ParseFS(assets, "report.html.tmpl"))
	indexTpl  = template.Must(template.New("index.html.tmpl").Funcs(funcs).ParseFS(assets, "index.html.tmpl"))
)

func mustRead(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

type kv struct {
	Key, Value string
	Bad        bool
}

type logLink struct {
	Node, Path, Href string
}

type failoverRow struct {
	Mark      FailoverMark
	Action    fault.Action
	FirstOKID string
	// Outage is what clients saw, last ack before to first after; Longest
	// the longest stretch without an ack, which max-unavailable judges.
	Outage, Longest time.Duration
	HasOutage       bool
}

type reportPage struct {
	CSS       template.CSS
	Res       checker.Result
	Meta      Meta
	Images    []kv
	Duration  time.Duration
	Axis      Axis
	Timeline  timeline
	Failovers []failoverRow
	Phases    []phaseRow
	Verdicts  []VerdictRow
	Counts    []kv
	Evidence  []EvidenceGroup
	Limit     int
	Logs      []logLink
	Scan      LogScan
	Extra     []kv
}

// WriteHTML writes dir/report.html: one self-contained file (inline CSS
// and SVG, no script, no external reference) so it can be attached to an
// issue or opened from an archive offline.
func WriteHTML(dir string, in Input) error {
	p := buildPage(dir, in)
	var buf bytes.Buffer
	if err := reportTpl.Execute(&buf, p); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	return writeAtomic(filepath.Join(dir, HTMLFile), func(w io.Writer) error {
		_, err := w.Write(defang(buf.Bytes()))
		return err
	})
}

func buildPage(dir string, in Input) reportPage {
	res := in.Result
	start, end := Window(res, in.Run)
	ax := NewAxis(start, end, MaxBuckets)
	marks := FailoverMarks(res.Failover, ax)
	p := reportPage{
		CSS: css, Res: res, Meta: in.Meta, Axis: ax, Limit: EvidenceLimit,
		Duration: in.Meta.Duration,
		Timeline: buildTimeline(ax, Buckets(in.Run.Ops, ax), Lanes(in.Run.Events, ax),
			FaultBands(in.Run.Events, ax), marks),
		Verdicts: VerdictRows(res),
		Counts:   countRows(res.Counts),
		Evidence: Evidence(res, in.Run.Ops, ax, EvidenceLimit),
		Scan:     ScanLogs(dir, in.Logs, LogLimit),
		Extra:    extraFields(res),
		Phases:   phaseRows(res.Phases, ax),
	}
	if p.Duration == 0 {
		p.Duration = end.Sub(start)
	}
	for k, v := range in.Meta.Images {
		p.Images = append(p.Images, kv{Key: k, Value: v})
	}
	slices.SortFunc(p.Images, func(a, b kv) int { return strings.Compare(a.Key, b.Key) })
	for i, f := range res.Failover {
		p.Failovers = append(p.Failovers, failoverRow{Mark: marks[i], Action: f.Action, FirstOKID: f.FirstOKID,
			Outage: time.Duration(f.OutageMS) * time.Millisecond, HasOutage: f.OutageMS >= 0,
			Longest: time.Duration(f.UnavailableMS) * time.Millisecond})
	}
	for _, lf := range in.Logs {
		p.Logs = append(p.Logs, logLink{Node: lf.Node, Path: lf.Path, Href: relHref(lf.Path)})
	}
	return p
}

// relHref returns a link for a path relative to the report, or "" when
// the path is not one (absolute, or shaped like a URL), so a report never
// links outside its own folder tree.
func relHref(p string) string {
	s := filepath.ToSlash(p)
	if s == "" || strings.HasPrefix(s, "/") || strings.Contains(s, ":") || strings.HasPrefix(s, "//") {
		return ""
	}
	return "./" + strings.TrimPrefix(s, "./")
}

func countRows(c checker.Counts) []kv {
	row := func(k string, v int, badIfPositive bool) kv {
		return kv{Key: k, Value: strconv.Itoa(v), Bad: badIfPositive && v > 0}
	}
	return []kv{
		row("sent ok (acknowledged)", c.SentOK, false),
		row("sent fail (definitely not enqueued)", c.SentFail, false),
		row("sent info (outcome unknown)", c.SentInfo, false),
		row("delivered", c.Delivered, false),
		row("lost (acknowledged, never delivered)", c.Lost, true),
		row("duplicated", c.Duplicated, true),
		row("unexpected (delivered, never sent ok)", c.Unexpected, true),
		row("recovered (unknown send, delivered)", c.Recovered, false),
	}
}

// knownFields are the result.json keys the report renders itself.
var knownFields = []string{"scenario", "profile", "verdict", "checks", "counts", "failover", "queue", "start", "end",
	"incomplete", "incomplete_reason", "phases", "order"}

// extraFields shows whatever else the checker puts in result.json (e.g.
// master overlaps) as JSON, so new evidence reaches the report without
// this package depending on its shape.
func extraFields(res checker.Result) []kv {
	b, err := json.Marshal(res)
	if err != nil {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	var out []kv
	for k, raw := range m {
		if slices.Contains(knownFields, k) || string(raw) == "null" {
			continue
		}
		var pretty bytes.Buffer
		if json.Indent(&pretty, raw, "", "  ") != nil {
			pretty.Reset()
			pretty.Write(raw)
		}
		out = append(out, kv{Key: k, Value: clip(pretty.String(), 20000)})
	}
	slices.SortFunc(out, func(a, b kv) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// defang breaks every "http://" and "https://" in the output. The report
// itself never emits one, but broker logs and error details quote URLs
// (the web console's, for one); the report promises to contain no
// external URL at all, and a grep is how that promise is checked.
func defang(b []byte) []byte {
	lower := bytes.ToLower(b)
	if !bytes.Contains(lower, []byte("http://")) && !bytes.Contains(lower, []byte("https://")) {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 64)
	for i := 0; i < len(b); {
		j := bytes.Index(lower[i:], []byte("://"))
		if j < 0 {
			out.Write(b[i:])
			break
		}
		j += i
		scheme := lower[max(i, j-5):j]
		out.Write(b[i:j])
		if bytes.HasSuffix(scheme, []byte("http")) || bytes.HasSuffix(scheme, []byte("https")) {
			out.WriteString("[:]//")
		} else {
			out.WriteString("://")
		}
		i = j + 3
	}
	return out.Bytes()
}

func statusClass(s checker.Status) string {
	switch s {
	case checker.Pass:
		return "st-pass"
	case checker.Fail:
		return "st-fail"
	case checker.NotApplicable:
		return "st-na"
	case checker.Info:
		// Info is drawn apart from pass: a check that cannot fail must
		// never read as one that held.
		return "st-info"
	}
	return "st-unknown"
}

// num prints coordinates with one decimal: enough for a 1200-unit
// viewBox, and it keeps thousands of rects from bloating the file.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// secs prints an axis offset in seconds, the unit of the timeline.
func secs(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
}

// fmtDur prints a duration at the precision a reader cares about:
// milliseconds below a second, tenths of seconds below a minute.
func fmtDur(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond && d > -time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	case d < time.Minute:
		return strings.TrimSuffix(strconv.FormatFloat(d.Seconds(), 'f', 1, 64), ".0") + "s"
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
