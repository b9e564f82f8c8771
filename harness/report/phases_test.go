package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/amqha/amqha/harness/checker"
)

// phased gives smallRun's result three phases and one reordered delivery.
func phased() checker.Result {
	_, res := smallRun()
	res.Phases = []checker.Phase{
		{Kind: checker.PhaseBefore, Name: "before the first fault", From: at(0), To: at(ms(5000)), Acked: 500, AckedPerS: 100, P50MS: 1.2, P99MS: 4.5, MaxMS: 9},
		{Kind: checker.PhaseDuring, Name: "during step 1 (pause master)", From: at(ms(5000)), To: at(ms(20000)), AckedPerS: 0, Unconfirmed: 3},
		{Kind: checker.PhaseAfter, Name: "after step 1 (pause master)", From: at(ms(20000)), To: at(ms(30000)), Acked: 900, AckedPerS: 90, P50MS: 1.5, P99MS: 15000, MaxMS: 15200},
	}
	res.Order = checker.OrderResult{Reordered: 1,
		Streams:  []checker.Stream{{Consumer: "consumer", Producer: "producer", Delivered: 1400, Reordered: 1}},
		Reorders: []checker.Reorder{{Consumer: "consumer", Producer: "producer", ID: "m0000042", After: "m0000044", At: at(ms(21000)), Redelivered: true}}}
	return res
}

func TestTheReportShowsClientsByPhaseAndTheFirstReorder(t *testing.T) {
	run, _ := smallRun()
	dir := t.TempDir()
	require.NoError(t, WriteHTML(dir, Input{Result: phased(), Run: run}))
	b, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	require.NoError(t, err)
	html := string(b)

	for _, want := range []string{"Clients by phase", "during step 1 (pause master)", "<td class=\"num\">100</td>", "15.2s",
		"deliveries out of their producer", "<code>m0000042</code>", "<code>m0000044</code>"} {
		assert.True(t, strings.Contains(html, want), "the report lacks %q", want)
	}
	assert.False(t, strings.Contains(html, "<h3>phases</h3>"), "phases must not also fall into the raw fields")
}

func TestTheIndexComparesPhasesAcrossProfiles(t *testing.T) {
	runDir := t.TempDir()
	var rows []Row
	for i, prof := range []string{"jdbc", "shared-kahadb"} {
		r := phased()
		r.Profile = prof
		r.Phases[1].AckedPerS = float64(7 * i)
		rows = append(rows, Row{Result: r, Dir: filepath.Join(runDir, "pause", prof)})
	}
	require.NoError(t, WriteIndex(runDir, rows))
	b, err := os.ReadFile(filepath.Join(runDir, IndexFile))
	require.NoError(t, err)
	html := string(b)

	assert.True(t, strings.Contains(html, "Clients by phase"), "no phase comparison")
	assert.True(t, strings.Contains(html, `title="during step 1 (pause master)">7</td>`), "shared-kahadb's slowest fault phase")
	assert.True(t, strings.Contains(html, `title="during step 1 (pause master)">0</td>`), "jdbc's slowest fault phase")
}

func TestARunWithoutFaultsHasNoSlowestPhase(t *testing.T) {
	s, ok := summarisePhases("steady", "jdbc", []checker.Phase{{Kind: checker.PhaseBefore, AckedPerS: 50, P99MS: 3}})

	require.True(t, ok)
	assert.Equal(t, phaseCell{Rate: "50", P99: "3ms"}, s.Before)
	assert.Equal(t, phaseCell{Rate: "–", P99: "–"}, s.Worst)
}
