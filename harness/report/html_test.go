package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
)

// writeSample writes a report for the small run, with one log per broker;
// broker1's log carries an XSS attempt and a URL.
func writeSample(t *testing.T) (dir, html string) {
	t.Helper()
	run, res := smallRun()
	dir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	logs := map[string]string{
		"broker1": "INFO started\n" +
			"ERROR bad frame <script>alert(1)</script>\n" +
			"INFO WebConsole available at http://0.0.0.0:8161/ and HTTPS://0.0.0.0:8162/\n" +
			"WARN Exception in thread: see http://activemq.apache.org/faq\n" +
			"INFO no longer able to keep the exclusive lock so giving up being a master\n",
		"broker2": "INFO Demoted to slave\n",
	}
	var lfs []LogFile
	for _, n := range []string{"broker1", "broker2", "broker3"} {
		p := filepath.Join("logs", n+".log")
		lfs = append(lfs, LogFile{Node: n, Path: p})
		if body, ok := logs[n]; ok {
			if err := os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	in := Input{Result: res, Run: run, Logs: lfs, Meta: Meta{RunID: "20250102-030405", Seed: "42",
		Images: map[string]string{"activemq": "5.18.6 sha256:abc"}}}
	if err := WriteHTML(dir, in); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	return dir, string(b)
}

var attrRe = regexp.MustCompile(`(?i)\b(src|href|xlink:href|action|srcset)\s*=\s*"([^"]*)"`)

func TestHTMLHasNoExternalReference(t *testing.T) {
	_, html := writeSample(t)
	lower := strings.ToLower(html)
	for _, bad := range []string{"http://", "https://", "<script", "<link", "@import", "<iframe", "<img"} {
		if strings.Contains(lower, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	links := 0
	for _, m := range attrRe.FindAllStringSubmatch(html, -1) {
		v := m[2]
		if !strings.HasPrefix(v, "./") && !strings.HasPrefix(v, "#") {
			t.Errorf("%s=%q is not a relative or in-page reference", m[1], v)
		}
		links++
	}
	if links != 3 {
		t.Errorf("found %d links, want one per log file", links)
	}
}

func TestHTMLEscapesLogLines(t *testing.T) {
	_, html := writeSample(t)
	if strings.Contains(html, "<script>alert(1)</script>") {
		t.Fatal("log line was not escaped")
	}
	if !strings.Contains(html, "ERROR bad frame &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("escaped log line is missing")
	}
	for _, want := range []string{"no longer able to keep the exclusive lock", "Demoted to slave",
		"4 lines match", "log logs/broker3.log: open"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(html, "started") && strings.Contains(html, "INFO started") {
		t.Error("a line matching no pattern was shown")
	}
}

func TestHTMLEscapesEverythingFromTheRun(t *testing.T) {
	run, res := smallRun()
	evil := "</title><script>alert(2)</script>"
	res.Scenario = evil
	res.Checks[0].Detail = evil
	res.Failover[0].Nodes = []string{evil}
	run.Events = append(run.Events, history.Event{Time: t0.Add(time.Second), Type: history.FaultEvent,
		Phase: history.PhaseStart, Step: 9, Action: "partition", Nodes: []string{evil}, Detail: evil},
		history.Event{Time: t0.Add(time.Second), Type: history.RoleEvent, Node: evil, Role: history.Role(evil)})
	dir := t.TempDir()
	if err := WriteHTML(dir, Input{Result: res, Run: run, Meta: Meta{Seed: evil, Images: map[string]string{evil: evil}},
		Logs: []LogFile{{Node: evil, Path: "javascript:alert(3)"}}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	html := strings.ToLower(string(b))
	if strings.Contains(html, "<script") || strings.Contains(html, `href="javascript`) {
		t.Error("run data reached the report unescaped")
	}
	if n := strings.Count(html, "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;"); n < 8 {
		t.Errorf("escaped payload shown %d times, want it everywhere it was injected", n)
	}
}

func TestHTMLFailingResultShowsLostIDs(t *testing.T) {
	run, res := smallRun()
	res.Queue.Lost = []string{"m-0050", "m-0051", "<b>x</b>"}
	res.Counts.Lost = 3
	dir := t.TempDir()
	if err := WriteHTML(dir, Input{Result: res, Run: run}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	html := string(b)
	for _, want := range []string{
		`class="verdict st-fail">FAIL</span>`,
		`<td>no-loss</td>`,
		`<span class="badge st-fail">fail</span> <span class="bad">✗ not as expected</span>`,
		"<code>m-0050</code>", "<code>m-0051</code>", "<code>&lt;b&gt;x&lt;/b&gt;</code>",
		`lost: <span class="bad">3</span>`,
		"RTO 1.5s", "no recovery", "kill broker1",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func TestHTMLRendersUnknownResultFields(t *testing.T) {
	run, res := smallRun()
	res.Overlaps = []checker.MasterOverlap{{A: "broker1", B: "broker2", From: t0, To: t0.Add(time.Second)}}
	dir := t.TempDir()
	if err := WriteHTML(dir, Input{Result: res, Run: run}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, HTMLFile))
	if !bytes.Contains(b, []byte("master_overlaps")) || !bytes.Contains(b, []byte("broker2")) {
		t.Error("master overlaps are not shown")
	}
}

func TestHTMLEmptyInput(t *testing.T) {
	dir := t.TempDir()
	if err := WriteHTML(dir, Input{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteIndex(dir, nil); err != nil {
		t.Fatal(err)
	}
}

func TestDefang(t *testing.T) {
	in := "a http://x HTTPS://y ftp://z Http://w"
	want := "a http[:]//x HTTPS[:]//y ftp://z Http[:]//w"
	if got := string(defang([]byte(in))); got != want {
		t.Errorf("defang = %q, want %q", got, want)
	}
}

func TestWriteIndexAndLatest(t *testing.T) {
	root := t.TempDir()
	runDir := filepath.Join(root, "run-1")
	run, res := smallRun()
	var rows []Row
	for i, prof := range []string{"shared-kahadb", "jdbc"} {
		r := res
		r.Profile = prof
		r.Failover = append([]checker.Failover(nil), res.Failover...)
		r.Failover[0].RTOms += int64(i) * 4000
		dir := filepath.Join(runDir, "kill-master", prof)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := run.Save(dir); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, Row{Result: r, Dir: dir})
	}
	rows = append(rows, Row{Result: checker.Result{Scenario: "steady", Profile: "jdbc", Verdict: checker.Pass},
		Dir: filepath.Join(runDir, "steady:1", "jdbc")})
	if err := WriteIndex(runDir, rows); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(runDir, IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{`href="./kill-master/jdbc/report.html"`, `href="./steady:1/jdbc/report.html"`,
		"gap 1.5s", "failover never", "Failover time by profile", "jdbc 5.5s", "shared-kahadb 1.5s", "never"} {
		if !strings.Contains(html, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Error("index has an external URL")
	}

	for i := 0; i < 2; i++ { // the second call replaces the link
		if err := UpdateLatest(root, runDir); err != nil {
			t.Fatal(err)
		}
	}
	target, err := os.Readlink(filepath.Join(root, LatestLink))
	if err != nil || target != "run-1" {
		t.Errorf("latest -> %q, %v", target, err)
	}
	if _, err := os.Stat(filepath.Join(root, LatestLink, IndexFile)); err != nil {
		t.Error(err)
	}
}

func TestResultRoundTrip(t *testing.T) {
	_, res := smallRun()
	dir := t.TempDir()
	if err := WriteResult(dir, res); err != nil {
		t.Fatal(err)
	}
	got, err := ReadResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Verdict != res.Verdict || len(got.Checks) != len(res.Checks) || got.Queue.Lost[0] != "m-0050" ||
		!got.Start.Equal(res.Start) || got.Failover[0].RTOms != 1505 {
		t.Errorf("round trip lost data: %+v", got)
	}
	b, _ := os.ReadFile(filepath.Join(dir, ResultFile))
	if !bytes.Contains(b, []byte("\n  \"scenario\": \"kill-master\"")) {
		t.Errorf("result.json is not indented:\n%s", b[:min(len(b), 200)])
	}
}

func TestSummary(t *testing.T) {
	_, res := smallRun()
	var buf bytes.Buffer
	Summary(&buf, []Row{{Result: res, Dir: "reports/run-1/kill-master/shared-kahadb"}})
	out := buf.String()
	for _, want := range []string{"FAIL", "164/1/14", "never", "no-loss, no-unexpected (expected)",
		"reports/run-1/kill-master/shared-kahadb/report.html"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}
