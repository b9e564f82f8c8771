package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// MatrixCell is one run of one scenario on one profile.
type MatrixCell struct {
	// Verdict is pass, fail or unknown, judged against the scenario's
	// expectations; "error" when the run could not be carried out.
	Verdict string
	// Failed names the checks that disagreed with their expectation.
	Failed []string
	// Failover is the worst failover time of the run, as the summary shows it.
	Failover string
}

func (c MatrixCell) String() string {
	s := strings.ToUpper(c.Verdict)
	if len(c.Failed) > 0 {
		s += " (" + strings.Join(c.Failed, ", ") + ")"
	}
	if c.Failover != "" && c.Failover != "-" {
		s += " " + c.Failover
	}
	return s
}

// verdictKey is what must repeat for a run to count as the same verdict:
// the verdict and the checks that failed, not the failover time.
func (c MatrixCell) verdictKey() string { return c.Verdict + "|" + strings.Join(c.Failed, ",") }

type matrixKey struct{ Scenario, Profile string }

// Matrix is the stability matrix of repeated runs: scenario × profile ×
// run. A scenario is stable when every run gave the same verdict with the
// same failing checks. Safe for concurrent Set.
type Matrix struct {
	// Runs is the number of runs of each scenario.
	Runs  int
	mu    sync.Mutex
	order []matrixKey
	cells map[matrixKey][]MatrixCell
}

// NewMatrix returns an empty matrix of runs columns.
func NewMatrix(runs int) *Matrix { return &Matrix{Runs: runs, cells: map[matrixKey][]MatrixCell{}} }

// Set records run (1-based) of scenario on profile.
func (m *Matrix) Set(scenario, profile string, run int, c MatrixCell) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := matrixKey{scenario, profile}
	row, ok := m.cells[k]
	if !ok {
		m.order = append(m.order, k)
		row = make([]MatrixCell, m.Runs)
	}
	if run >= 1 && run <= m.Runs {
		row[run-1] = c
	}
	m.cells[k] = row
}

// stable reports whether every run of a row was recorded and agreed.
func stable(row []MatrixCell) bool {
	for _, c := range row {
		if c.Verdict == "" || c.verdictKey() != row[0].verdictKey() {
			return false
		}
	}
	return len(row) > 0
}

// Stable counts the rows whose runs all agree, out of all rows.
func (m *Matrix) Stable() (agree, rows int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.order {
		if stable(m.cells[k]) {
			agree++
		}
	}
	return agree, len(m.order)
}

// Render prints the matrix as a console table, one row per scenario and
// profile, one column per run, and a closing line with the stable count.
func (m *Matrix) Render(w io.Writer) {
	m.mu.Lock()
	keys := slices.Clone(m.order)
	m.mu.Unlock()
	slices.SortFunc(keys, func(a, b matrixKey) int {
		return strings.Compare(a.Profile+"/"+a.Scenario, b.Profile+"/"+b.Scenario)
	})
	t := newConsoleTable(w)
	header := []string{"profile", "scenario"}
	for i := 1; i <= m.Runs; i++ {
		header = append(header, fmt.Sprintf("run %d", i))
	}
	t.Header(consoleHeader(append(header, "same verdict")...))
	for _, k := range keys {
		m.mu.Lock()
		row := slices.Clone(m.cells[k])
		m.mu.Unlock()
		line := []string{k.Profile, k.Scenario}
		for _, c := range row {
			line = append(line, c.String())
		}
		same := "no"
		if stable(row) {
			same = "yes"
		}
		_ = t.Append(append(line, same)) // fails only for cells it cannot turn into strings
	}
	renderTable(w, t, "stability matrix")
	agree, rows := m.Stable()
	fmt.Fprintf(w, "stability: %d of %d scenario × profile rows gave the same verdict in all %d runs\n", agree, rows, m.Runs)
}
