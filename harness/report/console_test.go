package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
)

// tableLines returns the lines of out that belong to a table: borders and
// rows.
func tableLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "+") || strings.HasPrefix(l, "|") {
			lines = append(lines, l)
		}
	}
	return lines
}

// cells splits a table row into its trimmed cells.
func cells(row string) []string {
	parts := strings.Split(strings.Trim(row, "|"), "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// The summary is read in terminals and CI logs: ASCII borders, every line
// of one width, one line per run however long its report path (a wrapped
// path cannot be copy-pasted), and numbers right-aligned.
func TestSummaryTableStyle(t *testing.T) {
	_, res := smallRun()
	long := "reports/20250102-030405/" + strings.Repeat("a-very-long-scenario-name-", 4) + "x@shared-kahadb"
	var buf bytes.Buffer
	Summary(&buf, []Row{{Result: res, Dir: long}, {Result: res, Dir: "r/b"}})
	out := buf.String()

	lines := tableLines(out)
	// top border, header, header rule, two rows, bottom border
	require.Len(t, lines, 6, out)
	for _, l := range lines {
		assert.Len(t, l, len(lines[0]), "ragged table line %q", l)
		for _, r := range l {
			require.Less(t, r, rune(0x80), "non-ASCII border in %q", l)
		}
	}
	assert.Regexp(t, `^\+-+\+`, lines[0])
	assert.Equal(t, []string{"SCENARIO", "PROFILE", "VERDICT", "SENT OK/FAIL/INFO", "DELIVERED", "LOST", "DUP",
		"WORST FAILOVER (MS)", "CHECKS NOT PASSED", "REPORT"}, cells(lines[1]), "header cells, upper-cased and unsplit")

	row := cells(lines[3])
	require.Len(t, row, 10)
	assert.Equal(t, long+"/"+HTMLFile, row[9], "the report path is cut or wrapped")
	assert.Equal(t, "kill-master", row[0])
	assert.Equal(t, "FAIL", row[2])

	// The delivered count sits at the right edge of its column, the
	// scenario at the left edge of its own.
	raw := strings.Split(strings.Trim(lines[3], "|"), "|")
	assert.Regexp(t, `^ +\d+ $`, raw[4], "delivered is not right-aligned")
	assert.Regexp(t, `^ kill-master +$`, raw[0], "scenario is not left-aligned")
}

func TestMatrixTableStyle(t *testing.T) {
	m := NewMatrix(2)
	m.Set("kill-master", "jdbc", 1, MatrixCell{Verdict: "pass", Failover: "6.1s"})
	m.Set("kill-master", "jdbc", 2, MatrixCell{Verdict: "fail", Failed: []string{"no-loss", "single-master"}})
	var buf bytes.Buffer
	m.Render(&buf)

	lines := tableLines(buf.String())
	require.Len(t, lines, 5, buf.String())
	assert.Equal(t, []string{"PROFILE", "SCENARIO", "RUN 1", "RUN 2", "SAME VERDICT"}, cells(lines[1]))
	assert.Equal(t, []string{"jdbc", "kill-master", "PASS 6.1s", "FAIL (no-loss, single-master)", "no"}, cells(lines[3]))
	assert.True(t, strings.HasSuffix(buf.String(), "stability: 0 of 1 scenario × profile rows gave the same verdict in all 2 runs\n"))
}

// A failover that never recovered outranks any finite one, in both the
// summary's milliseconds and the matrix's human form.
func TestWorstFailoverText(t *testing.T) {
	recovered := func(ms int64) checker.Failover { return checker.Failover{RTOms: ms, Recovered: true} }
	assert.Equal(t, "-", WorstFailoverText(nil))
	assert.Equal(t, "2.5s", WorstFailoverText([]checker.Failover{recovered(1200), recovered(2500)}))
	assert.Equal(t, "never", WorstFailoverText([]checker.Failover{recovered(1200), {RTOms: -1}}))
	assert.Equal(t, "never", WorstFailoverText([]checker.Failover{{RTOms: 900, Recovered: false}}),
		"a measured time without recovery still never recovered")
	assert.Equal(t, "2500", worstFailoverText([]checker.Failover{recovered(2500), recovered(10)}, false))
}
