package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatrixCountsOnlyAgreeingRowsAsStable(t *testing.T) {
	m := NewMatrix(3)
	for run := 1; run <= 3; run++ {
		m.Set("kill-master", "jdbc", run, MatrixCell{Verdict: "pass", Failover: "6.1s"})
	}
	m.Set("isolate-db-primary", "replicated", 1, MatrixCell{Verdict: "pass"})
	m.Set("isolate-db-primary", "replicated", 2, MatrixCell{Verdict: "fail", Failed: []string{"single-master"}})
	m.Set("isolate-db-primary", "replicated", 3, MatrixCell{Verdict: "pass"})

	agree, rows := m.Stable()
	assert.Equal(t, 1, agree, "a row with one differing run is not stable")
	assert.Equal(t, 2, rows)

	var out bytes.Buffer
	m.Render(&out)
	assert.Contains(t, out.String(), "FAIL (single-master)")
	assert.Contains(t, out.String(), "stability: 1 of 2")
}

func TestMatrixRowWithAMissingRunIsNotStable(t *testing.T) {
	m := NewMatrix(2)
	m.Set("kill-master", "jdbc", 1, MatrixCell{Verdict: "pass"})
	agree, _ := m.Stable()
	assert.Zero(t, agree, "a run that never reported cannot count as agreeing")
}

func TestMatrixSameVerdictDifferentFailedChecksDiffers(t *testing.T) {
	m := NewMatrix(2)
	m.Set("s", "p", 1, MatrixCell{Verdict: "fail", Failed: []string{"no-loss"}})
	m.Set("s", "p", 2, MatrixCell{Verdict: "fail", Failed: []string{"single-master"}})
	agree, _ := m.Stable()
	assert.Zero(t, agree)
}
