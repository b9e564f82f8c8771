package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
)

func incompleteResult() checker.Result {
	_, res := smallRun()
	res.Verdict = checker.Unknown
	res.Incomplete = true
	res.IncompleteReason = "the run ended before its drain (no run end event in events.jsonl)"
	return res
}

func TestIncompleteText(t *testing.T) {
	_, res := smallRun()
	assert.Empty(t, IncompleteText(res), "a complete run carries no marker")
	res.Incomplete = true
	assert.Equal(t, "incomplete: the run ended before its drain", IncompleteText(res), "the default reason")
	res.IncompleteReason = "the last line of history.jsonl was cut short"
	assert.Equal(t, "incomplete: the last line of history.jsonl was cut short", IncompleteText(res))
}

func TestSummaryMarksIncompleteRuns(t *testing.T) {
	_, done := smallRun()
	var buf bytes.Buffer
	Summary(&buf, []Row{{Result: incompleteResult(), Dir: "r/a"}, {Result: done, Dir: "r/b"}})
	out := buf.String()
	assert.Contains(t, out, "UNKNOWN (incomplete)")
	assert.Contains(t, out, "kill-master/shared-kahadb: incomplete: the run ended before its drain (no run end event in events.jsonl)")
	assert.Equal(t, 1, strings.Count(out, "incomplete:"), "only the incomplete row is marked:\n%s", out)
	assert.Equal(t, 1, strings.Count(out, "(incomplete)"), out)
}

func TestHTMLMarksIncompleteRuns(t *testing.T) {
	run, done := smallRun()
	for _, c := range []struct {
		res    checker.Result
		marked bool
	}{{incompleteResult(), true}, {done, false}} {
		dir := t.TempDir()
		require.NoError(t, WriteHTML(dir, Input{Result: c.res, Run: run}))
		b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
		require.NoError(t, err)
		html := string(b)
		assert.Equal(t, c.marked, strings.Contains(html, `<p class="incomplete">incomplete: the run ended before its drain`), "marker")
		// Rendered by the marker, not again as a raw result.json field.
		assert.NotContains(t, html, "incomplete_reason")
	}
}
