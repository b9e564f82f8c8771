package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
	"github.com/amqha/amqha/harness/history"
)

// writeSample writes a report for the small run, with one log per broker;
// broker1's log carries an XSS attempt and a URL.
func writeSample(t *testing.T) (dir, html string) {
	t.Helper()
	run, res := smallRun()
	dir = t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "logs"), 0o755))
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
			require.NoError(t, os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644))
		}
	}
	in := Input{Result: res, Run: run, Logs: lfs, Meta: Meta{RunID: "20250102-030405", Seed: "42",
		Images: map[string]string{"activemq": "5.18.6 sha256:abc"}}}
	require.NoError(t, WriteHTML(dir, in))
	b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	require.NoError(t, err)
	return dir, string(b)
}

var attrRe = regexp.MustCompile(`(?i)\b(src|href|xlink:href|action|srcset)\s*=\s*"([^"]*)"`)

func TestHTMLHasNoExternalReference(t *testing.T) {
	_, html := writeSample(t)
	lower := strings.ToLower(html)
	for _, bad := range []string{"http://", "https://", "<script", "<link", "@import", "<iframe", "<img"} {
		assert.NotContains(t, lower, bad, "report contains %q", bad)
	}
	links := 0
	for _, m := range attrRe.FindAllStringSubmatch(html, -1) {
		v := m[2]
		assert.True(t, strings.HasPrefix(v, "./") || strings.HasPrefix(v, "#"),
			"%s=%q is not a relative or in-page reference", m[1], v)
		links++
	}
	assert.Equal(t, 3, links, "want one link per log file")
}

func TestHTMLEscapesLogLines(t *testing.T) {
	_, html := writeSample(t)
	require.NotContains(t, html, "<script>alert(1)</script>", "log line was not escaped")
	assert.Contains(t, html, "ERROR bad frame &lt;script&gt;alert(1)&lt;/script&gt;", "escaped log line is missing")
	for _, want := range []string{"no longer able to keep the exclusive lock", "Demoted to slave",
		"4 lines match", "log logs/broker3.log: open"} {
		assert.Contains(t, html, want, "report lacks %q", want)
	}
	assert.NotContains(t, html, "INFO started", "a line matching no pattern was shown")
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
	require.NoError(t, WriteHTML(dir, Input{Result: res, Run: run, Meta: Meta{Seed: evil, Images: map[string]string{evil: evil}},
		Logs: []LogFile{{Node: evil, Path: "javascript:alert(3)"}}}))
	b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	require.NoError(t, err)
	html := strings.ToLower(string(b))
	assert.NotContains(t, html, "<script", "run data reached the report unescaped")
	assert.NotContains(t, html, `href="javascript`, "run data reached the report unescaped")
	n := strings.Count(html, "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;")
	assert.GreaterOrEqual(t, n, 8, "escaped payload shown %d times, want it everywhere it was injected", n)
}

func TestHTMLFailingResultShowsLostIDs(t *testing.T) {
	run, res := smallRun()
	res.Queue.Lost = []string{"m-0050", "m-0051", "<b>x</b>"}
	res.Counts.Lost = 3
	dir := t.TempDir()
	require.NoError(t, WriteHTML(dir, Input{Result: res, Run: run}))
	b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	require.NoError(t, err)
	html := string(b)
	for _, want := range []string{
		`class="verdict st-fail">FAIL</span>`,
		`<td>no-loss</td>`,
		`<span class="badge st-fail">fail</span> <span class="bad">✗ not as expected</span>`,
		"<code>m-0050</code>", "<code>m-0051</code>", "<code>&lt;b&gt;x&lt;/b&gt;</code>",
		`lost: <span class="bad">3</span>`,
		"RTO 1.5s", "no recovery", "kill broker1",
	} {
		assert.Contains(t, html, want, "report lacks %q", want)
	}
}

func TestHTMLRendersUnknownResultFields(t *testing.T) {
	run, res := smallRun()
	res.Overlaps = []checker.MasterOverlap{{A: "broker1", B: "broker2", From: t0, To: t0.Add(time.Second)}}
	dir := t.TempDir()
	require.NoError(t, WriteHTML(dir, Input{Result: res, Run: run}))
	b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	require.NoError(t, err)
	assert.Contains(t, string(b), "master_overlaps", "master overlaps are not shown")
	assert.Contains(t, string(b), "broker2", "master overlaps are not shown")
}

func TestHTMLEmptyInput(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, WriteHTML(dir, Input{}))
	require.NoError(t, WriteIndex(dir, nil))
}

func TestDefang(t *testing.T) {
	in := "a http://x HTTPS://y ftp://z Http://w"
	want := "a http[:]//x HTTPS[:]//y ftp://z Http[:]//w"
	assert.Equal(t, want, string(defang([]byte(in))))
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
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, run.Save(dir))
		rows = append(rows, Row{Result: r, Dir: dir})
	}
	rows = append(rows, Row{Result: checker.Result{Scenario: "steady", Profile: "jdbc", Verdict: checker.Pass},
		Dir: filepath.Join(runDir, "steady:1", "jdbc")})
	require.NoError(t, WriteIndex(runDir, rows))
	b, err := os.ReadFile(filepath.Join(runDir, IndexFile))
	require.NoError(t, err)
	html := string(b)
	for _, want := range []string{`href="./kill-master/jdbc/report.html"`, `href="./steady:1/jdbc/report.html"`,
		"gap 1.5s", "failover never", "Failover time by profile", "jdbc 5.5s", "shared-kahadb 1.5s", "never"} {
		assert.Contains(t, html, want, "index lacks %q", want)
	}
	assert.NotContains(t, html, "http://", "index has an external URL")
	assert.NotContains(t, html, "https://", "index has an external URL")

	for range 2 { // the second call replaces the link
		require.NoError(t, UpdateLatest(root, runDir))
	}
	target, err := os.Readlink(filepath.Join(root, LatestLink))
	if assert.NoError(t, err) {
		assert.Equal(t, "run-1", target, "latest")
	}
	_, err = os.Stat(filepath.Join(root, LatestLink, IndexFile))
	assert.NoError(t, err)
}

func TestResultRoundTrip(t *testing.T) {
	_, res := smallRun()
	dir := t.TempDir()
	require.NoError(t, WriteResult(dir, res))
	got, err := ReadResult(dir)
	require.NoError(t, err)
	assert.Equal(t, res.Verdict, got.Verdict)
	assert.Len(t, got.Checks, len(res.Checks))
	if assert.NotEmpty(t, got.Queue.Lost) {
		assert.Equal(t, "m-0050", got.Queue.Lost[0])
	}
	assert.True(t, got.Start.Equal(res.Start), "start %v, want %v", got.Start, res.Start)
	if assert.NotEmpty(t, got.Failover) {
		assert.Equal(t, int64(1505), got.Failover[0].RTOms)
	}
	b, err := os.ReadFile(filepath.Join(dir, ResultFile))
	require.NoError(t, err)
	assert.Contains(t, string(b), "\n  \"scenario\": \"kill-master\"", "result.json is not indented")
}

func TestSummary(t *testing.T) {
	_, res := smallRun()
	var buf bytes.Buffer
	Summary(&buf, []Row{{Result: res, Dir: "reports/run-1/kill-master/shared-kahadb"}})
	out := buf.String()
	for _, want := range []string{"FAIL", "164/1/14", "never", "no-loss, no-unexpected (expected)",
		"reports/run-1/kill-master/shared-kahadb/report.html"} {
		assert.Contains(t, out, want, "summary lacks %q", want)
	}
}

// A lease profile's report shows its timing budget, flagged red with the
// setting to change when a renewal can fail after the lease has run out.
func TestTheReportShowsAnUnsafeLeaseBudget(t *testing.T) {
	dir := t.TempDir()
	res := checker.Result{Scenario: "s", Profile: "replicated", Verdict: checker.Pass,
		Lease: &checker.LeaseBudget{LeaseMS: 5000, KeepAliveMS: 2000, Hosts: 3, ConnectTimeoutMS: 2000, SocketTimeoutMS: 30000,
			NoticeMS: 36000, WorstLagMS: 38000, Unsafe: true, Advice: "lower connectTimeout"}}
	require.NoError(t, WriteHTML(dir, Input{Result: res}))
	b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	require.NoError(t, err)
	page := string(b)
	assert.Contains(t, page, "Lease timing budget")
	assert.Contains(t, page, "3 × 2s")
	assert.Contains(t, page, `<p class="bad">&#9873; lower connectTimeout</p>`)
}
