package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/amqha/amqha/harness/checker"
)

// defaultIncomplete is the marker's text for a result.json that says
// incomplete without saying why.
const defaultIncomplete = "the run ended before its drain"

// IncompleteText is the marker an incomplete run carries wherever its
// verdict is shown ("incomplete: <why>"), or "" for a complete run. It is
// spelled out rather than left to the verdict, because an UNKNOWN verdict
// alone reads like a checker's doubt, not like a run that died.
func IncompleteText(res checker.Result) string {
	if !res.Incomplete {
		return ""
	}
	why := res.IncompleteReason
	if why == "" {
		why = defaultIncomplete
	}
	return "incomplete: " + why
}

// verdictText is the summary's verdict cell: the verdict, tagged when the
// run is incomplete so that the table alone tells a dead run apart.
func verdictText(res checker.Result) string {
	v := strings.ToUpper(string(res.Verdict))
	if res.Incomplete {
		v += " (incomplete)"
	}
	return v
}

// incompleteLines prints one marker line per incomplete row under the
// summary table, where the reason has room that a table cell lacks.
func incompleteLines(w io.Writer, rows []Row) {
	for _, r := range rows {
		if text := IncompleteText(r.Result); text != "" {
			fmt.Fprintf(w, "%s/%s: %s\n", r.Result.Scenario, r.Result.Profile, text)
		}
	}
}
